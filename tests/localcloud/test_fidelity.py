"""The local cloud's events are AWS's events: every event builder, checked three ways.

1. Powertools' parser models (``aws_lambda_powertools.utilities.parser.models``) accept it.
2. It has the shape of the AWS sample committed in ``tests/fixtures/aws_events/`` (origins
   in its README): the same keys, recursively, with values of the same JSON types. Maps
   whose keys depend on the request (headers, claims, attributes, item images) are
   compared by their values' types only; ``null`` stands for "absent in this request"
   and matches any type. Keys only the local event has are allowed where listed in
   ``LOCAL_ONLY`` with the reason.
3. The value formats the models do not check: claims are strings, ``cognito:groups`` as
   API Gateway REST sends it, authorizer context values stringified, ``eventVersion``
   1.1 (DynamoDB) and 2.1 (S3), S3 keys form-encoded with ``/`` intact.

The builders: the REST gateway (proxy event with Cognito claims), the WebSocket events
(REQUEST authorizer, $connect, message, $disconnect), the SQS poller's records (an SNS raw
delivery; S3 notifications and ``s3:TestEvent`` from the emulator), the stream poller's
records and on-failure record, and the scheduler's event.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import boto3
import pytest
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
    parse_api_gateway_arn,
)
from aws_lambda_powertools.utilities.parser import models
from gateway_helpers import (
    FakeInvoker,
    RestRoute,
    allow_policy,
    deploy_rest_api,
    deploy_user_pool,
)
from pydantic import BaseModel

from localcloud.deployment import StreamMapping
from localcloud.emulator import LOCAL_REGION, MotoServer, aws_environment
from localcloud.rest_gateway import RestGateway
from localcloud.scheduler import scheduled_event
from localcloud.sqs_poller import sqs_record
from localcloud.stream_poller import StreamPoller, _Attempt, stream_record
from localcloud.websocket_events import (
    Handshake,
    authorizer_request_event,
    connect_event,
    disconnect_event,
    evaluate_policy,
    message_event,
    method_arn,
)

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "aws_events"
ACCOUNT = "123456789012"

OPEN_MAPS = (
    "headers",
    "multiValueHeaders",
    "queryStringParameters",
    "multiValueQueryStringParameters",
    "pathParameters",
    "stageVariables",
    "requestContext.authorizer.claims",
    "Records[].attributes",
    "Records[].messageAttributes",
)
"""Maps whose keys depend on the request: only their values' types are compared."""

ITEM_IMAGES = (
    "Records[].dynamodb.Keys",
    "Records[].dynamodb.NewImage",
    "Records[].dynamodb.OldImage",
)
"""DynamoDB items: objects of any attributes (Powertools' model checks their typed values)."""

LOCAL_ONLY = {
    "requestContext.identity.userAgent": (
        "API Gateway WebSocket events carried identity.userAgent in earlier captures; the"
        " 2024/2025 captures show sourceIp only. Kept: it is the client's User-Agent header."
    ),
}
"""Keys the local events have and the AWS samples lack, each with its reason."""

AUTHORIZER_CONTEXT = {
    "userId": "u-1",
    "groups": "admin,customer",
    "tokenExpiresAt": "1733495400",
}


def sample(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SAMPLES / name).read_text())
    return document


