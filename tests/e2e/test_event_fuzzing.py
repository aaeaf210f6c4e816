"""Bad input at every consumer, and good input twice or late.

- Fuzzing: generated events that break their contract (garbage bodies, wrong envelope,
  wrong data types, missing fields, unknown types that look like real ones) are sent
  straight to every event consumer's queue. Each one ends in that consumer's DLQ with its
  reason in the message attributes, and no table item changes.
- Duplicates and reordering: real events of a real order, delivered again (twice) and
  late (after the order was cancelled), change nothing: one invoice, one e-mail, one
  stock movement.

The consumers are the functions whose handler schemas/consumers.json declares; their queues,
dead-letter queues, filter policies and tables are found through the AWS APIs, from the
function names in the endpoints; nothing is hard-coded.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from shared.contracts import ContractViolation, validate_event
from tests.e2e.conftest import Api, User
from tests.e2e.endpoints import ROOT, Endpoints
from tests.e2e.mailbox import sent_emails
from tests.e2e.saga import create_product, eventually, place_order, stock_of, wait_for_final

pytestmark = pytest.mark.e2e

CONSUMERS = ROOT / "schemas" / "consumers.json"
EXAMPLES_PER_QUEUE = int(os.environ.get("E2E_FUZZ_EXAMPLES", "12"))
ENVELOPE_FIELDS = (
    "specversion",
    "id",
    "source",
    "type",
    "time",
    "subject",
    "datacontenttype",
    "correlationid",
    "data",
)
SCHEMAS = ROOT / "schemas" / "events"


# -- the deployment, as the AWS APIs describe it --


@dataclass(frozen=True)
class ConsumerQueue:
    function: str
    url: str
    arn: str
    dlq_url: str
    """The queue's own DLQ (its RedrivePolicy): where failing messages go, and where the
    consumer parks the queue's contract violations."""
    event_types: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.arn.rsplit(":", 1)[-1]


def function_arn(aws: Callable[[str], Any], endpoints: Endpoints, role: str) -> str:
    name = endpoints.raw["function_names"][role]
    return str(aws("lambda").get_function(FunctionName=name)["Configuration"]["FunctionArn"])


def filter_types(aws: Callable[[str], Any], queue_arn: str) -> tuple[str, ...]:
    sns = aws("sns")
    for page in sns.get_paginator("list_subscriptions").paginate():
        for subscription in page["Subscriptions"]:
            if subscription["Endpoint"] == queue_arn:
                attributes = sns.get_subscription_attributes(
                    SubscriptionArn=subscription["SubscriptionArn"]
                )["Attributes"]
                return tuple(json.loads(attributes.get("FilterPolicy") or "{}").get("type", []))
    return ()


def declared_handlers() -> set[str]:
    """The handler module of every consumer declared in schemas/consumers.json."""
    declared = json.loads(CONSUMERS.read_text())["consumers"]
    return {queue["handler"] for queues in declared.values() for queue in queues.values()}


def event_consumers(aws: Callable[[str], Any], endpoints: Endpoints) -> set[str]:
    """The deployed functions (by role) whose handler is a declared consumer's; every
    declared consumer must run in one."""
    lambda_client = aws("lambda")
    handlers = declared_handlers()
    consumers: dict[str, str] = {}
    for role, name in endpoints.raw["function_names"].items():
        handler = lambda_client.get_function_configuration(FunctionName=name)["Handler"]
        module = str(handler).rsplit(".", 1)[0]
        if module in handlers:
            consumers[role] = module
    undeployed = handlers - set(consumers.values())
    assert not undeployed, f"declared in {CONSUMERS.name} but no function runs {undeployed}"
    return set(consumers)


