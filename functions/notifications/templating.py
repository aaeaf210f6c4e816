"""E-mail templates: ``string.Template`` files shipped in ``notifications/templates``.

Each message has a plain-text and an HTML template of the same name. The text template's
first line is ``Subject: ...``. Values are substituted with ``$name``; a placeholder
without a value is an error (never a blank in a customer's mail). In the HTML template
every value is HTML-escaped, except fragments the caller built as HTML itself.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Template

SUBJECT_PREFIX = "Subject: "


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@cache
def _template(filename: str) -> Template:
    source = resources.files("notifications").joinpath("templates", filename)
    return Template(source.read_text(encoding="utf-8"))


def render(
    name: str, values: Mapping[str, str], *, html_fragments: Mapping[str, str] | None = None
) -> RenderedEmail:
    """Renders ``<name>.txt`` and ``<name>.html`` with ``values``; ``html_fragments`` are
    already HTML and replace the same names in the HTML template only."""
    subject_line, _, text = _template(f"{name}.txt").substitute(values).partition("\n")
    if not subject_line.startswith(SUBJECT_PREFIX):
        raise ValueError(f"template {name}.txt must start with a '{SUBJECT_PREFIX}' line")
    escaped = {key: html.escape(value) for key, value in values.items()}
    body = _template(f"{name}.html").substitute({**escaped, **(html_fragments or {})})
    return RenderedEmail(
        subject=subject_line.removeprefix(SUBJECT_PREFIX).strip(), text=text, html=body
    )