def shape_differences(local: Any, aws: Any, path: str = "") -> list[str]:
    """Where ``local`` departs from the shape of ``aws`` (see the module docstring)."""
    if local is None or aws is None:
        return []
    if isinstance(aws, dict):
        if not isinstance(local, dict):
            return [f"{path or '<root>'}: {type(local).__name__}, AWS sends an object"]
        if path in ITEM_IMAGES:
            return []
        if path in OPEN_MAPS:
            template = next((value for value in aws.values() if value is not None), None)
            return [
                difference
                for key, value in local.items()
                for difference in shape_differences(value, template, f"{path}.{key}")
            ]
        differences = [f"{_join(path, key)}: missing" for key in aws.keys() - local.keys()]
        differences += [
            f"{_join(path, key)}: not sent by AWS"
            for key in local.keys() - aws.keys()
            if _join(path, key) not in LOCAL_ONLY
        ]
        for key in aws.keys() & local.keys():
            differences += shape_differences(local[key], aws[key], _join(path, key))
        return differences
    if isinstance(aws, list):
        if not isinstance(local, list):
            return [f"{path}: {type(local).__name__}, AWS sends a list"]
        if not aws:
            return []
        return [
            difference
            for item in local
            for difference in shape_differences(item, _template(item, aws), f"{path}[]")
        ]
    if _json_type(local) != _json_type(aws):
        return [f"{path}: {_json_type(local)} {local!r}, AWS sends a {_json_type(aws)}"]
    return []


def _template(item: Any, aws: list[Any]) -> Any:
    """The sample item to compare with: the record of the same eventName, else the first."""
    if isinstance(item, dict) and "eventName" in item:
        for candidate in aws:
            if isinstance(candidate, dict) and candidate.get("eventName") == item["eventName"]:
                return candidate
    return aws[0]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def assert_like_aws(local: dict[str, Any], name: str, model: type[BaseModel] | None) -> None:
    if model is not None:
        model.model_validate(local)
    assert shape_differences(local, sample(name)) == []


# --- the comparison itself -------------------------------------------------------------


def test_the_shape_comparison_finds_what_differs() -> None:
    aws = {"a": "x", "n": 1, "o": {"k": True}, "l": [{"v": "s"}], "headers": {"H": "v"}}

    assert shape_differences(aws, aws) == []
    assert shape_differences({**aws, "headers": {"Other": "w"}}, aws) == []
    assert shape_differences({**aws, "a": None}, aws) == []
    assert shape_differences({**aws, "n": "1"}, aws) == ["n: str '1', AWS sends a number"]
    assert shape_differences({**aws, "o": {"k": "true"}}, aws) == [
        "o.k: str 'true', AWS sends a boolean"
    ]
    assert shape_differences({**aws, "l": [{"v": 2}]}, aws) == ["l[].v: number 2, AWS sends a str"]
    assert shape_differences({**aws, "headers": {"H": ["v"]}}, aws) == [
        "headers.H: list ['v'], AWS sends a str"
    ]
    missing = {key: value for key, value in aws.items() if key != "o"}
    assert shape_differences(missing, aws) == ["o: missing"]
    assert shape_differences({**aws, "extra": 1}, aws) == ["extra: not sent by AWS"]


# --- every sample is itself what Powertools expects ---------------------------------------


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("rest_proxy_cognito.json", models.APIGatewayProxyEventModel),
        ("websocket_connect.json", models.APIGatewayWebSocketConnectEventModel),
        ("websocket_message.json", models.APIGatewayWebSocketMessageEventModel),
        ("websocket_disconnect.json", models.APIGatewayWebSocketDisconnectEventModel),
        ("sqs_sns_raw_delivery.json", models.SqsModel),
        ("sqs_s3_object_created.json", models.S3SqsEventNotificationModel),
        ("sqs_s3_test_event.json", models.SqsModel),
        ("dynamodb_stream.json", models.DynamoDBStreamModel),
        ("lambda_on_failure_dynamodb.json", models.DynamoDBStreamLambdaOnFailureDestinationModel),
        ("eventbridge_scheduled.json", models.EventBridgeModel),
    ],
)
def test_every_aws_sample_passes_its_powertools_model(name: str, model: type[BaseModel]) -> None:
    model.model_validate(sample(name))


# --- API Gateway REST ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def aws(moto_server: MotoServer) -> Iterator[str]:
    """boto3 pointed at the emulator for this module's tests."""
    with pytest.MonkeyPatch.context() as env:
        for key, value in aws_environment(moto_server.endpoint_url).items():
            env.setenv(key, value)
        yield moto_server.endpoint_url