def consumer_queues(aws: Callable[[str], Any], endpoints: Endpoints) -> list[ConsumerQueue]:
    """Every SQS queue feeding an event consumer, with its DLQ and subscribed types."""
    lambda_client, sqs = aws("lambda"), aws("sqs")
    queues = []
    for role in sorted(event_consumers(aws, endpoints)):
        configuration = lambda_client.get_function_configuration(
            FunctionName=endpoints.raw["function_names"][role]
        )
        rejects_to = json.loads(configuration["Environment"]["Variables"]["DEAD_LETTER_QUEUES"])
        mappings = lambda_client.list_event_source_mappings(
            FunctionName=function_arn(aws, endpoints, role)
        )["EventSourceMappings"]
        for mapping in mappings:
            arn = mapping["EventSourceArn"]
            url = sqs.get_queue_url(QueueName=arn.rsplit(":", 1)[-1])["QueueUrl"]
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
            redrive = json.loads(attributes["Attributes"]["RedrivePolicy"])
            dlq_name = redrive["deadLetterTargetArn"].rsplit(":", 1)[-1]
            dlq_url = sqs.get_queue_url(QueueName=dlq_name)["QueueUrl"]
            assert rejects_to.get(arn) == dlq_url, f"{role} parks {arn}'s violations elsewhere"
            queues.append(
                ConsumerQueue(
                    function=role,
                    url=url,
                    arn=arn,
                    dlq_url=dlq_url,
                    event_types=filter_types(aws, arn),
                )
            )
    return queues


def topic_of(aws: Callable[[str], Any], endpoints: Endpoints, publisher_role: str) -> str:
    """A service's topic: where its stream publisher publishes."""
    name = endpoints.raw["function_names"][publisher_role]
    configuration = aws("lambda").get_function_configuration(FunctionName=name)
    return str(configuration["Environment"]["Variables"]["EVENTS_TOPIC_ARN"])


def table_names(aws: Callable[[str], Any], endpoints: Endpoints) -> list[str]:
    """Every service table, from the functions' `*_TABLE_NAME` variables."""
    names = set()
    for function in endpoints.raw["function_names"].values():
        variables = (
            aws("lambda").get_function_configuration(FunctionName=function).get("Environment") or {}
        ).get("Variables", {})
        names |= {value for key, value in variables.items() if key.endswith("_TABLE_NAME")}
    return sorted(names)


# WebSocket session state moves with clocks and clients, not with events: the import sweeper
# times out other tests' pending imports (and realtime marks each timeout's status event
# pushed), and connections come and go.
SESSION_STATE_PREFIXES = ("IMPORT#", "CONNECTION#")
SESSION_STATE_EVENTS = ("ecommerce.invoices.InvoiceImportStatusChanged.v1",)


def snapshot(aws: Callable[[str], Any], tables: Iterable[str]) -> dict[str, dict[str, str]]:
    """Every item of every table (but WebSocket session state), as key -> content digest."""
    dynamodb = aws("dynamodb")
    items: dict[str, dict[str, str]] = {}
    for table in tables:
        items[table] = {}
        for page in dynamodb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
            for item in page["Items"]:
                if item["pk"]["S"].startswith(SESSION_STATE_PREFIXES):
                    continue
                if item.get("eventType", {}).get("S") in SESSION_STATE_EVENTS:
                    continue
                key = f"{item['pk']['S']}|{item['sk']['S']}"
                content = json.dumps(item, sort_keys=True, default=str).encode()
                items[table][key] = hashlib.sha256(content).hexdigest()
    return items


def touched(before: dict[str, dict[str, str]], after: dict[str, dict[str, str]]) -> list[str]:
    """Items added, removed or changed between two snapshots."""
    changed = []
    for table, items in after.items():
        old = before.get(table, {})
        changed += [
            f"{table}:{key}" for key in items.keys() | old.keys() if items.get(key) != old.get(key)
        ]
    return sorted(changed)


def send(
    aws: Callable[[str], Any], queue_url: str, body: str, event_type: str | None = None
) -> str:
    attributes = {"type": {"DataType": "String", "StringValue": event_type}} if event_type else {}
    response = aws("sqs").send_message(
        QueueUrl=queue_url, MessageBody=body, MessageAttributes=attributes
    )
    return str(response["MessageId"])


