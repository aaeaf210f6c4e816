"""Build-time view of the REST routes in pydantic terms: the OpenAPI document and the JSON
Schema of each route's requests. Never imported by a Lambda function (it loads pydantic).

The routes declare their inputs with ``shared.rest_requests``' markers. Here each marker
becomes what Powertools' validation would have used (``Query(ge=1, le=100)`` ->
Powertools' ``Query(ge=1, le=100)``; ``Body("products.models:ProductIn")`` -> the model
``ProductIn``), so:

- :func:`documenting` lets Powertools describe the routes exactly as it did when it
  validated them (``app.get_openapi_json_schema()``): ``scripts/openapi/export.py``;
- :func:`request_schema` derives the JSON Schema (draft-07) a route's requests must match
  from the same declarations: ``scripts/openapi/requests.py`` generates the validators
  from it, and ``tests/unit/shared/test_rest_requests.py`` checks they still match.
"""

from __future__ import annotations

import importlib
import inspect
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, get_args, get_origin

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi import params
from pydantic import BaseModel, Field, TypeAdapter

from shared.rest_requests import Body, Param

POWERTOOLS_PARAMS: dict[str, type[params.Param]] = {
    "path": params.Path,
    "query": params.Query,
    "header": params.Header,
}
# What pydantic accepts as a UUID (hyphenated or not, braces, a urn:uuid: prefix), as a
# regular expression: a generated validator cannot call uuid.UUID.
UUID_PATTERN = (
    r"^(?:urn:uuid:)?(?:[0-9a-fA-F]{32}|\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}"
    r"-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?)\Z"
)
FORMATS = {"uuid": UUID_PATTERN}
REF_TEMPLATE = "#/definitions/{model}"


def routes(app: APIGatewayRestResolver) -> list[Any]:
    """The app's routes (Powertools ``Route``), in declaration order."""
    return [*app._static_routes, *app._dynamic_routes]


def model(reference: str) -> type[BaseModel]:
    module, _, name = reference.partition(":")
    found = getattr(importlib.import_module(module), name)
    if not (isinstance(found, type) and issubclass(found, BaseModel)):
        raise TypeError(f"{reference} is not a pydantic model")
    return found


def _documented(hint: Any) -> Any:
    """A parameter's annotation as Powertools' validation wants it."""
    if get_origin(hint) is not Annotated:
        return hint
    kind, *extras = get_args(hint)
    for extra in extras:
        if isinstance(extra, Body):
            return model(extra.model)
        if isinstance(extra, Param):
            marker = POWERTOOLS_PARAMS[extra.location](alias=extra.alias, **extra.constraints)
            return Annotated[kind, marker]
    return hint


def documented_signature(function: Callable[..., Any]) -> inspect.Signature:
    hints = typing.get_type_hints(function, include_extras=True)
    signature = inspect.signature(function)
    parameters = [
        parameter.replace(annotation=_documented(hints.get(name, parameter.annotation)))
        for name, parameter in signature.parameters.items()
    ]
    returned = hints.get("return", inspect.Signature.empty)
    return signature.replace(parameters=parameters, return_annotation=returned)


@contextmanager
def documenting(app: APIGatewayRestResolver) -> Iterator[APIGatewayRestResolver]:
    """``app`` as Powertools' validating resolver sees it (for ``get_openapi_schema``);
    restored on exit."""
    functions = [route.func for route in routes(app)]
    responses = [(route, route.responses) for route in routes(app)]
    was_validating = app._enable_validation
    app._enable_validation = True
    try:
        for function in functions:
            function.__signature__ = documented_signature(function)
        for route, declared in responses:
            route.responses = _with_models(declared)
        yield app
    finally:
        app._enable_validation = was_validating
        for route, declared in responses:
            route.responses = declared
            route._dependant = None
            route._body_field = None
        for function in functions:
            del function.__signature__


def _with_models(responses: dict[int, Any] | None) -> dict[int, Any] | None:
    """Route responses whose content names its model (``"module:Class"``) with the model."""
    if responses is None:
        return None
    resolved: dict[int, Any] = {}
    for status, response in responses.items():
        content = {
            media: {**entry, "model": model(entry["model"])}
            if isinstance(entry.get("model"), str)
            else entry
            for media, entry in response.get("content", {}).items()
        }
        resolved[status] = {**response, "content": content} if "content" in response else response
    return resolved


