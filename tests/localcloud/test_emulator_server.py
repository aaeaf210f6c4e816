"""The emulator's repairs of moto (localcloud.emulator_server)."""

from __future__ import annotations

import uuid

import boto3
import pytest
import requests
from botocore.exceptions import ClientError


def _table_with_stream(dynamodb: object) -> tuple[str, str]:
    name = f"t-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(  # type: ignore[attr-defined]
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    stream = dynamodb.describe_table(TableName=name)["Table"]["LatestStreamArn"]  # type: ignore[attr-defined]
    return name, stream


@pytest.mark.usefixtures("aws_env")
def test_a_cancelled_transaction_leaves_table_and_stream_as_they_were() -> None:
    dynamodb, streams = boto3.client("dynamodb"), boto3.client("dynamodbstreams")
    table, stream = _table_with_stream(dynamodb)
    shard = streams.describe_stream(StreamArn=stream)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=stream, ShardId=shard, ShardIteratorType="LATEST"
    )["ShardIterator"]

    dynamodb.put_item(TableName=table, Item={"pk": {"S": "a"}})
    with pytest.raises(ClientError, match="TransactionCanceled"):
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"pk": {"S": "b"}}}},
                {
                    "Put": {
                        "TableName": table,
                        "Item": {"pk": {"S": "a"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "c"}})

    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == ["a", "c"]
    items = dynamodb.scan(TableName=table)["Items"]
    assert sorted(item["pk"]["S"] for item in items) == ["a", "c"]


def test_the_model_dump_lists_sent_emails(aws_env: str) -> None:
    ses = boto3.client("ses")
    ses.verify_email_identity(EmailAddress="shop@example.com")
    ses.send_email(
        Source="shop@example.com",
        Destination={"ToAddresses": ["ada@example.com"]},
        Message={"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "order 42"}}},
    )
    dump = requests.get(f"{aws_env}/moto-api/data.json", params={"service": "ses"}, timeout=10)
    assert dump.status_code == 200
    assert set(dump.json()) == {"ses"}
    messages = dump.json()["ses"]["Message"]
    assert any(m["subject"] == "Hello" and "order 42" in m["body"] for m in messages)