def collect_parked(
    aws: Callable[[str], Any], dlq_url: str, message_ids: set[str], timeout: float = 60.0
) -> dict[str, dict[str, str]]:
    """Waits for the DLQ messages that came from `message_ids` (their `sourceMessageId`
    attribute), deletes them and returns their attributes. Every other message is kept
    out of the way while looking, then made visible again."""
    sqs = aws("sqs")
    found: dict[str, dict[str, str]] = {}
    others: list[str] = []
    deadline = time.monotonic() + timeout
    try:
        while message_ids - found.keys() and time.monotonic() < deadline:
            batch = sqs.receive_message(
                QueueUrl=dlq_url,
                MaxNumberOfMessages=10,
                WaitTimeSeconds=1,
                VisibilityTimeout=int(timeout) + 30,
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            for message in batch:
                attributes = {
                    name: value.get("StringValue", "")
                    for name, value in message.get("MessageAttributes", {}).items()
                }
                if attributes.get("sourceMessageId") in message_ids:
                    found[attributes["sourceMessageId"]] = attributes
                    sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
                else:
                    others.append(message["ReceiptHandle"])
    finally:
        for receipt in others:
            sqs.change_message_visibility(
                QueueUrl=dlq_url, ReceiptHandle=receipt, VisibilityTimeout=0
            )
    return found


def queue_idle(aws: Callable[[str], Any], queue_url: str) -> bool:
    attributes = aws("sqs").get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return all(int(value) == 0 for value in attributes.values())


# -- what the fuzzer generates --


def valid_examples(event_type: str) -> list[dict[str, Any]]:
    """The catalog's valid examples of `ecommerce.<service>.<Event>.v<major>`, newest minor."""
    _, service, name, version = event_type.split(".")
    folders = sorted(
        (SCHEMAS / service / name / "examples").glob(f"{version}.*"),
        key=lambda folder: [int(part) for part in folder.name[1:].split(".")],
    )
    return [json.loads(path.read_text()) for path in sorted((folders[-1] / "valid").glob("*.json"))]


def invalid_examples(event_type: str) -> list[Path]:
    _, service, name, version = event_type.split(".")
    return sorted(
        path
        for path in (SCHEMAS / service / name / "examples").glob(f"{version}.*/invalid/*.json")
        if not path.name.endswith(".expect.json")
    )


def breaks_contract(event: Any) -> bool:
    if not isinstance(event, dict):
        return True
    try:
        validate_event(copy.deepcopy(event))
    except ContractViolation:
        return True
    return False


JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
ANY_JSON = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
# What an SQS body may hold (XML 1.0 characters), at least one character.
SQS_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xD7FF), min_size=1, max_size=200
)


@st.composite
def broken_event(draw: st.DrawFn, event_types: tuple[str, ...]) -> tuple[str, str | None, str]:
    """(body, `type` message attribute, what was broken) of a message that must be parked."""
    event_type = draw(st.sampled_from(event_types))
    event = copy.deepcopy(draw(st.sampled_from(valid_examples(event_type))))
    event["id"] = str(uuid.uuid4())
    kind = draw(
        st.sampled_from(
            [
                "garbage body",
                "JSON but not an object",
                "envelope field missing",
                "envelope field of the wrong type",
                "data field missing",
                "data field of the wrong type",
                "unknown type",
            ]
        )
    )
    if kind == "garbage body":
        body = draw(SQS_TEXT)
        assume(not body.strip().startswith("{"))
        return body, event_type, kind
    if kind == "JSON but not an object":
        return json.dumps(draw(ANY_JSON.filter(lambda v: not isinstance(v, dict)))), None, kind
    if kind == "envelope field missing":
        del event[draw(st.sampled_from(ENVELOPE_FIELDS))]
    elif kind == "envelope field of the wrong type":
        event[draw(st.sampled_from(ENVELOPE_FIELDS))] = draw(ANY_JSON)
    elif kind == "data field missing":
        del event["data"][draw(st.sampled_from(sorted(event["data"])))]
    elif kind == "data field of the wrong type":
        event["data"][draw(st.sampled_from(sorted(event["data"])))] = draw(ANY_JSON)
    else:
        _, service, name, _ = event_type.split(".")
        invented = draw(
            st.sampled_from([f"{name}.v9", f"{name}Later.v1", f"Not{name}.v1", f"{name}.v0"])
        )
        event["type"] = event_type = f"ecommerce.{service}.{invented}"
    assume(breaks_contract(event))
    return json.dumps(event), event_type, kind


def generate(event_types: tuple[str, ...], count: int) -> list[tuple[str, str | None, str]]:
    cases: list[tuple[str, str | None, str]] = []

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(broken_event(event_types))
    def collect(case: tuple[str, str | None, str]) -> None:
        cases.append(case)

    collect()
    return cases


