"""Generated validators and the event catalog: deterministic, fresh, well-formed."""

from __future__ import annotations

import importlib
from typing import Any

import fastjsonschema
import pytest
from contracts import catalog, generate
from contracts.layout import (
    COMPILE_OPTIONS,
    CUSTOM_FORMATS,
    ENVELOPE,
    ENVELOPE_MODULE,
    GENERATED,
    event_schemas,
    import_schemas,
    load_json,
    newest_minors,
)

from shared.contracts import known_event_types


def test_generation_is_deterministic_and_fresh() -> None:
    first, second = generate.render(), generate.render()
    assert first == second
    assert generate.stale_files(first) == ([], []), "run `make generate`"


def test_one_module_per_event_type_and_import_format_plus_envelope_and_registry() -> None:
    expected = (
        {f"{s.module_name}.py" for s in event_schemas()}
        | {f"{module_name}.py" for module_name in import_schemas()}
        | {f"{ENVELOPE_MODULE}.py", "__init__.py"}
    )
    assert set(generate.render()) == expected
    assert known_event_types() == {s.event_type for s in event_schemas()}
    assert "imports_invoice_import_v1" in import_schemas()  # invoices imports it


def test_generated_code_enforces_formats_without_compiling() -> None:
    for name, code in generate.render().items():
        assert "fastjsonschema.compile" not in code
        if name != "__init__.py":
            assert "\nvalidate = validate_" in code
    assert all(f"{fmt}_re_pattern" in generate.render()["cloudevent_v1.py"] for fmt in ["uuid"])
    assert set(CUSTOM_FORMATS) == {"uuid"}


def test_generated_code_is_fastjsonschemas_own_unmodified() -> None:
    # Plain generated code meets the per-record budget (bench/README.md): no rewriting.
    files = generate.render()
    sources = {
        f"{ENVELOPE_MODULE}.py": ENVELOPE,
        **{f"{s.module_name}.py": s.path for s in newest_minors(event_schemas())},
        **{f"{module_name}.py": path for module_name, path in import_schemas().items()},
    }
    assert set(sources) == set(files) - {"__init__.py"}
    for name, path in sources.items():
        code = fastjsonschema.compile_to_code(load_json(path), **COMPILE_OPTIONS)
        body = files[name].split("# mypy: ignore-errors\n", 1)[1]
        assert body.startswith(code.rstrip() + "\n"), name


def test_generated_modules_validate() -> None:
    registry = importlib.import_module("shared.contracts.generated")
    modules = [
        registry.ENVELOPE_MODULE,
        *registry.EVENT_MODULES.values(),
        *registry.IMPORT_MODULES.values(),
    ]
    for module_name in modules:
        module = importlib.import_module(f"shared.contracts.generated.{module_name}")
        assert callable(module.validate)
        assert (GENERATED / f"{module_name}.py").is_file()


def test_catalog_is_deterministic_and_fresh() -> None:
    rendered = catalog.render()
    assert rendered == catalog.render()
    for path, content in rendered.items():
        assert path.read_text(encoding="utf-8") == content, (
            "run python scripts/contracts/catalog.py"
        )


def test_asyncapi_document_parses_as_yaml_and_lists_every_event() -> None:
    yaml = pytest.importorskip("yaml")
    document: dict[str, Any] = yaml.safe_load(catalog.render()[catalog.ASYNCAPI_FILE])
    assert document["asyncapi"] == "3.0.0"
    names = {m["name"] for m in document["components"]["messages"].values()}
    assert names == known_event_types()
    for operation in document["operations"].values():
        assert operation["action"] in ("send", "receive")
        channel = operation["channel"]["$ref"].removeprefix("#/channels/")
        for ref in operation["messages"]:
            _, _, ref_channel, _, message = ref["$ref"].split("/")
            assert ref_channel == channel
            assert message in document["channels"][channel]["messages"]
    for message in document["components"]["messages"].values():
        assert message["examples"], message["name"]


def test_yaml_emitter_round_trips_awkward_values() -> None:
    yaml = pytest.importorskip("yaml")
    from contracts.yaml_text import to_yaml

    value = {
        "on": "yes",
        "$ref": "#/x",
        "3.0": [1, 2.5, None, True, "multi\nline: 'quoted' \"x\" | #"],
        "empty": {"list": [], "map": {}},
        "nested": [{"a": [{"b": 1}]}, [1, [2]]],
        "unicode": "€ ü",
    }
    assert yaml.safe_load(to_yaml(value)) == value
