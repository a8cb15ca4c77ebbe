"""Signs requests with botocore's own SigV4 signers, as the reference for custos's signer.

Run with Debian's python (/usr/bin/python3, which has python3-botocore). Reads a JSON list of
requests on stdin, each:
  {"signer": "header" | "query", "s3": bool, "method", "url", "headers": [[name, value], ...],
   "body": str, "access_key", "secret_key", "token": str | null, "region", "service",
   "timestamp": "YYYYMMDDTHHMMSSZ", "expires": int, "unsigned_payload": bool}
and prints a JSON list: {"headers": [[name, value], ...]} for header signing (all headers after
signing), {"url": presigned URL} for query signing.
"""
import datetime
import json
import sys
from unittest import mock

from botocore import auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

SIGNERS = {
    ("header", False): auth.SigV4Auth,
    ("header", True): auth.S3SigV4Auth,
    ("query", False): auth.SigV4QueryAuth,
    ("query", True): auth.S3SigV4QueryAuth,
}


def sign(case):
    credentials = Credentials(case["access_key"], case["secret_key"], case["token"])
    signer_class = SIGNERS[(case["signer"], case["s3"])]
    args = [credentials, case["service"], case["region"]]
    if case["signer"] == "query":
        args.append(case["expires"])
    signer = signer_class(*args)

    request = AWSRequest(method=case["method"], url=case["url"], data=case["body"].encode())
    for name, value in case["headers"]:
        request.headers[name] = value
    if case["unsigned_payload"]:
        # How botocore's clients turn payload signing off, for S3 and for other services.
        request.context["payload_signing_enabled"] = False
        request.context["client_config"] = Config(s3={"payload_signing_enabled": False})

    # botocore takes the signing time from datetime.utcnow(); its own tests patch it the same way.
    now = datetime.datetime.strptime(case["timestamp"], auth.SIGV4_TIMESTAMP)
    with mock.patch.object(auth, "datetime") as fake:
        fake.datetime.utcnow.return_value = now
        fake.datetime.strptime = datetime.datetime.strptime
        signer.add_auth(request)

    if case["signer"] == "query":
        return {"url": request.url}
    return {"headers": [[name, value] for name, value in request.headers.items()]}


def main():
    json.dump([sign(case) for case in json.load(sys.stdin)], sys.stdout)


if __name__ == "__main__":
    main()
