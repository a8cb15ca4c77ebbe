"""Parses recorded HTTP responses with botocore, as the reference for custos's protocol parsers.

Run with Debian's python (/usr/bin/python3, which has python3-botocore). Reads a JSON list of
responses from the file named by its argument (or stdin), each:
  {"service", "operation", "status": int, "headers": [[name, value], ...], "body": base64,
   "context": {...}}
and prints a JSON list of what a boto3 client returns for each: the protocol parser's result
after the client's after-call handlers (S3's GetBucketLocation and ListObjects url decoding,
IAM's policy documents), with ResponseMetadata dropped, timestamps as ISO-8601 in UTC
("2015-01-01T00:00:00+00:00", microseconds when not zero) and blobs base64, the forms custos
prints. "context" is the request context botocore's handlers read (encoding_type_auto_set).
Non-2xx responses give {"Error": {...}} as botocore's error parser reads it.
"""
import base64
import datetime
import json
import sys

import botocore.session
from botocore import parsers
from botocore.awsrequest import AWSResponse, HeadersDict


class _Raw:
    def __init__(self, body):
        self._body = body

    def stream(self, **_):
        yield self._body


def plain(value):
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items() if key != "ResponseMetadata"}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if hasattr(value, "read"):
        return base64.b64encode(value.read()).decode()
    return value


class Reference:
    def __init__(self):
        self._session = botocore.session.get_session()
        self._clients = {}

    def client(self, service):
        # Never sends anything: it only lends its model and its event handlers.
        if service not in self._clients:
            self._clients[service] = self._session.create_client(
                service, region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                aws_access_key_id="testing", aws_secret_access_key="testing")
        return self._clients[service]

    def parse(self, case):
        client = self.client(case["service"])
        model = client.meta.service_model
        operation = model.operation_model(case["operation"])
        body = base64.b64decode(case["body"])
        headers = HeadersDict(case["headers"])
        response = {"status_code": case["status"], "headers": headers, "body": body,
                    "context": {"operation_name": operation.name}}
        parser = parsers.create_parser(model.metadata["protocol"])
        ok = 200 <= case["status"] < 300
        parsed = parser.parse(response, operation.output_shape if ok else None)
        if ok:
            http_response = AWSResponse("http://127.0.0.1:9/", case["status"], headers, _Raw(body))
            client.meta.events.emit(
                f"after-call.{model.service_id.hyphenize()}.{operation.name}",
                http_response=http_response, parsed=parsed, model=operation,
                context=dict(case.get("context", {})))
        return plain(parsed)


def main():
    reference = Reference()
    with open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin as source:
        cases = json.load(source)
    json.dump([reference.parse(case) for case in cases], sys.stdout)


if __name__ == "__main__":
    main()
