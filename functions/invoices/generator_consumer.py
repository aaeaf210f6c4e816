"""Invoice generation (``invoices.generator_consumer.handler``, SQS).

Subscribed to the orders topic for ``OrderConfirmed.v1``: issues the order's invoice (PDF
in the bucket, metadata in the table). Every message is validated against its contract
first; a violation goes to the DLQ of the queue it came from (``DEAD_LETTER_QUEUES``, see
``shared.events.consumer``) and is not retried.

No per-event-id deduplication is needed: the order's guard item, written in the same
transaction as the invoice and its number, makes a second delivery reuse the first
invoice (see ``invoices.service``). ``InvoiceGenerated`` leaves through the table's
stream, never from here.
"""

from __future__ import annotations

from functools import cache

from invoices import config
from invoices.domain import ConfirmedOrder, InvoiceLine, Party
from invoices.repository import DynamoDBInvoiceRepository
from invoices.service import InvoiceService, InvoicingPolicy, render_pdf
from invoices.storage import S3InvoiceStore, s3_client
from shared import aws
from shared.events.consumer import DispatchTable, EventConsumer, consumer_handler, dispatch
from shared.events.envelope import Event, event_type
from shared.money import Money
from shared.observability import logger, metrics

ORDER_CONFIRMED = event_type("orders", "OrderConfirmed")

if config.initialised_ahead_of_demand():
    # A SnapStart snapshot or provisioned concurrency: nobody waits for this init, so it
    # loads the PDF library and the fonts now, and every environment starts with them.
    # On demand they load with the first render instead (see the README, "Cold start").
    from invoices.pdf import warm_up

    warm_up()


@cache
def service() -> InvoiceService:
    policy = InvoicingPolicy(
        seller=config.seller(),
        tax_rate=config.tax_rate(),
        bucket=config.bucket_name(),
        number_series=config.number_series(),
    )
    repository = DynamoDBInvoiceRepository(config.table_name(), aws.dynamodb())
    store = S3InvoiceStore(s3_client())
    return InvoiceService(repository, store, policy=policy, render=render_pdf)


def confirmed_order(event: Event) -> ConfirmedOrder:
    """The invoicing view of a (validated) ``OrderConfirmed.v1`` event."""
    data = event["data"]
    address = data["shippingAddress"]
    address_lines = (
        address["line1"],
        address.get("line2"),
        f"{address['postalCode']} {address['city']}",
        address["country"],
    )
    return ConfirmedOrder(
        order_id=data["orderId"],
        customer_id=data["customerId"],
        customer_email=data["customerEmail"],
        bill_to=Party(name=address["name"], address=tuple(line for line in address_lines if line)),
        lines=tuple(
            InvoiceLine(
                product_id=line["productId"],
                sku=line["sku"],
                name=line["name"],
                quantity=line["quantity"],
                unit_price=Money.from_json(line["unitPrice"]),
                line_total=Money.from_json(line["lineTotal"]),
            )
            for line in data["lines"]
        ),
        confirmed_at=data["confirmedAt"],
        event_id=event["id"],
        correlation_id=event["correlationid"],
    )


def invoice_order(event: Event) -> None:
    invoice = service().invoice_order(confirmed_order(event))
    logger.info(
        "Invoice issued",
        order_id=invoice.order_id,
        invoice_id=invoice.id,
        invoice_number=str(invoice.number),
    )
    metrics.add_metric(name="InvoicesIssued", unit="Count", value=1)


HANDLERS: DispatchTable = {ORDER_CONFIRMED: invoice_order}


@cache
def consumer() -> EventConsumer:
    return EventConsumer(dispatch(HANDLERS))


handler = consumer_handler(consumer)
