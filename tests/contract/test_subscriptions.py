"""Each consumer's subscriptions are declared once (schemas/consumers.json) and every reader
agrees with that declaration: Terraform's filter policies, the consumers' dispatch tables
and the event catalog."""

from __future__ import annotations

import importlib
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from contracts import check
from contracts.layout import ROOT, Subscription, consumers, event_schemas, subscriptions

STACK = ROOT / "terraform" / "stack"
CONSUMER_QUEUE_MODULE = '"../modules/sqs_consumer_queue"'
EVENT_CONSUMER_MODULE = '"../modules/event_consumer"'
MODULE_BLOCK = re.compile(r'^module "(?P<name>[a-z0-9_]+)" \{\n(?P<body>.*?)^\}', re.M | re.S)
# One entry of an event_consumer's `queues` map: `<key> = { name = ..., event_types = ... }`.
QUEUE_ENTRY = re.compile(
    r"^(?P<indent> +)(?P<key>[a-z][a-z0-9_]*) = \{\n(?P<body>.*?)^(?P=indent)\}", re.M | re.S
)
DECLARED_EVENTS = re.compile(
    r"^\s*event_types\s*=\s*local\.subscriptions"
    r'\.(?P<service>[a-z]+)\["(?P<queue>[a-z-]+)"\]\.events\s*$',
    re.M,
)
QUEUE_NAME = re.compile(r'^\s*name\s*=\s*"\$\{var\.name_prefix\}-(?P<suffix>[a-z-]+)"\s*$', re.M)
EVENT_TYPE_LITERAL = re.compile(r'"ecommerce\.[a-z]+\.[A-Za-z]+\.v[0-9]+"')


def _sourced_from(body: str, source: str) -> bool:
    return re.search(r"^\s*source\s*=\s*" + re.escape(source), body, re.M) is not None


def consumer_queues(tf_text: str) -> dict[str, str]:
    """Queue (``module.<name>`` or ``module.<consumer>.queues["<key>"]``) -> its settings, for
    every consumer queue in ``tf_text``: a queue module of its own, or an entry of an event
    consumer's ``queues``."""
    found: dict[str, str] = {}
    for match in MODULE_BLOCK.finditer(tf_text):
        if _sourced_from(match["body"], CONSUMER_QUEUE_MODULE):
            found[f"module.{match['name']}"] = match["body"]
        elif _sourced_from(match["body"], EVENT_CONSUMER_MODULE):
            queues = re.search(r"^  queues = \{\n(?P<entries>.*?)^  \}", match["body"], re.M | re.S)
            assert queues, f"module.{match['name']}: an event consumer without a queues map"
            for entry in QUEUE_ENTRY.finditer(queues["entries"]):
                found[f'module.{match["name"]}.queues["{entry["key"]}"]'] = entry["body"]
    return found


def terraform_subscriptions(stack: Path = STACK) -> dict[tuple[str, str], str]:
    """(service, queue) -> the queue whose filter policy reads that declaration; fails on
    a consumer queue whose event types do not come from the declaration."""
    wired: dict[tuple[str, str], str] = {}
    for path in sorted(stack.glob("*.tf")):
        for queue, body in consumer_queues(path.read_text(encoding="utf-8")).items():
            events = DECLARED_EVENTS.search(body)
            assert events, (
                f"{path.name}: {queue} must read its event_types from "
                'local.subscriptions.<service>["<queue>"].events (schemas/consumers.json)'
            )
            key = (events["service"], events["queue"])
            assert key not in wired, f"{key} feeds both {wired[key]} and {queue}"
            name = QUEUE_NAME.search(body)
            assert name, f"{queue}: no literal queue name"
            assert name["suffix"] == f"{key[0]}-{key[1]}", (
                f"{queue}: the queue reading {key} must be named "
                f'"${{var.name_prefix}}-{key[0]}-{key[1]}"'
            )
            wired[key] = queue
    return wired


def test_terraform_wires_exactly_the_declared_queues() -> None:
    declared = {(s.service, s.queue) for s in subscriptions()}
    assert set(terraform_subscriptions()) == declared


def test_no_event_type_is_hand_written_in_the_stack_or_environments() -> None:
    roots = [STACK, ROOT / "terraform" / "environments"]
    written = [
        f"{path.relative_to(ROOT)}: {literal}"
        for root in roots
        for path in sorted(root.rglob("*.tf"))
        for literal in EVENT_TYPE_LITERAL.findall(path.read_text(encoding="utf-8"))
    ]
    assert written == [], "event types belong in schemas/consumers.json"


def test_a_hand_written_filter_policy_is_caught(tmp_path: Path) -> None:
    (tmp_path / "queue.tf").write_text(
        'module "x_queue" {\n'
        f"  source = {CONSUMER_QUEUE_MODULE}\n"
        '  name        = "${var.name_prefix}-products-stock"\n'
        '  event_types = ["ecommerce.orders.OrderPlaced.v1"]\n'
        "}\n",
        encoding="utf-8",
    )
    with pytest.raises(AssertionError, match="must read its event_types"):
        terraform_subscriptions(tmp_path)


