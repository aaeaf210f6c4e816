"""Builders for the exact event shapes Lambda receives, and a fake Lambda context."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

STAGE = "prod"
ACCOUNT_ID = "123456789012"
REGION = "us-east-1"


@dataclass
class FakeLambdaContext:
    function_name: str = "ecommerce-test-fn"
    memory_limit_in_mb: int = 256
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:ecommerce-test-fn"
    log_group_name: str = "/aws/lambda/ecommerce-test-fn"
    log_stream_name: str = "2025/01/01/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def lambda_context() -> LambdaContext:
    """What Lambda passes as ``context`` (the attributes Powertools reads)."""
    return cast("LambdaContext", FakeLambdaContext())


def cognito_claims(
    groups: tuple[str, ...] | None,
    user_id: str | None = None,
    email: str = "user@example.com",
    *,
    email_verified: bool = True,
) -> dict[str, str]:
    """ID token claims as API Gateway REST's Cognito authorizer forwards them: all strings
    (``email_verified`` "true" or "false", ``exp``/``iat`` as "Fri Mar 14 10:26:53 UTC
    2025"), ``cognito:groups`` comma-joined ("admin,customer"). The local gateway renders
    them the same way (``localcloud.rest_proxy.authorizer_claims``)."""
    claims = {
        "sub": user_id or str(uuid.uuid4()),
        "email": email,
        "email_verified": "true" if email_verified else "false",
        "token_use": "id",
        "cognito:username": email,
        "aud": "1example23456789",
        "iss": f"https://cognito-idp.{REGION}.amazonaws.com/{REGION}_Example",
        "auth_time": "1741944413",
        "exp": "Fri Mar 14 10:26:53 UTC 2025",
        "iat": "Fri Mar 14 09:26:53 UTC 2025",
    }
    if groups:
        claims["cognito:groups"] = ",".join(groups)
    return claims


def rest_event(
    method: str,
    path: str,
    *,
    resource: str | None = None,
    body: Any = None,
    raw_body: str | None = None,
    query: Mapping[str, str | list[str]] | None = None,
    headers: dict[str, str] | None = None,
    claims: dict[str, str] | None = None,
    request_id: str | None = None,
) -> dict[str, Any]:
    """An API Gateway REST API proxy integration event (payload format 1.0). A query
    parameter given as a list was sent that many times: API Gateway puts its last value in
    ``queryStringParameters`` and all of them in ``multiValueQueryStringParameters``."""
    all_headers = {
        "Accept": "application/json",
        "Host": f"abc123.execute-api.{REGION}.amazonaws.com",
        "User-Agent": "pytest",
        "X-Forwarded-Proto": "https",
        **({"Content-Type": "application/json"} if body is not None or raw_body else {}),
        **({"Authorization": "eyJraWQiOi.fake.token"} if claims else {}),
        **(headers or {}),
    }
    resource = resource or _resource_of(path)
    path_parameters = _path_parameters(resource, path)
    request_context: dict[str, Any] = {
        "resourceId": "a1b2c3",
        "resourcePath": resource,
        "httpMethod": method,
        "extendedRequestId": "Abc123=",
        "requestTime": "14/Mar/2025:09:26:53 +0000",
        "path": f"/{STAGE}{path}",
        "accountId": ACCOUNT_ID,
        "protocol": "HTTP/1.1",
        "stage": STAGE,
        "domainPrefix": "abc123",
        "requestTimeEpoch": 1741944413000,
        "requestId": request_id or str(uuid.uuid4()),
        "identity": {"sourceIp": "203.0.113.7", "userAgent": "pytest", "accessKey": None},
        "domainName": f"abc123.execute-api.{REGION}.amazonaws.com",
        "apiId": "abc123",
    }
    if claims is not None:
        request_context["authorizer"] = {"claims": claims}
    if raw_body is None and body is not None:
        raw_body = json.dumps(body)
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": {k: v if isinstance(v, str) else v[-1] for k, v in query.items()}
        if query
        else None,
        "multiValueQueryStringParameters": {
            k: [v] if isinstance(v, str) else list(v) for k, v in query.items()
        }
        if query
        else None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": request_context,
        "body": raw_body,
        "isBase64Encoded": False,
    }


def _resource_of(path: str) -> str:
    parts = path.strip("/").split("/")
    return "/" + "/".join(parts[:1] + ["{id}"] * (len(parts) > 1))


def _path_parameters(resource: str, path: str) -> dict[str, str]:
    names = resource.strip("/").split("/")
    values = path.strip("/").split("/")
    return {
        name[1:-1]: value
        for name, value in zip(names, values, strict=False)
        if name.startswith("{")
    }


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: Any

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


def http_response(result: dict[str, Any]) -> HttpResponse:
    """A proxy integration result as the client would see it."""
    headers = dict(result.get("headers") or {})
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers[name] = ",".join(values)
    body = result.get("body")
    return HttpResponse(result["statusCode"], headers, json.loads(body) if body else None)


def stream_record(
    event_name: str,
    *,
    keys: dict[str, Any],
    new_image: dict[str, Any] | None = None,
    old_image: dict[str, Any] | None = None,
    sequence_number: int = 1,
    table: str = "ecommerce-test-products",
    approximate_creation: int = 1741944413,
) -> dict[str, Any]:
    """One DynamoDB stream record as Lambda delivers it (view type NEW_AND_OLD_IMAGES)."""
    change: dict[str, Any] = {
        "ApproximateCreationDateTime": approximate_creation,
        "Keys": keys,
        "SequenceNumber": f"{4421584500000000017450439091 + sequence_number}",
        "SizeBytes": len(json.dumps([new_image, old_image])),
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if new_image is not None:
        change["NewImage"] = new_image
    if old_image is not None:
        change["OldImage"] = old_image
    return {
        "eventID": uuid.uuid4().hex,
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": REGION,
        "dynamodb": change,
        "eventSourceARN": (
            f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{table}/stream/2025-03-14T09:00:00.000"
        ),
    }


def item_change(
    before: dict[str, Any] | None, after: dict[str, Any] | None, sequence_number: int = 1
) -> dict[str, Any]:
    """The stream record DynamoDB writes when an item goes from ``before`` to ``after``."""
    image = after or before
    assert image is not None
    keys = {"pk": image["pk"], "sk": image["sk"]}
    name = "INSERT" if before is None else "REMOVE" if after is None else "MODIFY"
    return stream_record(
        name, keys=keys, new_image=after, old_image=before, sequence_number=sequence_number
    )


def stream_event(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


CONSUMER_QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:ecommerce-test-consumer"


def dead_letter_queues(dlq_url: str, source_queue_arn: str = CONSUMER_QUEUE_ARN) -> str:
    """A consumer's ``DEAD_LETTER_QUEUES``: the queue ``sqs_record`` comes from -> its DLQ."""
    return json.dumps({source_queue_arn: dlq_url})


def sqs_record(
    body: str, message_id: str | None = None, source_queue_arn: str = CONSUMER_QUEUE_ARN
) -> dict[str, Any]:
    """One SQS record as Lambda's event source mapping delivers it."""
    return {
        "messageId": message_id or str(uuid.uuid4()),
        "receiptHandle": "AQEB" + uuid.uuid4().hex,
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1741944413000",
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": "1741944413005",
        },
        "messageAttributes": {},
        "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
        "eventSource": "aws:sqs",
        "eventSourceARN": source_queue_arn,
        "awsRegion": REGION,
    }


def generate_request_validator(route: Any) -> None:
    """What `make generate` (scripts/openapi/requests.py) does for the services' routes,
    in memory, for a throwaway route of a test module (shared.rest_requests finds it)."""
    import sys
    import types

    import fastjsonschema

    from shared import rest_documentation
    from shared.rest_requests import GENERATED_PACKAGE, validator_module

    service = route.__module__.split(".", 1)[0]
    module = types.ModuleType(f"{GENERATED_PACKAGE}.{validator_module(service, route)}")
    schema = rest_documentation.request_schema(route)
    module.validate = fastjsonschema.compile(  # type: ignore[attr-defined]
        schema, formats=rest_documentation.FORMATS, use_default=True
    )
    module.STRIP = rest_documentation.strip_paths(route)  # type: ignore[attr-defined]
    module.STRICT_INTEGERS = rest_documentation.strict_integer_paths(route)  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
