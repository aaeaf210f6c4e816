"""The emulator process: moto's server with a few repairs: moto's own Lambda dispatch
switched off, DynamoDB requests serialized, transaction rollbacks that keep streams alive,
S3 event notifications shaped as S3 sends them, and Cognito's sign-up, codes and triggers
as Cognito has them (localcloud.cognito_emulation).

When an SQS queue, a DynamoDB table or a Kinesis stream has an event source mapping,
moto tries to run the function itself on every write (through Docker, which these
machines lack). Without Docker that is worse than useless: moto receives SQS messages
(raising their ApproximateReceiveCount, so they drift towards the DLQ) and, after a
failed "invocation", throws away DynamoDB stream records before anyone reads them.
The local runtime polls the sources exactly as Lambda does, so the emulator must only
store the mappings, never act on them.

Run it as `python -m localcloud.emulator_server -H 127.0.0.1 -p 5000` (moto_server's
arguments); with LOCALCLOUD_RESTORE_STATE=<file> it starts from a state saved by
localcloud.emulator_state (exit code 3, nothing served, when that file is refused).
"""

from __future__ import annotations

import copy
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from localcloud.emulator import RESTORE_STATE_ENV, STATE_REFUSED_EXIT_CODE


class _StoredNeverDispatched(dict[str, Any]):
    """A mapping registry that accepts registrations but offers nothing to dispatch."""

    def __setitem__(self, key: str, value: Any) -> None:
        return None

    def __bool__(self) -> bool:
        return False


