"""A tiny YAML emitter for JSON-shaped data (no PyYAML needed at build time).

Block style, keys in the given order, every string double-quoted with JSON escapes (a
valid YAML double-quoted scalar), so the output reads as YAML and parses back exactly.
"""

from __future__ import annotations

import json
import re
from typing import Any

PLAIN_KEY = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$.-]*$")
# Words YAML 1.1 parsers read as booleans or null: always quote them.
AMBIGUOUS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})


def to_yaml(value: Any) -> str:
    return "\n".join(_lines(value, 0)) + "\n"


def _lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict) and value:
        lines = []
        for key, item in value.items():
            if _is_block(item):
                lines.append(f"{pad}{_key(key)}:")
                lines.extend(_lines(item, indent + 2))
            else:
                lines.append(f"{pad}{_key(key)}: {_scalar(item)}")
        return lines
    if isinstance(value, list) and value:
        lines = []
        for item in value:
            if _is_block(item):
                nested = _lines(item, indent + 2)
                lines.append(f"{pad}- {nested[0].lstrip()}")
                lines.extend(nested[1:])
            else:
                lines.append(f"{pad}- {_scalar(item)}")
        return lines
    return [f"{pad}{_scalar(value)}"]


def _is_block(value: Any) -> bool:
    return isinstance(value, dict | list) and bool(value)


def _key(key: str) -> str:
    if PLAIN_KEY.match(key) and key.lower() not in AMBIGUOUS:
        return key
    return json.dumps(key)


def _scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