# -- the tests --


def test_broken_events_are_parked_with_their_reason_and_touch_nothing(
    aws: Callable[[str], Any], endpoints: Endpoints
) -> None:
    queues = consumer_queues(aws, endpoints)
    assert {queue.function for queue in queues} == event_consumers(aws, endpoints)
    tables = table_names(aws, endpoints)
    before = snapshot(aws, tables)

    sent: dict[str, dict[str, str]] = {}  # queue -> message id -> what was broken
    for queue in queues:
        assert queue.event_types, f"{queue.name} has no filter policy"
        sent[queue.name] = {}
        cases = generate(queue.event_types, EXAMPLES_PER_QUEUE)
        cases += [  # the catalog's own invalid examples
            (path.read_text(), event_type, f"example {path.name}")
            for event_type in queue.event_types
            for path in invalid_examples(event_type)
        ]
        for body, event_type, kind in cases:
            sent[queue.name][send(aws, queue.url, body, event_type)] = kind

    expected_in: dict[str, set[str]] = {}  # DLQ URL -> message ids
    for queue in queues:
        expected_in.setdefault(queue.dlq_url, set()).update(sent[queue.name])
    parked: dict[str, dict[str, str]] = {}  # message id -> DLQ message attributes
    for dlq_url, message_ids in expected_in.items():
        parked |= collect_parked(aws, dlq_url, message_ids)
    after = snapshot(aws, tables)

    kinds = Counter(kind.split(" ")[0] for by_id in sent.values() for kind in by_id.values())
    total = sum(len(by_id) for by_id in sent.values())
    changed = touched(before, after)
    print(
        f"\nfuzzing: {total} broken events to {len(queues)} queues "
        f"({dict(sorted(kinds.items()))}); "
        f"parked with a reason: {len(parked)} in {len(expected_in)} DLQs; "
        f"items touched: {len(changed)} of {sum(len(i) for i in before.values())} in {tables}"
    )
    for queue in queues:
        missing = {
            message_id: kind
            for message_id, kind in sent[queue.name].items()
            if message_id not in parked
        }
        assert not missing, f"{queue.name}: not in {queue.dlq_url}: {missing}"
    for attributes in parked.values():
        assert attributes["errorType"] == "ContractViolation"
        assert attributes["reason"]
    assert changed == []


@dataclass
class OrderHistory:
    """The events of one confirmed order, as its consumers received them."""

    placed: dict[str, Any]
    reserved: dict[str, Any]
    confirmed: dict[str, Any]
    invoiced: dict[str, Any]


def body_of(messages: list[dict[str, Any]], event_type: str, order_id: str) -> dict[str, Any]:
    for message in messages:
        event = json.loads(message["Body"])
        if event["type"] == event_type and event["data"].get("orderId") == order_id:
            return dict(event)
    raise AssertionError(f"no {event_type} for order {order_id}")


def redeliver(
    aws: Callable[[str], Any], queues: list[ConsumerQueue], event: dict[str, Any], times: int = 2
) -> list[str]:
    """Sends `event` `times` times to every consumer queue subscribed to its type."""
    targets = [queue for queue in queues if event["type"] in queue.event_types]
    assert targets, f"nobody consumes {event['type']}"
    for queue in targets:
        for _ in range(times):
            send(aws, queue.url, json.dumps(event), event["type"])
    return [queue.url for queue in targets]


def settle(aws: Callable[[str], Any], urls: Iterable[str], quiet_s: float = 2.0) -> None:
    """Waits until the queues are empty, then a little more (the last batch's effects)."""
    for url in set(urls):
        eventually(partial(queue_idle, aws, url), timeout=60)
    time.sleep(quiet_s)


def mails_about(endpoints: Endpoints, order_id: str, wait_s: float = 0) -> int | None:
    """E-mails sent about the order, waiting up to `wait_s` for the first; None without a
    mailbox (each read of the emulator's mailbox takes seconds: read it rarely)."""
    deadline = time.monotonic() + wait_s
    while True:
        mailbox = sent_emails(endpoints)
        if mailbox is None:
            return None
        count = sum(order_id in mail.body for mail in mailbox)
        if count or time.monotonic() > deadline:
            return count
        time.sleep(0.5)