def test_a_hand_written_filter_policy_in_an_event_consumer_is_caught(tmp_path: Path) -> None:
    (tmp_path / "consumer.tf").write_text(
        'module "x_consumer" {\n'
        f"  source = {EVENT_CONSUMER_MODULE}\n"
        '  function_name = "${var.name_prefix}-x"\n'
        "  queues = {\n"
        "    order_events = {\n"
        '      name        = "${var.name_prefix}-products-stock"\n'
        '      event_types = ["ecommerce.orders.OrderPlaced.v1"]\n'
        "    }\n"
        "  }\n"
        "}\n",
        encoding="utf-8",
    )
    with pytest.raises(AssertionError, match=r'queues\["order_events"\] must read its event_types'):
        terraform_subscriptions(tmp_path)


def test_the_event_consumers_queues_are_read(tmp_path: Path) -> None:
    (tmp_path / "consumer.tf").write_text(
        'module "x_consumer" {\n'
        f"  source = {EVENT_CONSUMER_MODULE}\n"
        "  queues = {\n"
        "    order_events = {\n"
        '      name        = "${var.name_prefix}-products-stock"\n'
        '      event_types = local.subscriptions.products["stock"].events\n'
        "    }\n"
        "    invoice_events = {\n"
        '      name        = "${var.name_prefix}-products-other"\n'
        '      event_types = local.subscriptions.products["other"].events\n'
        "    }\n"
        "  }\n"
        "}\n",
        encoding="utf-8",
    )
    assert terraform_subscriptions(tmp_path) == {
        ("products", "stock"): 'module.x_consumer.queues["order_events"]',
        ("products", "other"): 'module.x_consumer.queues["invoice_events"]',
    }


def handler_subscriptions() -> dict[str, set[str]]:
    """Handler module -> every event type its queues deliver."""
    by_handler: dict[str, set[str]] = defaultdict(set)
    for subscription in subscriptions():
        by_handler[subscription.handler].update(subscription.events)
    return dict(by_handler)


@pytest.mark.parametrize("handler", sorted(handler_subscriptions()))
def test_each_dispatch_table_handles_exactly_its_subscriptions(handler: str) -> None:
    module = importlib.import_module(handler)
    assert set(module.HANDLERS) == handler_subscriptions()[handler]
    assert all(callable(handle) for handle in module.HANDLERS.values())


def test_the_catalog_lists_every_declared_consumer() -> None:
    consumed_by = consumers()
    for subscription in subscriptions():
        for event_type in subscription.events:
            assert subscription.service in consumed_by[event_type]
    # the realtime pushes that were missing from the catalog before the declaration was one
    assert consumed_by["ecommerce.orders.OrderPlaced.v1"] == ["products", "realtime"]
    assert consumed_by["ecommerce.orders.OrderCancelled.v1"] == ["products", "realtime"]


def test_the_declaration_passes_its_checks() -> None:
    known = {schema.event_type for schema in event_schemas()}
    assert list(check.check_consumers(known)) == []
    assert all(isinstance(s, Subscription) for s in subscriptions())


PLACED, GENERATED = "ecommerce.orders.OrderPlaced.v1", "ecommerce.invoices.InvoiceGenerated.v1"


def queue(handler: str, *events: str) -> dict[str, Any]:
    return {"handler": handler, "events": list(events)}


@pytest.mark.parametrize(
    ("queues", "problem"),
    [
        ({"stock": queue("products.stock_consumer", "ecommerce.orders.Nope.v1")}, "no schema"),
        (
            {"stock": queue("products.stock_consumer", PLACED, GENERATED)},
            "a queue subscribes to one producer's topic",
        ),
        (
            {
                "stock": queue("products.stock_consumer", PLACED),
                "again": queue("products.stock_consumer", PLACED),
            },
            "from two queues",
        ),
        (
            {"stock": queue("orders.stock_consumer", PLACED)},
            "is not a module of the products service",
        ),
        ({"stock": queue("products.nowhere", PLACED)}, "has no module under functions/"),
        ({"stock": queue("products.stock_consumer")}, "must be a non-empty list"),
        ({"Stock": queue("products.stock_consumer", PLACED)}, "is not a queue name"),
        ({"stock": {"events": [PLACED]}}, "needs exactly `handler` and `events`"),
    ],
)
def test_a_malformed_declaration_is_reported(
    monkeypatch: pytest.MonkeyPatch, queues: dict[str, Any], problem: str
) -> None:
    monkeypatch.setattr(check, "load_json", lambda _path: {"consumers": {"products": queues}})
    known = {schema.event_type for schema in event_schemas()}
    problems = list(check.check_consumers(known))
    assert any(problem in found for found in problems), problems