def request_schema(function: Callable[..., Any]) -> dict[str, Any]:
    """The JSON Schema (draft-07) of a route's requests: an object of ``path``, ``query``,
    ``header`` (each an object of its parameters) and ``body``."""
    hints = typing.get_type_hints(function, include_extras=True)
    definitions: dict[str, Any] = {}
    locations: dict[str, dict[str, Any]] = {
        place: {"type": "object", "properties": {}, "required": []}
        for place in ("path", "query", "header")
    }
    schema: dict[str, Any] = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": f"urn:rest:{function.__module__}:{function.__name__}",
        "type": "object",
        "properties": dict(locations),
        "required": [],
    }
    for name, parameter in inspect.signature(function).parameters.items():
        hint = hints.get(name)
        if get_origin(hint) is not Annotated:
            continue
        kind, *extras = get_args(hint)
        required = parameter.default is inspect.Parameter.empty
        for extra in extras:
            if isinstance(extra, Body):
                body = model(extra.model).model_json_schema(ref_template=REF_TEMPLATE)
                definitions.update(body.pop("$defs", {}))
                schema["properties"]["body"] = body
                schema["required"].append("body")
            elif isinstance(extra, Param):
                constraints = {k: v for k, v in extra.constraints.items() if k != "description"}
                adapter: TypeAdapter[Any] = TypeAdapter(Annotated[kind, Field(**constraints)])
                value = adapter.json_schema(ref_template=REF_TEMPLATE)
                definitions.update(value.pop("$defs", {}))
                location = locations[extra.location]
                key = extra.alias or name
                location["properties"][key] = value
                if required:
                    location["required"].append(key)
                    if extra.location not in schema["required"]:
                        schema["required"].append(extra.location)
    for location in locations.values():
        if not location["required"]:
            del location["required"]
    if definitions:
        schema["definitions"] = definitions
    validation: dict[str, Any] = _for_validation(schema)
    return validation


def _for_validation(node: Any) -> Any:
    """pydantic's JSON Schema as the validator should apply it: a ``null`` default is not
    filled in (a field left out stays out, as pydantic's ``model_fields_set`` sees it),
    titles go."""
    if isinstance(node, dict):
        return {
            key: _for_validation(value)
            for key, value in node.items()
            if key != "title" and not (key == "default" and value is None)
        }
    if isinstance(node, list):
        return [_for_validation(value) for value in node]
    return node


def strip_paths(function: Callable[..., Any]) -> tuple[tuple[str, ...], ...]:
    """The body strings (paths; ``*``: every item of a list) its model strips of white space
    before checking them (``StringConstraints(strip_whitespace=True)``)."""
    return _body_paths(function, lambda s: s["type"] == "str" and bool(s.get("strip_whitespace")))


def strict_integer_paths(function: Callable[..., Any]) -> tuple[tuple[str, ...], ...]:
    """The body integers its model takes strictly (``Field(strict=True)``): 1.0 is not one,
    though JSON Schema's ``integer`` admits it."""
    return _body_paths(function, lambda s: s["type"] == "int" and bool(s.get("strict")))


def _body_paths(
    function: Callable[..., Any], wanted: Callable[[dict[str, Any]], bool]
) -> tuple[tuple[str, ...], ...]:
    hints = typing.get_type_hints(function, include_extras=True)
    for hint in hints.values():
        if get_origin(hint) is Annotated:
            for extra in get_args(hint)[1:]:
                if isinstance(extra, Body):
                    core = dict(model(extra.model).__pydantic_core_schema__)
                    return tuple(sorted(set(_leaves(core, (), {}, wanted))))
    return ()


def _leaves(
    schema: dict[str, Any],
    path: tuple[str, ...],
    refs: dict[str, Any],
    wanted: Callable[[dict[str, Any]], bool],
) -> Iterator[tuple[str, ...]]:
    """Paths of the leaves of a pydantic core schema that ``wanted`` picks."""
    kind = schema.get("type")
    if kind == "definitions":
        refs = {**refs, **{d["ref"]: d for d in schema["definitions"] if "ref" in d}}
        yield from _leaves(schema["schema"], path, refs, wanted)
    elif kind == "definition-ref":
        yield from _leaves(refs[schema["schema_ref"]], path, refs, wanted)
    elif kind in {"str", "int"}:
        if wanted(schema) and path:
            yield path
    elif kind == "model-fields":
        for name, field in schema["fields"].items():
            key = field.get("validation_alias") or name
            yield from _leaves(field["schema"], (*path, str(key)), refs, wanted)
    elif kind == "list":
        yield from _leaves(schema.get("items_schema", {}), (*path, "*"), refs, wanted)
    elif kind in {"model", "default", "nullable", "function-before", "function-after"}:
        yield from _leaves(schema["schema"], path, refs, wanted)
    elif kind in {"union", "tagged-union"}:
        for choice in schema.get("choices", []):
            inner = choice[0] if isinstance(choice, tuple) else choice
            yield from _leaves(inner, path, refs, wanted)
