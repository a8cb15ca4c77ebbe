"""Signs requests with botocore's own SigV4 signers, as the reference for custos's signer.

Run with Debian's python (/usr/bin/python3, which has python3-botocore). Reads a JSON list of
requests on stdin, each:
  {"signer": "header" | "query", "s3": bool, "method", "url", "headers": [[name, value], ...],
   "body_base64": str, "access_key", "secret_key", "token": str | null, "region", "service",
   "timestamp": "YYYYMMDDTHHMMSSZ", "expires": int, "unsigned_payload": bool}
and prints a JSON list: {"headers": [[name, value], ...]} for header signing (all headers after
signing), {"url": presigned URL} for query signing; both with botocore's "canonical_request" and
"string_to_sign", to show where a mismatch starts.
"""
import base64
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

    body = base64.b64decode(case["body_base64"])
    request = AWSRequest(method=case["method"], url=case["url"], data=body)
    for name, value in case["headers"]:
        request.headers[name] = value
    if case["unsigned_payload"]:
        # How botocore's clients turn payload signing off, for S3 and for other services.
        request.context["payload_signing_enabled"] = False
        request.context["client_config"] = Config(s3={"payload_signing_enabled": False})

    steps = capture_steps(signer)
    # botocore takes the signing time from datetime.utcnow(); its own tests patch it the same way.
    now = datetime.datetime.strptime(case["timestamp"], auth.SIGV4_TIMESTAMP)
    with mock.patch.object(auth, "datetime") as fake:
        fake.datetime.utcnow.return_value = now
        fake.datetime.strptime = datetime.datetime.strptime
        signer.add_auth(request)

    if case["signer"] == "query":
        return {"url": request.url, **steps}
    return {"headers": [[name, value] for name, value in request.headers.items()], **steps}


def capture_steps(signer):
    """Records the canonical request and string to sign as add_auth computes them."""
    steps = {}

    def recorded(name):
        method = getattr(signer, name)

        def record(*args):
            steps[name] = method(*args)
            return steps[name]

        setattr(signer, name, record)

    recorded("canonical_request")
    recorded("string_to_sign")
    return steps


def main():
    json.dump([sign(case) for case in json.load(sys.stdin)], sys.stdout)


if __name__ == "__main__":
    main()
