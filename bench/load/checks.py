"""The shop's invariants after a run, from what its public interfaces show.

`observe()` reads the state (every order of the run's customers, the stock of the run's
products, each order's invoices and, where the target keeps a mailbox, its e-mails);
`evaluate()` is plain code over that state. `settle()` repeats both until everything holds
or the drain time is up: stock releases, invoices and e-mails arrive after an order
settles, so a check only fails once the saga had its time.

- orders-not-lost: every order a POST answered 201 for is in its customer's orders;
- orders-settled: no order is left PENDING;
- idempotent-replays: a repeated POST with the same Idempotency-Key named the same order;
- no-oversell: per product, initial stock + units restocked - stock now == units held by
  CONFIRMED orders (fewer held: oversold; more consumed: a reservation never released);
- one-invoice-per-confirmed-order: an order that was confirmed (`confirmedAt`, kept when
  it is cancelled later) has exactly one invoice, any other order none;
- one-email-per-outcome: such an order got exactly one confirmation e-mail naming it, a
  rejected one one rejection e-mail, any other none (where the target keeps a mailbox);
- nothing-parked: no message about the run's orders or products waits in a dead-letter
  queue (every DLQ of `dead_letter_queue_urls`, looked at and left in place, as
  tests/e2e/test_failure_isolation.py does; on AWS too).
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from load.ledger import Ledger
from load.prepare import Fixtures
from tests.e2e.conftest import User
from tests.e2e.endpoints import Endpoints
from tests.e2e.mailbox import sent_emails

CONFIRMATION_SUBJECT = "Order confirmed"
REJECTION_SUBJECT = "We could not accept your order"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SHOWN = 10  # problems listed per check; the count is always complete


@dataclass
class Observation:
    orders: dict[str, dict[str, Any]]
    stock: dict[str, int]
    invoices: dict[str, int] | None = None  # order id -> invoices; None: not read yet
    # order id -> Counter of e-mail kinds ("confirmation", "rejection"); None: no mailbox
    emails: dict[str, Counter[str]] | None = None
    # "<consumer>: <message id> names <id>" per DLQ message about the run; None: not read
    parked: list[str] | None = None


@dataclass
class CheckResult:
    name: str
    passed: bool
    checked: int
    problems: list[str] = field(default_factory=list)
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "passed": self.passed,
            "checked": self.checked,
            "problems": len(self.problems),
            "examples": self.problems[:SHOWN],
            **({"note": self.note} if self.note else {}),
        }


def _result(name: str, checked: int, problems: list[str], note: str = "") -> CheckResult:
    return CheckResult(name, not problems, checked, problems, note)


def evaluate(fixtures: Fixtures, ledger: Ledger, seen: Observation) -> list[CheckResult]:
    orders = seen.orders
    results = [
        _result(
            "orders-not-lost",
            len(ledger.placed),
            [
                f"order {i} (201 to {p.customer}) is missing"
                for i, p in ledger.placed.items()
                if i not in orders
            ],
        ),
        _result(
            "orders-settled",
            len(orders),
            [f"order {i} is still PENDING" for i, o in orders.items() if o["status"] == "PENDING"],
        ),
        _result("idempotent-replays", ledger.replays, list(ledger.replay_mismatches)),
        _result("no-oversell", len(fixtures.products), oversell_problems(fixtures, ledger, seen)),
    ]
    if seen.invoices is not None:
        results.append(
            _result("one-invoice-per-confirmed-order", len(orders), invoice_problems(seen))
        )
    if seen.emails is not None:
        results.append(_result("one-email-per-outcome", len(orders), email_problems(seen)))
    if seen.parked is not None:
        results.append(_result("nothing-parked", len(orders), seen.parked))
    return results


def units_held(orders: dict[str, dict[str, Any]]) -> Counter[str]:
    """Units of each product that CONFIRMED orders hold (cancelled ones gave theirs back)."""
    held: Counter[str] = Counter()
    for order in orders.values():
        if order["status"] == "CONFIRMED":
            for line in order["lines"]:
                held[line["productId"]] += int(line["quantity"])
    return held


def oversell_problems(fixtures: Fixtures, ledger: Ledger, seen: Observation) -> list[str]:
    held = units_held(seen.orders)
    problems = []
    for product in fixtures.products:
        supplied = product.initial_stock + ledger.restocked.get(product.id, 0)
        left = seen.stock.get(product.id)
        if left is None:
            problems.append(f"product {product.id}: its stock could not be read")
            continue
        consumed = supplied - left
        if left < 0 or consumed < held[product.id]:
            problems.append(
                f"product {product.id}: OVERSOLD: confirmed orders hold {held[product.id]} "
                f"units, stock consumed {consumed} (supplied {supplied}, left {left})"
            )
        elif consumed > held[product.id]:
            problems.append(
                f"product {product.id}: {consumed - held[product.id]} units consumed but "
                f"held by no confirmed order (supplied {supplied}, left {left}, held "
                f"{held[product.id]}): a reservation not released"
            )
    return problems


def invoice_problems(seen: Observation) -> list[str]:
    assert seen.invoices is not None
    problems = []
    for order_id, order in seen.orders.items():
        expected = 1 if order.get("confirmedAt") else 0
        found = seen.invoices.get(order_id, 0)
        if found != expected:
            problems.append(
                f"order {order_id} ({order['status']}): {found} invoices, expected {expected}"
            )
    return problems


def expected_emails(order: dict[str, Any]) -> Counter[str]:
    if order.get("confirmedAt"):
        return Counter({"confirmation": 1})
    if order["status"] == "REJECTED":
        return Counter({"rejection": 1})
    return Counter()


def email_problems(seen: Observation) -> list[str]:
    assert seen.emails is not None
    problems = []
    for order_id, order in seen.orders.items():
        expected, found = expected_emails(order), seen.emails.get(order_id, Counter())
        if found != expected:
            problems.append(
                f"order {order_id} ({order['status']}): e-mails {dict(found) or 'none'}, "
                f"expected {dict(expected) or 'none'}"
            )
    return problems


class Observer:
    """Reads the state of the run's orders, products, invoices and e-mails."""

    def __init__(self, endpoints: Endpoints, fixtures: Fixtures, sqs: Any = None) -> None:
        self.endpoints = endpoints
        self.fixtures = fixtures
        self.session = requests.Session()
        self.sqs = sqs

    def _get(self, path: str, account: User, **params: Any) -> Any:
        response = self.session.get(
            f"{self.endpoints.rest_url}{path}", headers=account.headers, params=params, timeout=30
        )
        response.raise_for_status()
        return response.json()

    def orders(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for customer in self.fixtures.customers:
            token = None
            while True:
                page = self._get(
                    "/orders", customer, limit=100, **({"nextToken": token} if token else {})
                )
                found.update(
                    (order["id"], {**order, "customer": customer.username})
                    for order in page["items"]
                )
                token = page.get("nextToken")
                if not token:
                    break
        return found

    def stock(self) -> dict[str, int]:
        return {
            product.id: int(self._get(f"/products/{product.id}", self.fixtures.admin)["stock"])
            for product in self.fixtures.products
        }

    def invoices(self, orders: dict[str, dict[str, Any]]) -> dict[str, int]:
        by_customer = {c.username: c for c in self.fixtures.customers}
        return {
            order_id: len(
                self._get("/invoices", by_customer[order["customer"]], orderId=order_id)["items"]
            )
            for order_id, order in orders.items()
        }

    def emails(self, orders: dict[str, dict[str, Any]]) -> dict[str, Counter[str]] | None:
        mails = sent_emails(self.endpoints)
        if mails is None:
            return None
        addresses = {c.username for c in self.fixtures.customers}
        counted: dict[str, Counter[str]] = {order_id: Counter() for order_id in orders}
        for mail in mails:
            if not addresses.intersection(mail.recipients):
                continue
            kind = (
                "confirmation"
                if mail.subject.startswith(CONFIRMATION_SUBJECT)
                else "rejection"
                if mail.subject.startswith(REJECTION_SUBJECT)
                else None
            )
            if kind is None:
                continue  # the sign-up's verification code
            for order_id in set(UUID.findall(mail.body)) & counted.keys():
                counted[order_id][kind] += 1
        return counted

    def parked(self, orders: dict[str, dict[str, Any]]) -> list[str] | None:
        if self.sqs is None:
            return None
        queues = dead_letter_queues(self.endpoints, self.sqs)
        ours = set(orders) | {product.id for product in self.fixtures.products}
        found = []
        for consumer, url in sorted(queues.items()):
            for message_id, body in peek(self.sqs, str(url)):
                named = next((i for i in ours if i in body), None)
                if named:
                    found.append(f"{consumer}: message {message_id} names {named}")
        return found


def dead_letter_queues(endpoints: Endpoints, sqs: Any) -> dict[str, str]:
    """The stack's DLQs by consumer: Terraform's `dead_letter_queue_urls` where the target
    has it (AWS), else the `deadLetterTargetArn` of every queue's RedrivePolicy (the local
    cloud's endpoints.json does not list them; the emulator holds only this stack)."""
    listed = endpoints.raw.get("dead_letter_queue_urls")
    if isinstance(listed, dict):
        return {str(name): str(url) for name, url in listed.items()}
    found = {}
    for url in sqs.list_queues().get("QueueUrls", []):
        policy = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])
        target = json.loads(policy.get("Attributes", {}).get("RedrivePolicy", "{}")).get(
            "deadLetterTargetArn"
        )
        if target:
            name = target.rsplit(":", 1)[-1]
            found[name] = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    return found


