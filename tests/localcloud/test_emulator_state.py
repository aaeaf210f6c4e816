"""Saving and restoring the emulator's whole state (localcloud.emulator_state): what the
warm restart of `make up` reuses. A restored emulator answers as the saved one did; a
damaged or foreign state file is refused before the emulator serves anything."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from localcloud.emulator import (
    LOCAL_CREDENTIALS,
    EmulatorStateRefusedError,
    MotoServer,
    free_port,
)
from localcloud.jwt_verifier import CognitoTokenVerifier

PASSWORD = "Restore-Passw0rd!"


def _client(endpoint_url: str, service: str) -> Any:
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


@dataclass(frozen=True)
class Saved:
    port: int
    state: Path
    table_stream_arn: str
    stream_records: int
    queue_url: str
    queue_attributes: dict[str, str]
    ciphertext: bytes
    pool_id: str
    client_id: str
    sent_sequence: int


def _build_and_save(tmp_path: Path) -> Saved:
    """An emulator with one of each kind of state the local stack relies on, saved."""
    server = MotoServer(port=free_port(), log_path=tmp_path / "saved.log").start()
    try:
        url = server.endpoint_url
        dynamodb = _client(url, "dynamodb")
        dynamodb.create_table(
            TableName="orders",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        dynamodb.put_item(TableName="orders", Item={"pk": {"S": "o-1"}, "total": {"N": "12"}})
        stream_arn = dynamodb.describe_table(TableName="orders")["Table"]["LatestStreamArn"]

        s3 = _client(url, "s3")
        s3.create_bucket(Bucket="invoices")
        s3.put_object(Bucket="invoices", Key="invoices/c/1.pdf", Body=b"%PDF-1.7 bytes\x00\xff")

        sqs = _client(url, "sqs")
        dlq = sqs.create_queue(QueueName="orders-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        queue = sqs.create_queue(
            QueueName="orders-events",
            Attributes={
                "VisibilityTimeout": "45",
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}),
            },
        )["QueueUrl"]
        sqs.send_message(QueueUrl=queue, MessageBody="waiting")
        attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]

        kms = _client(url, "kms")
        key_id = kms.create_key(Description="invoices")["KeyMetadata"]["KeyId"]
        ciphertext = kms.encrypt(KeyId=key_id, Plaintext=b"secret")["CiphertextBlob"]

        cognito = _client(url, "cognito-idp")
        pool_id = cognito.create_user_pool(PoolName="shop")["UserPool"]["Id"]
        client_id = cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName="web", ExplicitAuthFlows=["USER_PASSWORD_AUTH"]
        )["UserPoolClient"]["ClientId"]
        cognito.admin_create_user(
            UserPoolId=pool_id, Username="ana@example.com", MessageAction="SUPPRESS"
        )
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username="ana@example.com", Password=PASSWORD, Permanent=True
        )

        ses = _client(url, "ses")
        ses.verify_email_identity(EmailAddress="shop@example.com")
        ses.send_email(
            Source="shop@example.com",
            Destination={"ToAddresses": ["ana@example.com"]},
            Message={"Subject": {"Data": "before"}, "Body": {"Text": {"Data": "x"}}},
        )
        sent = _ses_messages(url)

        state = tmp_path / "emulator.pickle"
        answer = server.save_state(state)
        assert {"dynamodb", "s3", "sqs", "kms", "cognito-idp"} <= set(answer["services"])  # type: ignore[arg-type]
        records = _stream_records(url, stream_arn)
        return Saved(
            port=server.port,
            state=state,
            table_stream_arn=stream_arn,
            stream_records=len(records),
            queue_url=queue,
            queue_attributes=attributes,
            ciphertext=ciphertext,
            pool_id=pool_id,
            client_id=client_id,
            sent_sequence=max(m["sent_sequence"] for m in sent),
        )
    finally:
        server.stop()


def _ses_messages(url: str) -> list[dict[str, Any]]:
    import urllib.request

    with urllib.request.urlopen(f"{url}/moto-api/data.json?service=ses", timeout=10) as answer:
        dump = json.loads(answer.read())
    models = dump.get("ses", {}).values()
    return [item for items in models for item in items if "sent_sequence" in item]


def _stream_records(url: str, stream_arn: str) -> list[dict[str, Any]]:
    streams = _client(url, "dynamodbstreams")
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records: list[dict[str, Any]] = streams.get_records(ShardIterator=iterator)["Records"]
    return records


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Saved:
    return _build_and_save(tmp_path_factory.mktemp("emulator-state"))


@pytest.fixture(scope="module")
def restored(saved: Saved, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A new emulator on the saved one's port, started from its state."""
    log = tmp_path_factory.mktemp("restored") / "moto.log"
    with MotoServer(port=saved.port, log_path=log, restore_from=saved.state) as server:
        yield server.endpoint_url


