"""Holds the REST functions' answers to the committed OpenAPI document
(``docs/api/openapi.json``, kept fresh by ``tests/contract/test_openapi_drift.py``).

``tests/unit/conftest.py`` wraps the services' ``resolve`` with :func:`checking`, so every
answer an API unit test gets is checked: a 2xx must be documented for its route, its body
must match the documented schema (formats included: uuid, date-time) and its documented
headers must be there; an error status the route documents must match its body's schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.json"
JSON = "application/json"

Resolve = Callable[[Any, Mapping[str, Any], Any], dict[str, Any]]


class UndocumentedResponse(AssertionError):
    """An answer the OpenAPI document does not describe."""


@cache
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DOCUMENT.read_text())
    return loaded


def operation(method: str, path: str) -> dict[str, Any] | None:
    """The documented operation of ``METHOD /path`` (the route's resource, ``{id}``)."""
    found: dict[str, Any] | None = document()["paths"].get(path, {}).get(method.lower())
    return found


def response_validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    """A validator of ``schema`` (an OpenAPI 3.1 schema: JSON Schema 2020-12) whose
    ``#/components/...`` references resolve in the document."""
    root = {**schema, "components": document()["components"]}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def check(method: str, path: str, status: int, headers: Mapping[str, str], body: Any) -> None:
    """Raises :class:`UndocumentedResponse` unless the document describes this answer."""
    documented = operation(method, path)
    if documented is None:
        return  # not a route of the API (e.g. a test of the resolver's own 404)
    route = f"{method.upper()} {path}"
    response = documented["responses"].get(str(status))
    if response is None:
        if HTTPStatus(status).is_success:
            raise UndocumentedResponse(f"{route} answered {status}, which is not documented")
        return
    content = response.get("content", {})
    if not content:
        if body is not None:
            raise UndocumentedResponse(f"{route} {status} is documented without a body: {body}")
    else:
        schema = content.get(JSON, {}).get("schema")
        if not schema or set(schema) <= {"title"}:
            raise UndocumentedResponse(f"{route} {status}: the document has no schema")
        errors = sorted(response_validator(schema).iter_errors(body), key=str)
        if errors:
            where = "; ".join(
                f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}" for e in errors
            )
            raise UndocumentedResponse(f"{route} {status} does not match the document: {where}")
    present = {name.lower() for name in headers}
    missing = [name for name in response.get("headers", {}) if name.lower() not in present]
    if missing and HTTPStatus(status).is_success:
        raise UndocumentedResponse(f"{route} {status} lacks documented headers {missing}")


def check_result(event: Mapping[str, Any], result: Mapping[str, Any]) -> None:
    """:func:`check` of a proxy integration's result for its event."""
    headers = dict(result.get("headers") or {})
    headers.update(
        {name: ",".join(v) for name, v in (result.get("multiValueHeaders") or {}).items()}
    )
    raw = result.get("body")
    body = json.loads(raw) if raw else None
    check(event["httpMethod"], event["resource"], result["statusCode"], headers, body)


def checking(resolve: Resolve) -> Resolve:
    """``resolve`` that checks each answer against the document before returning it."""

    def checked(app: Any, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        result = resolve(app, event, context)
        check_result(event, result)
        return result

    return checked