def _without_dispatch(init: Callable[..., None]) -> Callable[..., None]:
    def patched(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.lambda_event_source_mappings = _StoredNeverDispatched()

    return patched


def disable_moto_lambda_dispatch() -> None:
    """Patches moto (in this process) so event source mappings never trigger moto itself."""
    from moto.dynamodb.models.table import Table
    from moto.kinesis.models import Stream
    from moto.sqs.models import Queue

    for model in (Queue, Table, Stream):
        model.__init__ = _without_dispatch(model.__init__)  # type: ignore[method-assign]


def serialize_dynamodb_requests() -> None:
    """One DynamoDB (and DynamoDB Streams) request at a time.

    moto runs requests unsynchronized: concurrent transactions interleave, and a cancelled
    one rolls back by restoring a stale copy of the whole table, losing others' writes
    (stock could be oversold). Real DynamoDB serializes conflicting writes; one lock over
    both APIs makes every request atomic, also for a stream reader.
    """
    import threading

    from moto.dynamodb.responses import DynamoHandler
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

    lock = threading.Lock()
    for handler in (DynamoHandler, DynamoDBStreamsHandler):
        handler.call_action = _holding(lock, handler.call_action)  # type: ignore[method-assign]


def _holding(lock: Any, call_action: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def one_at_a_time(self: Any) -> Any:
        with lock:
            return call_action(self)

    return one_at_a_time


def keep_tables_on_transaction_rollback() -> None:
    """A transaction must cost what it writes, and a cancelled one must leave the table as
    it was, stream included.

    moto backs a transaction up by deep-copying every table it touches (all items, and the
    stream shard with every record the table ever streamed) and rolls back by putting the
    copies in place of the live tables. Each transaction got slower than the last (the
    emulator grew by gigabytes over a few hundred orders), and stream readers, holding the
    live table's shard, never saw another record of a table after a rollback.

    Instead, only the items the transaction names are backed up, moto's own backup is the
    live table itself, and a rollback puts the saved items back and drops the stream
    records the cancelled transaction wrote (real DynamoDB never emits them). A transaction
    whose keys cannot be read (moto refuses it) keeps moto's full copy, minus the stream.
    """
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    covered = threading.local()  # set while a transaction's items are backed up one by one

    def deepcopy_table(self: Any, memo: dict[int, Any]) -> Any:
        if getattr(covered, "transaction", False):
            return self
        clone = object.__new__(type(self))
        memo[id(self)] = clone
        for name, value in vars(self).items():
            shared = name == "stream_shard"
            setattr(clone, name, value if shared else copy.deepcopy(value, memo))
        return clone

    Table.__deepcopy__ = deepcopy_table  # type: ignore[attr-defined]
    transact = DynamoDBBackend.transact_write_items

    def transact_keeping_tables(self: Any, transact_items: Any, *args: Any, **kwargs: Any) -> Any:
        live = dict(self.tables)
        streamed = {
            name: len(table.stream_shard.items)
            for name, table in live.items()
            if table.stream_shard is not None
        }
        saved = _saved_items(self, transact_items)
        covered.transaction = saved is not None
        try:
            return transact(self, transact_items, *args, **kwargs)
        except Exception:
            for table, key, item in reversed(saved or []):
                _restore(table, key, item)
            for name, table in live.items():
                backup = self.tables.get(name)
                if backup is not None and backup is not table:  # moto's full copy
                    state = {k: v for k, v in vars(backup).items() if k != "stream_shard"}
                    table.__dict__.update(state)
                self.tables[name] = table
                if name in streamed:
                    del table.stream_shard.items[streamed[name] :]
            raise
        finally:
            covered.transaction = False

    DynamoDBBackend.transact_write_items = transact_keeping_tables  # type: ignore[method-assign]


def _saved_items(backend: Any, transact_items: Any) -> list[tuple[Any, Any, Any]] | None:
    """[(table, key, deep copy of its item or None)] for every item named, or None when
    a key cannot be read."""
    saved = []
    try:
        for entry in transact_items:
            [(operation, request)] = entry.items()
            table = backend.tables[request["TableName"]]
            if operation == "Put":
                names = [n for n in (table.hash_key_attr, table.range_key_attr) if n]
                key = {name: request["Item"][name] for name in names}
            else:
                key = request["Key"]
            item = backend.get_item(request["TableName"], key)
            saved.append((table, key, copy.deepcopy(item)))
    except Exception:
        return None
    return saved


def _restore(table: Any, key: Any, item: Any) -> None:
    """Puts ``item`` (None: no item) back under ``key``, writing no stream record."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    hash_value = DynamoType(key[table.hash_key_attr])
    if table.range_key_attr is None:
        items, slot = table.items, hash_value
    else:
        items, slot = table.items[hash_value], DynamoType(key[table.range_key_attr])
    if item is None:
        items.pop(slot, None)
    else:
        items[slot] = item


def tolerate_unreadable_models_in_dump() -> None:
    """`/moto-api/data.json` (used to read sent e-mails) fails whole when one model's
    attribute raises (the Lambda model asks Docker for its version): skip such attributes,
    and accept `?service=<name>` to dump only that service."""
    import json

    from moto.moto_api._internal.responses import MotoAPIResponse

    def model_data(_self: Any, _request: Any, full_url: str, _headers: Any) -> Any:
        from urllib.parse import parse_qs, urlparse

        from moto.core.model_instances import model_data as tracked

        # `?service=ses` dumps one service: the whole dump grows with every SQS receive
        wanted = parse_qs(urlparse(full_url).query).get("service")
        results: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for service in sorted(s for s in tracked if not wanted or s in wanted):
            results[service] = {}
            for name in sorted(tracked[service]):
                instances = tracked[service][name].instances_tracked  # type: ignore[attr-defined]
                results[service][name] = [_readable_attributes(i) for i in instances]
        return 200, {"Content-Type": "application/javascript"}, json.dumps(results)

    MotoAPIResponse.model_data = model_data  # type: ignore[method-assign,assignment]


def _readable_attributes(instance: Any) -> dict[str, Any]:
    import json

    readable: dict[str, Any] = {}
    for attribute in dir(instance):
        if attribute.startswith("_"):
            continue
        try:
            value = getattr(instance, attribute)
            json.dumps(value)
        except Exception:  # a property that cannot be read is left out
            continue
        readable[attribute] = value
    return readable


class _SesNumbers:
    def __init__(self) -> None:
        import itertools

        self.lock = threading.Lock()
        self.numbers = itertools.count(1)


_ses_numbers = _SesNumbers()


def continue_ses_numbering_after(last: int) -> None:
    """The next e-mail SES records is number ``last + 1`` (after a restored state)."""
    import itertools

    with _ses_numbers.lock:
        _ses_numbers.numbers = itertools.count(last + 1)


def record_ses_send_order() -> None:
    """Stamps every e-mail SES records with a send sequence number and time (`sent_sequence`,
    `sent_at`, visible in the model dump). moto keeps neither, and its dump lists simple,
    raw and templated messages apart, so the local mailbox could not order them."""
    from datetime import UTC, datetime

    from moto.ses.models import Message, RawMessage, TemplateMessage

    def stamped(init: Callable[..., None]) -> Callable[..., None]:
        def init_and_stamp(self: Any, *args: Any, **kwargs: Any) -> None:
            init(self, *args, **kwargs)
            with _ses_numbers.lock:
                self.sent_sequence = next(_ses_numbers.numbers)
            self.sent_at = datetime.now(UTC).isoformat(timespec="milliseconds")

        return init_and_stamp

    for model in (Message, RawMessage, TemplateMessage):
        model.__init__ = stamped(model.__init__)  # type: ignore[method-assign]


def render_redrive_policies_as_sqs_does() -> None:
    """SQS returns a queue's RedrivePolicy as compact JSON, the way `jsonencode` writes it;
    moto puts a space after each separator. The AWS provider reports that as a whitespace
    change to every queue with a DLQ, so a second plan of the local stack was never clean."""
    import json

    from moto.sqs.models import Queue

    moto_attributes = vars(Queue)["attributes"].fget  # the property's getter

    def attributes(self: Any) -> dict[str, Any]:
        result: dict[str, Any] = moto_attributes(self)
        if self.redrive_policy:
            result["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
        return result

    Queue.attributes = property(attributes)  # type: ignore[method-assign,assignment]


def keep_queue_policies_on_other_updates() -> None:
    """SetQueueAttributes changes only the attributes it names. moto also dropped the
    queue's Policy (which lets the topic deliver) when a call named other attributes only,
    so an operator changing a visibility timeout silently removed it."""
    from moto.sqs.models import SQSBackend

    moto_set_queue_attributes = SQSBackend.set_queue_attributes

    def set_queue_attributes(self: Any, queue_name: str, attributes: dict[str, Any]) -> Any:
        if "Policy" not in attributes:
            attributes = {**attributes, "Policy": self.get_queue(queue_name).policy}
        return moto_set_queue_attributes(self, queue_name, attributes)

    SQSBackend.set_queue_attributes = set_queue_attributes  # type: ignore[method-assign]


def enforce_post_policy_size() -> None:
    """S3 refuses a browser-form (presigned POST) upload outside its policy's
    ``content-length-range`` with 400 ``EntityTooLarge`` / ``EntityTooSmall`` before storing
    anything; moto 5 stores it whatever its size. Enforce the range as S3 does."""
    from moto.s3.responses import S3Response

    original = S3Response._bucket_response_post

    def post_within_policy(self: Any, request: Any, bucket_name: str) -> Any:
        refused = _post_size_refusal(self.querystring.get("policy"), self.body)
        return refused if refused is not None else original(self, request, bucket_name)

    S3Response._bucket_response_post = post_within_policy  # type: ignore[method-assign]


def _post_size_refusal(policy_field: Any, body: Any) -> tuple[int, dict[str, str], str] | None:
    import base64
    import json

    if not policy_field:
        return None
    try:
        policy = json.loads(base64.b64decode(policy_field[0]))
    except ValueError:
        return None
    size = len(body or b"")
    for condition in policy.get("conditions", []):
        if isinstance(condition, list) and condition[:1] == ["content-length-range"]:
            low, high = int(condition[1]), int(condition[2])
            if size > high:
                code, why = (
                    "EntityTooLarge",
                    "Your proposed upload exceeds the maximum allowed size",
                )
                limit = (
                    f"<ProposedSize>{size}</ProposedSize><MaxSizeAllowed>{high}</MaxSizeAllowed>"
                )
            elif size < low:
                code, why = (
                    "EntityTooSmall",
                    "Your proposed upload is smaller than the minimum allowed size",
                )
                limit = f"<ProposedSize>{size}</ProposedSize><MinSizeAllowed>{low}</MinSizeAllowed>"
            else:
                continue
            xml = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f"<Error><Code>{code}</Code><Message>{why}</Message>{limit}</Error>"
            )
            return 400, {"Content-Type": "application/xml"}, xml
    return None


def notify_s3_events_as_s3_does() -> None:
    """S3's event notifications as S3 sends them (tests/fixtures/aws_events/s3_*.json).

    moto's records lack ``userIdentity``, ``requestParameters``, ``responseElements``, the
    bucket's ``ownerIdentity`` and the object's ``sequencer`` (so Powertools' S3 models
    refuse them), and they percent-encode the ``/`` of a key (``imports%2Fx.json``): S3
    form-encodes the key (``red flower.jpg`` -> ``red+flower.jpg``) but keeps ``/``.
    moto's ``s3:TestEvent`` lacks ``RequestId`` and ``HostId``.
    """
    import secrets
    import time
    from urllib.parse import quote_plus

    from moto.s3 import notifications

    moto_s3_event = notifications._get_s3_event
    moto_test_event = notifications._get_test_event
    owner = "A" + secrets.token_hex(6).upper()

    def s3_event(event_name: str, bucket: Any, key: Any, notification_id: str) -> Any:
        event = moto_s3_event(event_name, bucket, key, notification_id)
        for record in event["Records"]:
            record["userIdentity"] = {"principalId": f"AWS:{owner}:localcloud"}
            record["requestParameters"] = {"sourceIPAddress": "127.0.0.1"}
            record["responseElements"] = {
                "x-amz-request-id": secrets.token_hex(8).upper(),
                "x-amz-id-2": secrets.token_urlsafe(48),
            }
            record["s3"]["bucket"]["ownerIdentity"] = {"principalId": owner}
            obj = record["s3"]["object"]
            obj["key"] = quote_plus(key.name, safe="/")
            if getattr(bucket, "is_versioned", False) and key.version_id:
                obj["versionId"] = key.version_id
            obj["sequencer"] = f"{time.time_ns():018X}"
        return event

    def test_event(bucket_name: str) -> Any:
        event = moto_test_event(bucket_name)
        event["RequestId"] = secrets.token_hex(8).upper()
        event["HostId"] = secrets.token_urlsafe(48)
        return event

    notifications._get_s3_event = s3_event
    notifications._get_test_event = test_event


def pass_trace_headers_to_sqs() -> None:
    """SNS passes the publisher's trace header (``X-Amzn-Trace-Id``) to its SQS
    subscriptions, and SQS keeps a sender's header, as the ``AWSTraceHeader`` system
    attribute (which a message's own ``MessageSystemAttributes`` override); Lambda links
    an SQS-triggered invocation to it. moto drops the header: keep it, per request thread
    (SNS delivers to SQS within the publishing request)."""
    from moto.sns.responses import SNSResponse
    from moto.sqs.models import SQSBackend
    from moto.sqs.responses import SQSResponse

    current = threading.local()

    def keeping_trace_header(action: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def patched(self: Any) -> Any:
            current.header = self.headers.get("X-Amzn-Trace-Id")
            try:
                return action(self)
            finally:
                current.header = None

        return patched

    for response, action in (
        (SNSResponse, "publish"),
        (SNSResponse, "publish_batch"),
        (SQSResponse, "send_message"),
        (SQSResponse, "send_message_batch"),
    ):
        setattr(response, action, keeping_trace_header(getattr(response, action)))

    moto_send_message = SQSBackend.send_message

    def send_message(self: Any, *args: Any, **kwargs: Any) -> Any:
        header = getattr(current, "header", None)
        if header and not (kwargs.get("system_attributes") or {}).get("AWSTraceHeader"):
            kwargs["system_attributes"] = {
                **(kwargs.get("system_attributes") or {}),
                "AWSTraceHeader": {"DataType": "String", "StringValue": header},
            }
        return moto_send_message(self, *args, **kwargs)

    SQSBackend.send_message = send_message  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> None:
    from localcloud import cognito_emulation, emulator_state

    disable_moto_lambda_dispatch()
    serialize_dynamodb_requests()
    keep_tables_on_transaction_rollback()
    tolerate_unreadable_models_in_dump()
    record_ses_send_order()
    render_redrive_policies_as_sqs_does()
    keep_queue_policies_on_other_updates()
    enforce_post_policy_size()
    notify_s3_events_as_s3_does()
    pass_trace_headers_to_sqs()
    cognito_emulation.install()
    emulator_state.add_state_route()
    saved_state = os.environ.get(RESTORE_STATE_ENV)
    if saved_state:
        try:
            services = emulator_state.restore(Path(saved_state))
        except emulator_state.StateRefusedError as refused:
            print(f"localcloud: saved state {saved_state} refused: {refused}", flush=True)
            raise SystemExit(STATE_REFUSED_EXIT_CODE) from refused
        print(f"localcloud: restored {', '.join(services)} from {saved_state}", flush=True)
    from moto.server import main as moto_main

    moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    # Run as this module's own name, not __main__, so that what it defines (and a saved
    # state pickles by reference) has one name in every process.
    from localcloud.emulator_server import main as named_main

    named_main()