def test_tables_items_and_their_stream_are_restored(saved: Saved, restored: str) -> None:
    dynamodb = _client(restored, "dynamodb")
    item = dynamodb.get_item(TableName="orders", Key={"pk": {"S": "o-1"}})["Item"]
    assert item == {"pk": {"S": "o-1"}, "total": {"N": "12"}}
    table = dynamodb.describe_table(TableName="orders")["Table"]
    assert table["LatestStreamArn"] == saved.table_stream_arn
    # the stream holds what it held (no record lost, none made twice), and goes on
    assert len(_stream_records(restored, saved.table_stream_arn)) == saved.stream_records
    dynamodb.put_item(TableName="orders", Item={"pk": {"S": "o-2"}})
    assert len(_stream_records(restored, saved.table_stream_arn)) == saved.stream_records + 1


def test_object_bodies_are_restored(restored: str) -> None:
    body = _client(restored, "s3").get_object(Bucket="invoices", Key="invoices/c/1.pdf")["Body"]
    assert body.read() == b"%PDF-1.7 bytes\x00\xff"


def test_queues_keep_their_url_attributes_and_messages(saved: Saved, restored: str) -> None:
    sqs = _client(restored, "sqs")
    assert sqs.get_queue_url(QueueName="orders-events")["QueueUrl"] == saved.queue_url
    attributes = sqs.get_queue_attributes(QueueUrl=saved.queue_url, AttributeNames=["All"])
    assert attributes["Attributes"] == saved.queue_attributes
    received = sqs.receive_message(QueueUrl=saved.queue_url, WaitTimeSeconds=1)
    assert [m["Body"] for m in received["Messages"]] == ["waiting"]


def test_kms_keys_keep_their_material(saved: Saved, restored: str) -> None:
    assert _client(restored, "kms").decrypt(CiphertextBlob=saved.ciphertext)["Plaintext"] == (
        b"secret"
    )


def test_a_cognito_user_signs_in_and_the_token_verifies(saved: Saved, restored: str) -> None:
    tokens = _client(restored, "cognito-idp").initiate_auth(
        ClientId=saved.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ana@example.com", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    claims = CognitoTokenVerifier(restored, "us-east-1").verify(tokens["IdToken"], saved.pool_id)
    assert claims["email"] if "email" in claims else claims["cognito:username"]


def test_e_mails_are_numbered_after_the_restored_ones(saved: Saved, restored: str) -> None:
    _client(restored, "ses").send_email(
        Source="shop@example.com",
        Destination={"ToAddresses": ["ana@example.com"]},
        Message={"Subject": {"Data": "after"}, "Body": {"Text": {"Data": "y"}}},
    )
    numbers = {m["subject"]: m["sent_sequence"] for m in _ses_messages(restored)}
    assert numbers == {"before": saved.sent_sequence, "after": saved.sent_sequence + 1}


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda _data: b"not a pickle at all", id="garbage"),
        pytest.param(
            lambda data: pickle.dumps({"format": "localcloud-emulator-state/0"}) + data,
            id="another version",
        ),
    ],
)
def test_a_damaged_or_foreign_state_is_refused_and_nothing_is_served(
    saved: Saved, tmp_path: Path, damage: Any
) -> None:
    state = tmp_path / "damaged.pickle"
    state.write_bytes(damage(saved.state.read_bytes()))
    log = tmp_path / "moto.log"
    server = MotoServer(port=free_port(), log_path=log, restore_from=state)

    with pytest.raises(EmulatorStateRefusedError, match="refused the saved state"):
        server.start()

    assert server.pid is None  # exited: nothing half-restored answers
    assert f"saved state {state} refused" in log.read_text()
