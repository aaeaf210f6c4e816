"""Fuzzing the REST API from its OpenAPI document (docs/api/openapi.json) with schemathesis.

Every operation gets generated requests (valid and invalid: the examples, coverage and
fuzzing phases) signed with a real Cognito ID token, first an admin's (who may call
everything), then a customer's (for whom catalog writes must be 403 whatever the body).
Each response is checked: never a 5xx, its status is one the document declares, its body
matches the declared schema, and invalid input is refused with a 4xx. The number of
requests and of 5xx answers is printed at the end (`-s` or `-rP` shows it).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from tests.e2e.conftest import User
from tests.e2e.endpoints import ROOT, Endpoints

pytestmark = pytest.mark.e2e

MAX_EXAMPLES = 20  # per operation and identity, fuzzing phase (examples/coverage add more)
MIN_REQUESTS = 1000
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.response_schema_conformance,
    checks.content_type_conformance,
    checks.negative_data_rejection,
]
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

schema = schemathesis.openapi.from_path(ROOT / "docs" / "api" / "openapi.json")
# Unknown query parameters are ignored, as API Gateway and Powertools do: not invalid input.
schema.config.generation.update(allow_extra_parameters=False)
requests_sent: Counter[str] = Counter()
server_errors: list[str] = []


def call(case: Any, endpoints: Endpoints, user: User) -> None:
    response = case.call(base_url=endpoints.rest_url, headers=user.headers, timeout=30)
    requests_sent[case.operation.label] += 1
    if response.status_code >= 500:
        server_errors.append(f"{case.operation.label} -> {response.status_code}")
    case.validate_response(
        response, checks=CHECKS if sends_what_it_means(case) else CHECKS_FOR_VALID_INPUT
    )


CHECKS_FOR_VALID_INPUT = [check for check in CHECKS if check is not checks.negative_data_rejection]


def sends_what_it_means(case: Any) -> bool:
    """False when a query parameter is an empty object or array: it is serialized as
    nothing, so the request that reaches the API may well be valid (schemathesis would
    then report a valid request as "invalid data accepted")."""
    return not any(value in ({}, []) for value in (case.query or {}).values())


@schema.parametrize()
@FUZZ_SETTINGS
def test_fuzz_as_admin(case: Any, endpoints: Endpoints, admin: User) -> None:
    call(case, endpoints, admin)


@schema.parametrize()
@FUZZ_SETTINGS
def test_fuzz_as_customer(case: Any, endpoints: Endpoints, customer: User) -> None:
    call(case, endpoints, customer)


def test_fuzzing_sent_enough_requests_and_saw_no_server_error() -> None:
    total = sum(requests_sent.values())
    per_operation = ", ".join(f"{label}: {n}" for label, n in sorted(requests_sent.items()))
    print(f"\nREST fuzzing: {total} requests, {len(server_errors)} 5xx ({per_operation})")
    assert server_errors == []
    assert total >= MIN_REQUESTS
