"""The web console's browser calls: CORS preflights and responses, for its origin only.

A browser sends a preflight (OPTIONS, no credentials) before every call with an
Authorization or JSON Content-Type header, and lets the page read a response only when it
names the page's origin. The origin is the console's: `web_url` of the target (the local
web server of `make up`, the CloudFront URL on AWS), or LOCALCLOUD_CONSOLE_URL, the
origin a local cloud was started with.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests

from tests.e2e.conftest import Api, User
from tests.e2e.endpoints import Endpoints

pytestmark = pytest.mark.e2e
FOREIGN_ORIGIN = "https://attacker.example"


@pytest.fixture(scope="module")
def console_origin(endpoints: Endpoints) -> str:
    origin = endpoints.raw.get("web_url") or os.environ.get("LOCALCLOUD_CONSOLE_URL")
    if not origin:
        pytest.skip("the target has no web console (no web_url), so no CORS origin")
    return str(origin).rstrip("/")


def header_items(response: requests.Response, name: str) -> set[str]:
    return {item.strip().lower() for item in response.headers.get(name, "").split(",") if item}


def preflight(api: Api, path: str, origin: str, method: str, headers: str) -> requests.Response:
    return requests.options(
        f"{api.base_url}{path}",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
        timeout=30,
    )


@pytest.mark.parametrize(
    ("path", "method", "request_headers"),
    [
        ("/products", "GET", "authorization"),
        ("/orders", "POST", "authorization,content-type,idempotency-key,x-correlation-id"),
        ("/orders/00000000-0000-4000-8000-000000000000", "DELETE", "authorization"),
        ("/products/00000000-0000-4000-8000-000000000000", "PUT", "authorization,if-match"),
        ("/invoices", "GET", "authorization"),
    ],
)
def test_the_preflight_admits_the_consoles_calls(
    api: Api, console_origin: str, path: str, method: str, request_headers: str
) -> None:
    response = preflight(api, path, console_origin, method, request_headers)

    assert 200 <= response.status_code < 300, response.text
    assert response.headers.get("Access-Control-Allow-Origin") == console_origin
    assert method.lower() in header_items(response, "Access-Control-Allow-Methods")
    assert set(request_headers.split(",")) <= header_items(response, "Access-Control-Allow-Headers")
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def test_a_preflight_never_admits_another_origin(api: Api, console_origin: str) -> None:
    response = preflight(api, "/products", FOREIGN_ORIGIN, "GET", "authorization")

    assert response.headers.get("Access-Control-Allow-Origin") in {None, console_origin}
    assert response.headers.get("Access-Control-Allow-Origin") != "*"


def test_the_console_reads_an_answer_and_its_correlation_id(
    api: Api, customer: User, console_origin: str
) -> None:
    response = api.request("GET", "/products?limit=1", customer, headers={"Origin": console_origin})

    assert response.status_code == 200, response.text
    assert response.headers.get("Access-Control-Allow-Origin") == console_origin
    assert {"x-correlation-id", "retry-after"} <= header_items(
        response, "Access-Control-Expose-Headers"
    )
    assert response.headers.get("X-Correlation-Id")
    assert "origin" in header_items(response, "Vary")


def test_the_console_reads_a_refusal_from_api_gateway_itself(api: Api, console_origin: str) -> None:
    response = api.request("GET", "/orders", headers={"Origin": console_origin})

    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}
    assert response.headers.get("Access-Control-Allow-Origin") == console_origin


def test_the_console_reads_a_403_from_a_function(
    api: Api, customer: User, console_origin: str
) -> None:
    response = api.request(
        "POST", "/products", customer, headers={"Origin": console_origin}, json={}
    )

    assert response.status_code == 403
    assert response.json()["error"] == "Forbidden"
    assert response.headers.get("Access-Control-Allow-Origin") == console_origin


def test_another_origin_gets_no_cors_headers(api: Api, customer: User, console_origin: str) -> None:
    response = api.request("GET", "/products?limit=1", customer, headers={"Origin": FOREIGN_ORIGIN})

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers
    assert console_origin not in response.headers.get("Access-Control-Allow-Origin", "")


def imports_bucket_url(endpoints: Endpoints, aws: Callable[[str], Any]) -> str:
    """The imports bucket's URL as presigned uploads address it."""
    bucket = endpoints.raw.get("invoice_imports_bucket_name")
    if not bucket:
        prefix = endpoints.raw["function_names"]["products-api"].removesuffix("-products-api")
        account = aws("sts").get_caller_identity()["Account"]
        bucket = f"{prefix}-invoice-imports-{account}"
    if endpoints.aws_endpoint_url:
        return f"{endpoints.aws_endpoint_url}/{bucket}"
    return f"https://{bucket}.s3.{endpoints.region}.amazonaws.com"


@pytest.mark.parametrize("origin", ["console", FOREIGN_ORIGIN])
def test_only_the_console_may_upload_an_import_from_the_browser(
    endpoints: Endpoints, aws: Callable[[str], Any], console_origin: str, origin: str
) -> None:
    origin = console_origin if origin == "console" else origin
    response = requests.options(
        f"{imports_bucket_url(endpoints, aws)}/imports/{uuid.uuid4()}.json",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=30,
    )

    if origin == console_origin:
        assert response.status_code == 200, response.text
        assert response.headers.get("Access-Control-Allow-Origin") == console_origin
        assert "POST" in response.headers.get("Access-Control-Allow-Methods", "")
    else:
        # A preflight that is not answered 2xx fails in the browser whatever its headers
        # (moto's server adds Access-Control-Allow-Origin to every answer; S3 does not).
        assert response.status_code == 403
