"""REST API of invoicing (``invoices.api.handler``, API Gateway REST proxy v1).

Every route needs a signed-in caller (401 otherwise). A customer sees their own invoices,
an admin every invoice; any other invoice is a 404, as is one whose PDF is not stored yet.
Each invoice comes with a presigned download URL valid ``DOWNLOAD_URL_TTL_SECONDS``.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from invoices import config
from invoices.domain import Invoice
from invoices.repository import DynamoDBInvoiceRepository
from invoices.service import InvoiceService
from invoices.storage import S3InvoiceStore, s3_client
from shared import aws
from shared.http import (
    authorize,
    current_principal,
    register_error_handlers,
    resolve,
    rest_resolver,
)
from shared.observability import lambda_handler
from shared.rest_requests import Path, Query

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

InvoiceId = Annotated[UUID, Path(alias="id")]
OrderId = Annotated[UUID, Query(alias="orderId")]

app = rest_resolver()
register_error_handlers(app)


@cache
def service() -> InvoiceService:
    repository = DynamoDBInvoiceRepository(config.table_name(), aws.dynamodb())
    return InvoiceService(
        repository,
        S3InvoiceStore(s3_client()),
        download_ttl_seconds=config.download_ttl_seconds(),
    )


def invoice_json(invoice: Invoice) -> dict[str, Any]:
    download = service().download(invoice)
    return {
        "id": invoice.id,
        "number": str(invoice.number),
        "orderId": invoice.order_id,
        "customerId": invoice.customer_id,
        "status": invoice.status.value,
        "issuedAt": invoice.issued_at,
        "currency": invoice.currency,
        "lines": [
            {
                "productId": line.product_id,
                "sku": line.sku,
                "name": line.name,
                "quantity": line.quantity,
                "unitPrice": line.unit_price.to_json(),
                "lineTotal": line.line_total.to_json(),
            }
            for line in invoice.lines
        ],
        "subtotal": invoice.subtotal.to_json(),
        "taxRateBasisPoints": invoice.tax_rate.basis_points,
        "tax": invoice.tax.to_json(),
        "total": invoice.total.to_json(),
        "downloadUrl": download.url,
        "downloadUrlExpiresAt": download.expires_at,
    }


@app.get("/invoices", **authorize(response="invoices.models:InvoiceList"))
def list_invoices(order_id: OrderId) -> dict[str, Any]:
    invoices = service().for_order(str(order_id), current_principal(app))
    return {"items": [invoice_json(invoice) for invoice in invoices]}


@app.get("/invoices/<id>", **authorize(errors=[404], response="invoices.models:Invoice"))
def get_invoice(invoice_id: InvoiceId) -> dict[str, Any]:
    return invoice_json(service().get(str(invoice_id), current_principal(app)))


@lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
