"""API Gateway's routes (``local.rest_routes`` in terraform/stack/api.tf) are the OpenAPI
document's operations: every documented path and method has a route to the function of
the service that documents it (the operation's tag), and no route is undocumented."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from openapi.export import DOCUMENT

ROOT = Path(__file__).resolve().parents[2]
ROUTES_FILE = ROOT / "terraform" / "stack" / "api.tf"
# `  rest_routes = {` ... the closing `  }` at the same indentation.
_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)rest_routes\s*=\s*\{\n(?P<body>.*?)^(?P=indent)\}", re.S | re.M
)
_ROUTE = re.compile(
    r'^\s*"(?P<key>[A-Z]+ /[^"]*)"\s*=\s*\{\s*function\s*=\s*"(?P<function>[^"]+)"\s*\}\s*$'
)
_SKIPPABLE = re.compile(r"^\s*(?:#.*|//.*)?$")


def terraform_routes(text: str) -> dict[str, str]:
    """``"METHOD /path"`` -> function key of the ``rest_routes`` map in ``text``; a line
    of the map that is neither a route nor a comment is an error (the parser must not
    silently miss a route written another way)."""
    block = _BLOCK.search(text)
    if block is None:
        raise ValueError("no rest_routes map")
    routes: dict[str, str] = {}
    for line in block.group("body").splitlines():
        route = _ROUTE.match(line)
        if route:
            if route.group("key") in routes:
                raise ValueError(f"{route.group('key')} is routed twice")
            routes[route.group("key")] = route.group("function")
        elif not _SKIPPABLE.match(line):
            raise ValueError(f"cannot read this rest_routes line: {line.strip()!r}")
    return routes


def documented_routes(document: dict[str, object]) -> dict[str, str]:
    """``"METHOD /path"`` -> the service (the operation's tag) of every documented
    operation."""
    paths = document["paths"]
    assert isinstance(paths, dict)
    return {
        f"{method.upper()} {path}": operation["tags"][0]
        for path, operations in paths.items()
        for method, operation in operations.items()
    }


def test_every_documented_operation_has_a_route_to_its_service_and_no_more() -> None:
    routed = terraform_routes(ROUTES_FILE.read_text())
    documented = documented_routes(json.loads(DOCUMENT.read_text()))
    assert len(documented) >= 11
    assert sorted(set(documented) - set(routed)) == [], "documented but not routed"
    assert sorted(set(routed) - set(documented)) == [], "routed but not documented"
    wrong = {
        key: (routed[key], service) for key, service in documented.items() if routed[key] != service
    }
    assert wrong == {}, "routed to another service's function (routed, documented)"


def test_the_route_reader_sees_a_missing_an_extra_and_an_unreadable_route() -> None:
    text = ROUTES_FILE.read_text()
    routed = terraform_routes(text)
    first = next(iter(routed))
    without_first = re.sub(rf'^\s*"{re.escape(first)}".*\n', "", text, count=1, flags=re.M)
    assert set(routed) - set(terraform_routes(without_first)) == {first}
    extra = text.replace(
        "rest_routes = {\n", 'rest_routes = {\n    "GET /extra" = { function = "orders" }\n', 1
    )
    assert set(terraform_routes(extra)) - set(routed) == {"GET /extra"}
    odd = text.replace("rest_routes = {\n", "rest_routes = {\n    (local.key) = local.value\n", 1)
    with pytest.raises(ValueError, match="cannot read this rest_routes line"):
        terraform_routes(odd)
