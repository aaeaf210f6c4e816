"""What keeps the local apply short, read from the Terraform source: every function of the
stack can be created from the packages bucket (the provider creates functions from local
files one at a time), and the local environment asks for it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / "terraform" / "stack"
FUNCTION_MODULES = (
    "../modules/lambda_function",
    "../modules/stream_publisher",
    "../modules/event_consumer",
)


def function_module_blocks() -> dict[str, str]:
    """module name -> its block, for every stack module that creates a function."""
    blocks = {}
    for path in sorted(STACK.glob("*.tf")):
        for found in re.finditer(r'^module "(\w+)" \{\n(.*?)^\}', path.read_text(), re.M | re.S):
            source = re.search(r'^\s*source\s*=\s*"([^"]+)"', found[2], re.M)
            if source and source[1] in FUNCTION_MODULES:
                blocks[found[1]] = found[2]
    return blocks


def test_every_function_of_the_stack_can_come_from_the_packages_bucket() -> None:
    blocks = function_module_blocks()
    # Every function of the stack, as inventory.tf lists them (`module.<name>.function_name`).
    inventory = (STACK / "inventory.tf").read_text()
    assert set(blocks) == set(re.findall(r"module\.(\w+)\.function_name", inventory))

    for name, block in blocks.items():
        package_path = re.search(r"^\s*package_path\s*=\s*(\S+)", block, re.M)
        assert package_path, name
        expected = f"lookup(local.package_objects, {package_path[1]}, null)"
        assert re.search(rf"^\s*package_object\s*=\s*{re.escape(expected)}", block, re.M), (
            f"module.{name} must pass package_object = {expected}"
        )


def test_the_packages_uploaded_are_those_the_functions_use() -> None:
    uploaded = re.search(r"package_names\s*=\s*\[([^\]]*)\]", (STACK / "main.tf").read_text())
    assert uploaded
    names = set(re.findall(r'"(\w+)"', uploaded[1]))
    used = set()
    for path in STACK.glob("*.tf"):
        used |= set(re.findall(r'"\$\{var\.package_dir\}/(\w+)\.zip"', path.read_text()))

    assert used <= names


def test_the_local_environment_deploys_functions_from_the_bucket() -> None:
    local = (ROOT / "terraform" / "environments" / "local" / "main.tf").read_text()
    aws = (ROOT / "terraform" / "environments" / "aws" / "main.tf").read_text()

    assert re.search(r"^\s*lambda_packages_via_bucket\s*=\s*true", local, re.M)
    assert "lambda_packages_via_bucket" not in aws  # AWS keeps the direct upload