def peek(sqs: Any, queue_url: str, limit: int = 2000) -> list[tuple[str, str]]:
    """Every message of a queue (up to `limit`), made visible again at once."""
    seen: dict[str, str] = {}
    receipts: list[str] = []
    try:
        while len(seen) < limit and (
            batch := sqs.receive_message(
                QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=30, WaitTimeSeconds=0
            ).get("Messages", [])
        ):
            for message in batch:
                receipts.append(message["ReceiptHandle"])
                seen[message["MessageId"]] = message.get("Body", "")
    finally:
        for receipt in receipts:
            sqs.change_message_visibility(
                QueueUrl=queue_url, ReceiptHandle=receipt, VisibilityTimeout=0
            )
    return list(seen.items())


def settle(
    observer: Observer,
    fixtures: Fixtures,
    ledger: Ledger,
    timeout_s: float,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[list[CheckResult], Observation, float]:
    """Observes and evaluates until every check holds or `timeout_s` is up; returns the last
    results, what they were based on, and the seconds it took. Invoices and e-mails are
    only read once no order is PENDING (one request per order)."""
    started = clock()
    while True:
        orders = observer.orders()
        seen = Observation(orders, observer.stock())
        if not any(order["status"] == "PENDING" for order in orders.values()):
            seen.invoices = observer.invoices(orders)
            seen.emails = observer.emails(orders)
        results = evaluate(fixtures, ledger, seen)
        complete = seen.invoices is not None
        if (complete and all(r.passed for r in results)) or clock() - started > timeout_s:
            if not complete:
                seen.invoices = observer.invoices(orders)
                seen.emails = observer.emails(orders)
            seen.parked = observer.parked(orders)
            results = evaluate(fixtures, ledger, seen)
            return results, seen, clock() - started
        sleep(2.0)
