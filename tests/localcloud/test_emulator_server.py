"""The emulator's repairs of moto (localcloud.emulator_server)."""

from __future__ import annotations

import copy
import json
import uuid

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from notifications.mailer import SesMailer
from notifications.messages import Email
from notifications.mime import Attachment
from notifications.templating import RenderedEmail
from tests.e2e.mailbox import from_moto_dump


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


@pytest.mark.usefixtures("aws_env")
def test_a_cancelled_transaction_undoes_its_updates_and_deletes() -> None:
    dynamodb = boto3.client("dynamodb")
    table, _ = _table_with_stream(dynamodb)
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "b"}})

    with pytest.raises(ClientError, match="TransactionCanceled"):
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"pk": {"S": "a"}},
                        "UpdateExpression": "SET n = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
                {"Delete": {"TableName": table, "Key": {"pk": {"S": "b"}}}},
                {
                    "Put": {
                        "TableName": table,
                        "Item": {"pk": {"S": "c"}},
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )

    items = {item["pk"]["S"]: item for item in dynamodb.scan(TableName=table)["Items"]}
    assert sorted(items) == ["a", "b"]
    assert items["a"]["n"] == {"N": "1"}


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


def test_the_model_dump_lists_raw_emails_as_the_e2e_mailbox_reads_them(aws_env: str) -> None:
    """What notifications sends (a raw MIME message with a PDF), as tests/e2e/mailbox.py
    reads it back from the emulator."""
    boto3.client("ses").verify_email_identity(EmailAddress="shop@example.com")
    content = RenderedEmail(
        subject="Order confirmed - invoice INV-2026-000042",
        text="Your order \u201cCaf\u00e9\u201d is confirmed.\n",
        html="<p>Your order <b>Caf\u00e9</b> is confirmed.</p>\n",
    )
    pdf = Attachment("INV-2026-000042.pdf", "application/pdf", b"%PDF-1.7\n" + bytes(range(256)))
    to = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    SesMailer(boto3.client("ses"), "Example Shop <shop@example.com>").send(
        Email(to, content, "order 42"), [pdf]
    )

    dump = requests.get(f"{aws_env}/moto-api/data.json", params={"service": "ses"}, timeout=10)
    [mail] = [m for m in from_moto_dump(dump.json()) if to in m.recipients]
    assert mail.recipients == (to,)
    assert mail.source == "Example Shop <shop@example.com>"
    assert mail.subject == content.subject
    assert mail.text == content.text
    assert mail.html == content.html
    assert "Caf\u00e9" in mail.body
    assert [(a.filename, a.content_type, a.data) for a in mail.attachments] == [
        (pdf.filename, pdf.content_type, pdf.data)
    ]


@pytest.mark.usefixtures("aws_env")
def test_a_redrive_policy_reads_back_as_written() -> None:
    """As SQS does, and as Terraform's `jsonencode` writes it: a plan stays clean."""
    sqs = boto3.client("sqs")
    dlq_url = sqs.create_queue(QueueName=f"dlq-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    dlq = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])
    dlq_arn = dlq["Attributes"]["QueueArn"]
    policy = f'{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":5}}'
    url = sqs.create_queue(
        QueueName=f"queue-{uuid.uuid4().hex[:8]}", Attributes={"RedrivePolicy": policy}
    )["QueueUrl"]

    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]

    assert attributes["RedrivePolicy"] == policy


@pytest.mark.usefixtures("aws_env")
def test_changing_one_queue_attribute_leaves_the_policy_in_place() -> None:
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=f"queue-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TopicSendsMessages",
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": arn["QueueArn"],
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})

    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "5"})

    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "5"
    assert json.loads(attributes["Policy"]) == policy


def test_a_transaction_backup_shares_the_stream_instead_of_copying_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """moto deep-copies each table a transaction touches; the stream shard holds every
    record the table ever streamed, so copying it made each transaction slower than the
    last. The backup shares it (a rollback trims what the transaction streamed)."""
    from moto import mock_aws
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
    from moto.dynamodb.models.table import Table

    from localcloud.emulator_server import keep_tables_on_transaction_rollback

    # monkeypatch restores both after the test: the patch stays out of other tests
    monkeypatch.setattr(
        DynamoDBBackend, "transact_write_items", DynamoDBBackend.transact_write_items
    )
    monkeypatch.setattr(Table, "__deepcopy__", None, raising=False)
    keep_tables_on_transaction_rollback()
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        name, _ = _table_with_stream(dynamodb)
        dynamodb.put_item(TableName=name, Item={"pk": {"S": "a"}})
        table = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].tables[name]

        backup = copy.deepcopy(table)

    assert backup.stream_shard is table.stream_shard
    assert backup.items is not table.items
    [copied], [live] = backup.items.values(), table.items.values()
    assert copied is not live
    assert copied.to_json() == live.to_json()


@pytest.mark.usefixtures("aws_env")
@pytest.mark.parametrize(
    ("size", "status", "code"),
    [(2048, 400, "EntityTooLarge"), (0, 400, "EntityTooSmall"), (1024, 204, None)],
    ids=["too-large", "empty", "within"],
)
def test_a_presigned_post_outside_its_content_length_range_is_refused(
    size: int, status: int, code: str | None
) -> None:
    s3 = boto3.client("s3")
    bucket, key = f"b-{uuid.uuid4().hex[:8]}", "imports/a.json"
    s3.create_bucket(Bucket=bucket)
    post = s3.generate_presigned_post(
        Bucket=bucket,
        Key=key,
        Fields={"Content-Type": "application/json"},
        Conditions=[{"Content-Type": "application/json"}, ["content-length-range", 1, 1024]],
        ExpiresIn=60,
    )

    response = requests.post(
        post["url"], data=post["fields"], files={"file": ("a.json", b"x" * size)}, timeout=10
    )

    assert response.status_code == status, response.text
    stored = s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0)
    if code is None:
        assert stored == 1
    else:
        assert f"<Code>{code}</Code>" in response.text
        assert stored == 0


def _trace_header_sender(client: object, header: str) -> None:
    """Every call of ``client`` carries ``header`` as X-Amzn-Trace-Id (as botocore sends
    the invocation's inside Lambda)."""

    def add(params: dict[str, object], **_: object) -> None:
        params["headers"]["X-Amzn-Trace-Id"] = header  # type: ignore[index]

    client.meta.events.register("before-call", add)  # type: ignore[attr-defined]


@pytest.mark.usefixtures("aws_env")
def test_sns_passes_the_publishers_trace_header_to_sqs_as_awstraceheader() -> None:
    """SNS hands the publisher's trace header to its SQS subscriptions; Lambda links the
    consumer's trace to it. A message sent directly keeps its sender's header too."""
    header = "Root=1-6a2b3c4d-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"
    sns, sqs = boto3.client("sns"), boto3.client("sqs")
    _trace_header_sender(sns, header)
    topic = sns.create_topic(Name=f"t-{uuid.uuid4().hex[:8]}")["TopicArn"]
    url = sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=arn["QueueArn"],
        Attributes={"RawMessageDelivery": "true"},
    )

    sns.publish(TopicArn=topic, Message="{}")
    boto3.client("sqs").send_message(QueueUrl=url, MessageBody="untraced")

    messages = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["AWSTraceHeader"]
    )["Messages"]
    by_body = {m["Body"]: m.get("Attributes", {}).get("AWSTraceHeader") for m in messages}
    assert by_body == {"{}": header, "untraced": None}
