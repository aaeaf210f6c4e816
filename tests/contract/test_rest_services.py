"""The REST services are found, not listed (``openapi.services``): the packages under
functions/ with an ``api`` module. These tests fail when that finding is wrong: a REST
resolver built in a module of another name, or a service missing from the document."""

from __future__ import annotations

import json
import re
from pathlib import Path

from openapi.export import DOCUMENT
from openapi.services import FUNCTIONS, REST_SERVICES, rest_services

# Building a REST resolver: shared.http's factory or Powertools' class itself.
_BUILDS_A_REST_RESOLVER = re.compile(r"\b(?:rest_resolver|APIGatewayRestResolver)\(")
KERNEL = "shared"  # the shared library defines the factory; it is no service


def modules_building_a_rest_resolver(functions: Path) -> set[str]:
    return {
        ".".join(path.relative_to(functions).with_suffix("").parts)
        for path in functions.glob("*/**/*.py")
        if path.relative_to(functions).parts[0] != KERNEL
        and _BUILDS_A_REST_RESOLVER.search(path.read_text())
    }


def test_every_rest_resolver_is_a_services_api_module() -> None:
    found = modules_building_a_rest_resolver(FUNCTIONS)
    assert found == {f"{service}.api" for service in REST_SERVICES}


def test_the_finder_sees_an_api_module_and_a_resolver_elsewhere(tmp_path: Path) -> None:
    for package, modules in {
        "reviews": {"__init__.py": "", "api.py": "app = rest_resolver()\n"},
        "ledger": {"__init__.py": "", "rest.py": "app = APIGatewayRestResolver()\n"},
        "mailer": {"__init__.py": "", "email_consumer.py": "def handler(): ...\n"},
        "scratch": {"api.py": "app = rest_resolver()\n"},  # no package
        KERNEL: {"__init__.py": "", "http.py": "return APIGatewayRestResolver(cors=None)\n"},
    }.items():
        (tmp_path / package).mkdir()
        for name, text in modules.items():
            (tmp_path / package / name).write_text(text)

    assert rest_services(tmp_path) == ("reviews",)
    assert modules_building_a_rest_resolver(tmp_path) == {
        "reviews.api",
        "ledger.rest",  # a REST service the finder misses: the test above fails
        "scratch.api",
    }


def test_every_rest_service_is_in_the_openapi_document() -> None:
    document = json.loads(DOCUMENT.read_text())
    tagged = {
        operation["tags"][0]
        for operations in document["paths"].values()
        for operation in operations.values()
    }
    assert [tag["name"] for tag in document["tags"]] == list(REST_SERVICES)
    assert tagged == set(REST_SERVICES), "a REST service without an operation in the document"