def test_the_rest_proxy_event_with_cognito_claims_is_api_gateways(aws: str) -> None:
    pool = deploy_user_pool({"ana": ["admin", "customer"], "bob": ["customer"]})
    api_id = deploy_rest_api(
        [RestRoute("/orders/{orderId}", "GET", "orders-api", cognito=True)],
        user_pool_arn=pool.arn,
        stage="prod",
    )
    invoker = FakeInvoker()
    invoker.returns("orders-api", {"statusCode": 200, "body": "{}"})
    gateway = RestGateway(aws, invoker)
    gateway.refresh()

    events = []
    for user in ("ana", "bob"):
        token = pool.sign_in(user, "Passw0rd!local")["IdToken"]
        response = gateway.handle(
            "GET",
            f"/restapis/{api_id}/prod/_user_request_/orders/5b0f6c1e",
            "include=lines",
            [("Host", "127.0.0.1:4566"), ("Authorization", token), ("User-Agent", "t/1")],
            b"",
        )
        assert response.status == 200, response.body
        events.append(invoker.events_for("orders-api")[-1])

    for event in events:
        assert_like_aws(event, "rest_proxy_cognito.json", models.APIGatewayProxyEventModel)
        claims = event["requestContext"]["authorizer"]["claims"]
        assert all(isinstance(value, str) for value in claims.values()), claims
        assert re.fullmatch(r"\w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}", claims["exp"])
        assert claims["auth_time"].isdigit()
    # several groups comma-joined, one group as is: what the REST Cognito authorizer sends
    assert events[0]["requestContext"]["authorizer"]["claims"]["cognito:groups"] in (
        "admin,customer",
        "customer,admin",
    )
    assert events[1]["requestContext"]["authorizer"]["claims"]["cognito:groups"] == "customer"


# --- API Gateway WebSocket -----------------------------------------------------------------


def _handshake() -> Handshake:
    return Handshake(
        api_id="q1w2e3r4t5",
        stage="prod",
        connection_id="CzLb7dXNDoECI2g=",
        connected_at_ms=int(time.time() * 1000),
        headers=[
            ("Host", "127.0.0.1:4510"),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("Sec-WebSocket-Version", "13"),
            ("User-Agent", "tests/ws"),
        ],
        query="token=eyJ.a.b",
        source_ip="127.0.0.1",
        server_port=4510,
    )


def _authorizer() -> dict[str, Any]:
    handshake = _handshake()
    arn = method_arn(handshake, ACCOUNT, LOCAL_REGION)
    allowed, authorizer = evaluate_policy(allow_policy("u-1", arn, AUTHORIZER_CONTEXT), arn)
    assert allowed
    authorizer["integrationLatency"] = 12
    return authorizer


def test_the_websocket_authorizer_request_event_is_api_gateways() -> None:
    event = authorizer_request_event(_handshake(), account_id=ACCOUNT, region=LOCAL_REGION)

    # Powertools has no parser model for the WebSocket REQUEST authorizer (its
    # ApiGatewayAuthorizerRequest is REST's, with resource/path/httpMethod): its data class.
    request = APIGatewayAuthorizerRequestEvent(event)
    arn = parse_api_gateway_arn(request.method_arn, is_websocket_authorizer=True)
    assert (arn.api_id, arn.stage, arn.resource) == ("q1w2e3r4t5", "prod", "$connect")
    assert request.query_string_parameters == {"token": "eyJ.a.b"}
    assert_like_aws(event, "websocket_authorizer_request.json", None)


