"""The environments' outputs: the stack's, passed through whole as `stack` (each declared
once, in terraform/stack/outputs.tf), beside the environment's own; and every name the
readers look up is one the stack or the environment declares."""

from __future__ import annotations

import re
from pathlib import Path

from localcloud.terraform_runner import flat_outputs

ROOT = Path(__file__).resolve().parents[2]
OUTPUT_BLOCK = re.compile(r'^output "([a-z0-9_]+)"', re.MULTILINE)

# Read from Terraform's outputs beyond what scripts/localcloud/up.py reads: the e2e
# endpoints on AWS (tests/e2e/endpoints.py), the CORS test's imports bucket, the load
# test's dead-letter queues (bench/load/checks.py), the console's URL.
READ_ELSEWHERE = {
    "rest_url",
    "rest_api_id",
    "web_url",
    "invoice_imports_bucket_name",
    "dead_letter_queue_urls",
}


def declared_outputs(folder: str) -> set[str]:
    return {
        name
        for path in sorted((ROOT / folder).glob("*.tf"))
        for name in OUTPUT_BLOCK.findall(path.read_text())
    }


def test_the_stack_output_is_flattened_beside_the_environments_own() -> None:
    printed = {
        "aws_endpoint_url": {"value": "http://127.0.0.1:5000", "type": "string"},
        "stack": {
            "value": {"region": "us-east-1", "function_names": {"orders-api": "shop-orders-api"}},
            "type": ["object", {}],
        },
    }

    assert flat_outputs(printed) == {
        "aws_endpoint_url": "http://127.0.0.1:5000",
        "region": "us-east-1",
        "function_names": {"orders-api": "shop-orders-api"},
    }


def test_each_environment_passes_the_stack_through_and_adds_only_its_own() -> None:
    assert declared_outputs("terraform/environments/aws") == {"stack"}
    assert declared_outputs("terraform/environments/local") == {"stack", "aws_endpoint_url"}
    for environment in ("aws", "local"):
        text = (ROOT / "terraform/environments" / environment / "outputs.tf").read_text()
        assert re.search(r'output "stack" \{[^}]*value\s*=\s*module\.stack\n', text)


def test_every_output_the_readers_look_up_is_declared_by_the_stack() -> None:
    up = (ROOT / "scripts/localcloud/up.py").read_text()
    read_by_up = set(re.findall(r'outputs(?:\["|\.get\(")([a-z0-9_]+)"', up))
    assert {"region", "user_pool_id", "function_names"} <= read_by_up  # the pattern still matches

    missing = (read_by_up | READ_ELSEWHERE) - declared_outputs("terraform/stack")

    assert not missing, f"read but not declared in terraform/stack/outputs.tf: {sorted(missing)}"
