"""The web console's texts: both catalogs hold the same messages, every message a view
asks for exists, placeholders match across languages, and views hold no literal texts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[3] / "web"
CATALOGS = {path.stem: json.loads(path.read_text()) for path in (WEB / "i18n").glob("*.json")}
SCRIPTS = sorted((WEB / "js").rglob("*.js"))
STATIC_KEY = re.compile(r"""\bt\(\s*"([A-Za-z0-9_.\-]+)\"""")
DYNAMIC_KEY = re.compile(r"""\bt\(\s*`([A-Za-z0-9_.\-]+)\.\$\{""")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def source() -> str:
    return "\n".join(path.read_text() for path in SCRIPTS)


def test_the_two_languages_are_there() -> None:
    assert set(CATALOGS) == {"en", "pt-BR"}


def test_both_catalogs_have_the_same_keys() -> None:
    english, portuguese = set(CATALOGS["en"]), set(CATALOGS["pt-BR"])
    assert english - portuguese == set(), "missing in pt-BR"
    assert portuguese - english == set(), "missing in en"


@pytest.mark.parametrize("key", sorted(CATALOGS["en"]))
def test_placeholders_agree(key: str) -> None:
    english = set(PLACEHOLDER.findall(CATALOGS["en"][key]))
    assert english == set(PLACEHOLDER.findall(CATALOGS["pt-BR"][key])), key
    assert CATALOGS["pt-BR"][key].strip(), key


def test_every_message_a_script_asks_for_exists() -> None:
    wanted = set(STATIC_KEY.findall(source()))
    assert wanted, "no t() calls found: the pattern is wrong"
    assert sorted(wanted - set(CATALOGS["en"])) == []


def test_every_dynamic_message_family_exists() -> None:
    families = set(DYNAMIC_KEY.findall(source()))
    assert {"status", "import", "realtime", "order.explain", "password", "language"} <= families
    for family in families:
        assert any(key.startswith(f"{family}.") for key in CATALOGS["en"]), family
    for status in ("PENDING", "CONFIRMED", "REJECTED", "CANCELLED"):
        assert f"status.{status}" in CATALOGS["en"]
        assert f"order.explain.{status}" in CATALOGS["en"]
    for status in ("received", "processed", "invalid", "cancelled", "timed_out"):
        assert f"import.{status}" in CATALOGS["en"]


@pytest.mark.parametrize("path", [p for p in SCRIPTS if "views" in p.parts], ids=lambda p: p.name)
def test_views_put_no_literal_text_on_the_page(path: Path) -> None:
    """A child of h() is a t() call or data, never a quoted sentence."""
    literal_child = re.compile(
        r"""h\(\s*"[a-z0-9]+",\s*\{[^{}]*\},\s*"[A-Za-z][^"]*[a-z]{2}[^"]*"\s*[,)]"""
    )
    assert literal_child.findall(path.read_text()) == []