def test_the_websocket_connect_message_and_disconnect_events_are_api_gateways() -> None:
    handshake, authorizer = _handshake(), _authorizer()
    body = json.dumps({"action": "subscribe", "orderId": "o-1"})

    connected = connect_event(handshake, authorizer)
    message = message_event(handshake, "subscribe", body, authorizer)
    disconnected = disconnect_event(
        handshake, authorizer, 1000, "Client-side close frame status set to 1000"
    )

    assert_like_aws(
        connected, "websocket_connect.json", models.APIGatewayWebSocketConnectEventModel
    )
    assert_like_aws(message, "websocket_message.json", models.APIGatewayWebSocketMessageEventModel)
    assert_like_aws(
        disconnected, "websocket_disconnect.json", models.APIGatewayWebSocketDisconnectEventModel
    )
    for event in (connected, message, disconnected):
        context = event["requestContext"]["authorizer"]
        assert {key: context[key] for key in AUTHORIZER_CONTEXT} == AUTHORIZER_CONTEXT
        assert context["principalId"] == "u-1"
        assert isinstance(context["integrationLatency"], int)


# --- SQS: an SNS raw delivery, S3 notifications ----------------------------------------------


def _queue(name: str) -> tuple[Any, str, str]:
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=f"{name}-{uuid.uuid4().hex[:6]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return sqs, url, arn


def _receive(sqs: Any, url: str, count: int = 1) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + 10
    while len(messages) < count and time.monotonic() < deadline:
        messages += sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
    assert len(messages) >= count, messages
    return messages


@pytest.mark.usefixtures("aws")
def test_an_sqs_record_of_an_sns_raw_delivery_is_lambdas() -> None:
    sns = boto3.client("sns")
    topic = sns.create_topic(Name=f"orders-{uuid.uuid4().hex[:6]}")["TopicArn"]
    sqs, url, queue_arn = _queue("products-orders")
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    envelope = sample("sqs_sns_raw_delivery.json")["Records"][0]["body"]
    sns.publish(
        TopicArn=topic,
        Message=envelope,
        MessageAttributes={
            "type": {"DataType": "String", "StringValue": "ecommerce.orders.OrderPlaced.v1"}
        },
    )

    (message,) = _receive(sqs, url)
    event = {"Records": [sqs_record(message, queue_arn, LOCAL_REGION)]}

    assert_like_aws(event, "sqs_sns_raw_delivery.json", models.SqsModel)
    record = event["Records"][0]
    assert record["body"] == envelope  # raw: the message itself, no SNS envelope
    assert record["messageAttributes"]["type"]["stringValue"] == "ecommerce.orders.OrderPlaced.v1"


@pytest.mark.usefixtures("aws")
def test_s3_notifications_through_sqs_are_s3s() -> None:
    s3 = boto3.client("s3")
    bucket = f"imports-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    sqs, url, queue_arn = _queue("invoice-imports")
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "Id": "invoice-imports",
                    "QueueArn": queue_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "imports/"}]}},
                }
            ]
        },
    )
    key = "imports/9f8e7d6c (copy)/a+b.json"
    s3.put_object(Bucket=bucket, Key=key, Body=b'{"number": "INV-1"}')

    records = [sqs_record(m, queue_arn, LOCAL_REGION) for m in _receive(sqs, url, count=2)]
    bodies = [json.loads(record["body"]) for record in records]
    test_event = next(r for r, b in zip(records, bodies, strict=True) if "Event" in b)
    created = next(r for r, b in zip(records, bodies, strict=True) if "Records" in b)

    assert json.loads(test_event["body"])["Event"] == "s3:TestEvent"
    assert_like_aws({"Records": [test_event]}, "sqs_s3_test_event.json", models.SqsModel)
    assert (
        shape_differences(
            json.loads(test_event["body"]),
            json.loads(sample("sqs_s3_test_event.json")["Records"][0]["body"]),
        )
        == []
    )

    event = {"Records": [created]}
    assert_like_aws(event, "sqs_s3_object_created.json", models.S3SqsEventNotificationModel)
    notification = json.loads(created["body"])
    assert (
        shape_differences(
            notification, json.loads(sample("sqs_s3_object_created.json")["Records"][0]["body"])
        )
        == []
    )
    (s3_record,) = notification["Records"]
    assert s3_record["eventVersion"] == "2.1"
    assert s3_record["eventName"] == "ObjectCreated:Put"
    # form-encoded as S3 does ("red flower.jpg" -> "red+flower.jpg"), "/" kept
    assert s3_record["s3"]["object"]["key"] == "imports/9f8e7d6c+%28copy%29/a%2Bb.json"
    assert unquote_plus(s3_record["s3"]["object"]["key"]) == key
    assert s3_record["s3"]["object"]["size"] == len(b'{"number": "INV-1"}')


