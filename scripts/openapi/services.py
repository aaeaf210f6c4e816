"""The REST services, found rather than listed: every package under ``functions/`` with an
``api`` module is one. Its Powertools resolver ``<service>.api.app`` documents the
service's routes and ``<service>.api.handler`` is its Lambda function's entry point.

The OpenAPI export, the generated request validators and the unit tests all read
``REST_SERVICES``, so a new service is picked up by adding its ``api.py``. A REST resolver
kept in a module of another name would be missed: ``tests/contract/test_rest_services.py``
fails then, and ``tests/contract/test_openapi_routes.py`` fails for any API Gateway route
to a service that is not in the document.
"""

from __future__ import annotations

from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
API_MODULE = "api"


def rest_services(functions: Path = FUNCTIONS) -> tuple[str, ...]:
    """The packages under ``functions`` with an ``api`` module, by name (the order of the
    OpenAPI document's tags)."""
    return tuple(
        sorted(
            module.parent.name
            for module in functions.glob(f"*/{API_MODULE}.py")
            if (module.parent / "__init__.py").is_file()
        )
    )


REST_SERVICES = rest_services()