def test_duplicated_and_late_events_change_nothing(
    *,
    api: Api,
    admin: User,
    customer: User,
    aws: Callable[[str], Any],
    endpoints: Endpoints,
    topic_listener: Callable[[str, list[str]], Callable[..., list[dict[str, Any]]]],
) -> None:
    queues = consumer_queues(aws, endpoints)
    orders_events = topic_listener(
        topic_of(aws, endpoints, "orders-stream-publisher"),
        [
            "ecommerce.orders.OrderPlaced.v1",
            "ecommerce.orders.OrderConfirmed.v1",
            "ecommerce.orders.OrderCancelled.v1",
        ],
    )
    products_events = topic_listener(
        topic_of(aws, endpoints, "products-stream-publisher"),
        ["ecommerce.products.StockReserved.v1"],
    )
    invoices_events = topic_listener(
        topic_of(aws, endpoints, "invoices-stream-publisher"),
        ["ecommerce.invoices.InvoiceGenerated.v1"],
    )
    product = create_product(api, admin, stock=5)
    order = place_order(api, customer, [(product["id"], 2)])
    assert wait_for_final(api, customer, order["id"]) == "CONFIRMED"
    invoice = eventually(
        lambda: api.request("GET", "/invoices", customer, params={"orderId": order["id"]}).json()[
            "items"
        ],
        timeout=60,
    )[0]
    mails_before = mails_about(endpoints, order["id"], wait_s=60)
    assert mails_before in (None, 1)
    order_messages = orders_events(2)
    history = OrderHistory(
        placed=body_of(order_messages, "ecommerce.orders.OrderPlaced.v1", order["id"]),
        reserved=body_of(products_events(1), "ecommerce.products.StockReserved.v1", order["id"]),
        confirmed=body_of(order_messages, "ecommerce.orders.OrderConfirmed.v1", order["id"]),
        invoiced=body_of(invoices_events(1), "ecommerce.invoices.InvoiceGenerated.v1", order["id"]),
    )
    tables = table_names(aws, endpoints)
    before = snapshot(aws, tables)

    # Every event of the order, twice more, to every consumer of it.
    touched_queues: list[str] = []
    for event in (history.placed, history.reserved, history.confirmed, history.invoiced):
        touched_queues += redeliver(aws, queues, event)
    settle(aws, touched_queues)

    changed = touched(before, after := snapshot(aws, tables))
    invoices = api.request("GET", "/invoices", customer, params={"orderId": order["id"]}).json()
    assert [item["number"] for item in invoices["items"]] == [invoice["number"]]
    assert api.request("GET", f"/orders/{order['id']}", customer).json()["status"] == "CONFIRMED"
    assert stock_of(api, customer, product["id"]) == 3
    mails_after = mails_about(endpoints, order["id"])
    assert mails_after in (None, 1)
    assert products_events(1, wait_seconds=2) == []  # no second StockReserved
    assert invoices_events(1, wait_seconds=2) == []  # no second InvoiceGenerated
    assert changed == [], changed

    # Late: once the order is cancelled, its OrderPlaced and StockReserved come again.
    assert api.request("DELETE", f"/orders/{order['id']}", customer).status_code == 200
    eventually(lambda: stock_of(api, customer, product["id"]) == 5)
    cancelled = body_of(orders_events(1), "ecommerce.orders.OrderCancelled.v1", order["id"])
    settle(aws, [queue.url for queue in queues])
    before_late = snapshot(aws, tables)
    late_queues = [
        *redeliver(aws, queues, history.placed),
        *redeliver(aws, queues, history.reserved),
        *redeliver(aws, queues, cancelled),
    ]
    settle(aws, late_queues)
    changed_late = touched(before_late, snapshot(aws, tables))
    assert stock_of(api, customer, product["id"]) == 5
    assert api.request("GET", f"/orders/{order['id']}", customer).json()["status"] == "CANCELLED"
    assert changed_late == [], changed_late
    print(
        f"\nduplicates: {len(touched_queues)} + {len(late_queues)} late redeliveries "
        f"(each twice) of the events of one order; items touched: {len(changed)} + "
        f"{len(changed_late)} of "
        f"{sum(len(i) for i in after.values())}; invoices: 1; "
        f"e-mails: {mails_after}"
    )
