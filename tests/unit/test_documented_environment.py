"""The ``Environment:`` paragraph of a function module's docstring names only variables
that Terraform sets (or that it marks optional): a docstring naming a variable nobody
sets (``DLQ_URL``, long replaced by ``DEAD_LETTER_QUEUES``) sends a reader looking for it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_TERRAFORM = "\n".join(path.read_text() for path in sorted((ROOT / "terraform").rglob("*.tf")))
_MODULES = sorted(
    path
    for path in (ROOT / "functions").rglob("*.py")
    if "generated" not in path.parts
    and "Environment:" in (ast.get_docstring(ast.parse(path.read_text())) or "")
)


def documented_environment(path: Path) -> list[tuple[str, bool]]:
    """(name, marked optional) of every variable the module's ``Environment:`` names."""
    docstring = ast.get_docstring(ast.parse(path.read_text())) or ""
    paragraph = re.search(r"Environment:(.*?)(?:\n\n|\Z)", docstring, re.S)
    assert paragraph is not None
    return [
        (match.group(1), match.group(2) is not None)
        for match in re.finditer(r"``([A-Z][A-Z0-9_]+)``(\s*\(optional)?", paragraph.group(1))
    ]


def test_modules_document_their_environment() -> None:
    assert len(_MODULES) >= 5


@pytest.mark.parametrize("path", _MODULES, ids=lambda path: path.stem)
def test_documented_variables_are_set_by_terraform(path: Path) -> None:
    names = documented_environment(path)
    assert names
    unset = [
        name
        for name, optional in names
        if not optional and not re.search(rf"\b{name}\s*=", _TERRAFORM)
    ]
    assert unset == [], f"{path.relative_to(ROOT)} documents variables Terraform never sets"
