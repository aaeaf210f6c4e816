"""REST API of the catalog (``products.api.handler``, API Gateway REST proxy v1).

Every route needs a signed-in caller (401 otherwise); writes need the ``admin`` group
(403), checked before the body is validated (400). ``PUT`` is a partial update guarded by
the product's ``version`` (in the body or ``If-Match``): a stale version is a 409.
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from aws_lambda_powertools.event_handler import Response, content_types

from products.domain import Product
from products.payloads import has_changes, new_product, product_changes, product_json
from products.repository import DynamoDBProductRepository
from products.search import MAX_QUERY_LENGTH
from products.service import ProductService
from shared import aws
from shared.auth import ADMIN
from shared.errors import BadRequest
from shared.http import authorize, register_error_handlers, resolve, rest_resolver
from shared.observability import current_correlation_id, lambda_handler
from shared.rest_requests import Body, Header, JsonObject, Path, Query

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

TABLE_ENV = "PRODUCTS_TABLE_NAME"
ProductId = Annotated[UUID, Path(alias="id")]
NewProductBody = Annotated[JsonObject, Body("products.models:ProductIn")]
ProductUpdateBody = Annotated[JsonObject, Body("products.models:ProductUpdate")]
PRODUCT = "products.models:Product"
ETAG = {"ETag": "the product's version, quoted: send it back as If-Match to update"}
_ETAG = re.compile(r'^(?:W/)?"?(\d{1,18})"?$')

app = rest_resolver()
register_error_handlers(app)


@cache
def service() -> ProductService:
    return ProductService(DynamoDBProductRepository(os.environ[TABLE_ENV], aws.dynamodb()))


def product_response(product: Product, status: int = 200, **headers: str) -> Response[Any]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=product_json(product),
        headers={"ETag": f'"{product.version}"', **headers},
    )


def expected_version(body: JsonObject, if_match: str | None) -> int:
    version = body.get("version")
    if version is not None:
        return int(version)
    if if_match is None:
        raise BadRequest.for_field("body.version", "required (or send an If-Match header)")
    match = _ETAG.match(if_match.strip())
    if not match:
        raise BadRequest.for_field("header.If-Match", 'expected the ETag, e.g. "3"')
    return int(match.group(1))


@app.get("/products", **authorize(response="products.models:ProductPage"))
def list_products(
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    next_token: Annotated[str | None, Query(alias="nextToken", max_length=1024)] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=MAX_QUERY_LENGTH,
            description=(
                "Only products whose name contains this text, ignoring case and accents "
                "(a page may come back short, with a nextToken to continue)"
            ),
        ),
    ] = None,
) -> dict[str, Any]:
    page = service().list(limit, next_token, q)
    return {"items": [product_json(p) for p in page.products], "nextToken": page.next_token}


@app.get("/products/<id>", **authorize(errors=[404], response=PRODUCT, response_headers=ETAG))
def get_product(product_id: ProductId) -> Response[Any]:
    return product_response(service().get(str(product_id)))


CREATE_PRODUCT = authorize(
    ADMIN,
    success=201,
    errors=[409, 415],
    response=PRODUCT,
    response_headers={**ETAG, "Location": "the new product's URL"},
)


@app.post("/products", **CREATE_PRODUCT)
def create_product(body: NewProductBody) -> Response[Any]:
    product = service().create(new_product(body), current_correlation_id())
    base_path = app.current_event.request_context.path or app.current_event.path
    location = f"{base_path.rstrip('/')}/{product.id}"
    return product_response(product, 201, Location=location)


@app.put(
    "/products/<id>",
    **authorize(ADMIN, errors=[404, 409, 415], response=PRODUCT, response_headers=ETAG),
)
def update_product(
    product_id: ProductId,
    body: ProductUpdateBody,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> Response[Any]:
    changes = product_changes(body)
    version = expected_version(body, if_match)
    if not has_changes(body):
        raise BadRequest.for_field("body", "name at least one field to change")
    product = service().update(str(product_id), version, changes, current_correlation_id())
    return product_response(product)


@app.delete("/products/<id>", **authorize(ADMIN, success=204, errors=[404, 409]))
def delete_product(product_id: ProductId) -> Response[Any]:
    service().delete(str(product_id))
    return Response(status_code=204)


@lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
