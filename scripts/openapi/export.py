"""Exports the REST API's OpenAPI 3.1 document to ``docs/api/openapi.json``.

Each REST service's resolver (``<service>.api.app``; the services are the packages with an
``api`` module: ``openapi.services``) describes its own routes, request models
(as Powertools' validating resolver would: ``shared.rest_documentation.documenting``)
and responses (``shared.http.authorize`` declares the success status and the errors). This
script merges their documents into the one API that API Gateway serves, adds the
Cognito security scheme and a servers placeholder, and writes it deterministically (sorted
paths and schemas, stable indentation), so a stale committed copy shows as a diff.

    .venv/bin/python scripts/openapi/export.py           # write docs/api/openapi.json
    .venv/bin/python scripts/openapi/export.py --check   # exit 1 when it is out of date
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "api" / "openapi.json"
REGENERATE = ".venv/bin/python scripts/openapi/export.py"

TITLE = "Serverless e-commerce REST API"
VERSION = "1.0.0"
DESCRIPTION = (
    "Products, orders and invoices behind one API Gateway REST API. Every operation needs "
    "a Cognito ID token of the user pool in the `Authorization` header (no `Bearer` "
    "prefix); catalog writes need the `admin` group, orders the `customer` or `admin` "
    "group. Errors are JSON: `{error, message, fields?}`; API Gateway itself answers 401 "
    "as `{message}`."
)
SECURITY_SCHEME = "CognitoIdToken"
SECURITY_SCHEMES = {
    SECURITY_SCHEME: {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "A Cognito user pool ID token (API Gateway's Cognito authorizer).",
    }
}
SERVERS = [
    {
        "url": "https://{apiId}.execute-api.{region}.amazonaws.com/{stage}",
        "description": "the deployed stage (Terraform output `rest_url`)",
        "variables": {
            "apiId": {"default": "api-id"},
            "region": {"default": "eu-west-1"},
            "stage": {"default": "v1"},
        },
    }
]
# Powertools documents its own request-validation error as a 422 HTTPValidationError;
# shared.http answers invalid requests with a 400 ErrorBody instead, so those go (in this
# order: each one is dropped once nothing refers to it any more).
POWERTOOLS_VALIDATION_SCHEMAS = (
    "HTTPValidationError",
    "ResponseValidationError",
    "ValidationError",
)


def service_document(service: str) -> dict[str, Any]:
    from shared.rest_documentation import documenting

    module = importlib.import_module(f"{service}.api")
    with documenting(module.app) as app:
        document: dict[str, Any] = json.loads(app.get_openapi_json_schema(title=service))
    return document


def _refers_to(node: Any, schema: str) -> bool:
    return f"#/components/schemas/{schema}" in json.dumps(node)


def _without_powertools_validation_errors(operation: dict[str, Any]) -> dict[str, Any]:
    responses = {
        status: response
        for status, response in operation["responses"].items()
        if not _refers_to(response, POWERTOOLS_VALIDATION_SCHEMAS[0])
    }
    return {**operation, "responses": dict(sorted(responses.items()))}


def merge(documents: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One document from the services' ones; a path or schema name that two services
    define differently is an error, not a silent overwrite."""
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {}
    for service, document in documents.items():
        for path, operations in document.get("paths", {}).items():
            if path in paths:
                raise ValueError(f"{service} redefines the path {path}")
            paths[path] = {
                method: {**_without_powertools_validation_errors(operation), "tags": [service]}
                for method, operation in operations.items()
            }
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            if name in schemas and schemas[name] != schema:
                raise ValueError(f"{service} defines the schema {name} differently")
            schemas[name] = schema
    for name in POWERTOOLS_VALIDATION_SCHEMAS:
        others = {k: v for k, v in schemas.items() if k != name}
        if not _refers_to([paths, others], name):
            schemas.pop(name, None)
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION},
        "servers": SERVERS,
        "security": [{SECURITY_SCHEME: []}],
        "tags": [{"name": service} for service in documents],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


def build_document() -> dict[str, Any]:
    from openapi.services import REST_SERVICES

    return merge({service: service_document(service) for service in REST_SERVICES})


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the file is stale")
    args = parser.parse_args(argv)
    text = render(build_document())
    if args.check:
        if not DOCUMENT.exists() or DOCUMENT.read_text() != text:
            print(f"{DOCUMENT.relative_to(ROOT)} is out of date; run: {REGENERATE}")
            return 1
        return 0
    DOCUMENT.parent.mkdir(parents=True, exist_ok=True)
    DOCUMENT.write_text(text)
    print(f"wrote {DOCUMENT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT / "functions"), str(ROOT / "scripts")]
    sys.exit(main())