# --- DynamoDB streams and the on-failure destination ---------------------------------------


@pytest.fixture(scope="module")
def stream_records(aws: str) -> tuple[str, list[dict[str, Any]]]:
    """Two raw GetRecords records (an INSERT and a MODIFY) of a table's stream, and its ARN."""
    dynamodb = boto3.client("dynamodb", endpoint_url=aws)
    table = f"orders-{uuid.uuid4().hex[:6]}"
    stream_arn = dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["LatestStreamArn"]
    item = {"pk": {"S": "ORDER#1"}, "total": {"N": "4990"}, "lines": {"L": [{"M": {}}]}}
    dynamodb.put_item(TableName=table, Item=item)
    dynamodb.put_item(TableName=table, Item={**item, "total": {"N": "5990"}})
    streams = boto3.client("dynamodbstreams", endpoint_url=aws)
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records: list[dict[str, Any]] = streams.get_records(ShardIterator=iterator)["Records"]
    assert [record["eventName"] for record in records] == ["INSERT", "MODIFY"]
    return stream_arn, records


def test_a_dynamodb_stream_event_is_lambdas(
    stream_records: tuple[str, list[dict[str, Any]]],
) -> None:
    stream_arn, records = stream_records

    event = {"Records": [stream_record(record, stream_arn, LOCAL_REGION) for record in records]}

    assert_like_aws(event, "dynamodb_stream.json", models.DynamoDBStreamModel)
    assert {record["eventVersion"] for record in event["Records"]} == {"1.1"}
    assert all(
        isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)
        for record in event["Records"]
    )


def test_the_on_failure_destination_record_is_lambdas(
    stream_records: tuple[str, list[dict[str, Any]]],
) -> None:
    stream_arn, records = stream_records
    mapping = StreamMapping(
        uuid="m-1",
        function_arn=f"arn:aws:lambda:{LOCAL_REGION}:{ACCOUNT}:function:outbox-relay",
        stream_arn=stream_arn,
        starting_position="TRIM_HORIZON",
        batch_size=10,
        batching_window_s=0,
        max_retry_attempts=2,
        max_record_age_s=-1,
        bisect_on_error=False,
        report_batch_item_failures=True,
        on_failure_arn=f"arn:aws:sqs:{LOCAL_REGION}:{ACCOUNT}:outbox-relay-failures",
        enabled=True,
    )
    poller = StreamPoller(
        mapping,
        streams_client=None,
        destination_clients={},
        invoker=FakeInvoker(),
        region=LOCAL_REGION,
    )
    failed = FakeInvoker().invoke("missing", {})
    attempt = _Attempt(invocations=3, last=failed)

    document = poller.failure_record("shardId-1", records, attempt, "RetryAttemptsExhausted")

    assert_like_aws(
        document,
        "lambda_on_failure_dynamodb.json",
        models.DynamoDBStreamLambdaOnFailureDestinationModel,
    )
    assert document["responseContext"]["functionError"] == "Unhandled"
    assert document["DDBStreamBatchInfo"]["batchSize"] == len(records)


# --- EventBridge schedules -----------------------------------------------------------------


def test_the_scheduled_event_is_eventbridges() -> None:
    rule = f"arn:aws:events:{LOCAL_REGION}:{ACCOUNT}:rule/import-sweeper"

    event = scheduled_event(rule, LOCAL_REGION, ACCOUNT)

    assert_like_aws(event, "eventbridge_scheduled.json", models.EventBridgeModel)
    assert (event["detail-type"], event["source"], event["detail"]) == (
        "Scheduled Event",
        "aws.events",
        {},
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"])
