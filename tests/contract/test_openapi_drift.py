"""The committed OpenAPI document (docs/api/openapi.json) is what the resolvers export."""

from __future__ import annotations

import json

from openapi.export import DOCUMENT, REGENERATE, build_document, render


def test_the_committed_openapi_document_matches_a_fresh_export() -> None:
    fresh = render(build_document())
    committed = DOCUMENT.read_text() if DOCUMENT.exists() else ""
    assert committed == fresh, f"docs/api/openapi.json is out of date; run: {REGENERATE}"


def test_every_operation_is_secured_and_declares_its_errors() -> None:
    document = json.loads(render(build_document()))
    assert document["security"] == [{"CognitoIdToken": []}]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"400", "401"} <= statuses, f"{method.upper()} {path}: {sorted(statuses)}"
            if "{id}" in path:
                assert "404" in statuses, f"{method.upper()} {path} never answers 404?"
            if "requestBody" in operation:
                assert "415" in statuses, f"{method.upper()} {path}: no 415"
