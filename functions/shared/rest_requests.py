"""REST request validation without pydantic at run time: generated JSON Schema validators.

A route declares its inputs in its signature, as with Powertools' validation, but with the
markers of this module (no pydantic behind them)::

    Limit = Annotated[int, Query(ge=1, le=100)]
    ProductId = Annotated[UUID, Path(alias="id")]

    def update_product(product_id: ProductId, body: Annotated[JsonObject, Body(ProductUpdate)]):

At build time ``scripts/openapi/requests.py`` turns each route's markers into Powertools'
own parameters and the body's pydantic model (``shared.rest_documentation``), derives one
JSON Schema per route (``{"path": ..., "query": ..., "header": ..., "body": ...}``) from
them and generates its validator (fastjsonschema's code, as for the events) into
``shared.rest_generated``; the same declarations give the OpenAPI document. At run time
:class:`ValidateRequest` (added by ``shared.http.authorize`` after the authorization
check) collects the request's parameters, converts the strings of path, query and header
parameters declared as integers, strips the body strings the model strips, validates the
whole request with the route's generated validator (then refuses a float where the model
takes integers strictly: JSON Schema's ``integer`` admits 1.0) and calls the route with
the validated values (a ``UUID`` parameter as a ``UUID``, an ``Enum`` as its member, the body as the
validated JSON object with the model's defaults). An invalid request is a 400
``ValidationError`` naming the first offending field (``body.price.amount``).
"""

from __future__ import annotations

import importlib
import inspect
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, get_args, get_origin
from uuid import UUID

from aws_lambda_powertools.event_handler.middlewares import BaseMiddlewareHandler
from fastjsonschema import JsonSchemaValueException

from shared.errors import BadRequest, FieldError
from shared.json_text import TOO_DEEP

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
    from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
    from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

JsonObject = dict[str, Any]
"""A validated JSON request body."""

GENERATED_PACKAGE = "shared.rest_generated"
NOT_JSON = "the body is not valid JSON"
FIELD_REQUIRED = "Field required"
EXTRA_FORBIDDEN = "Extra inputs are not permitted"
NOT_AN_INTEGER = "Input should be a valid integer"
_INTEGER = re.compile(r"^[+-]?[0-9]{1,18}$")


@dataclass(frozen=True)
class Param:
    """Where a route parameter comes from (``path``, ``query``, ``header``), the name it
    has there (``alias``, default: the Python name) and its constraints, given as for
    Powertools' ``Query``/``Path``/``Header`` (``ge``, ``max_length``, ``pattern``,
    ``description``...)."""

    location: str
    alias: str | None = None
    constraints: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Body:
    """The route's JSON body; ``model`` is the pydantic model describing it, as
    ``"package.module:Class"`` (imported at build time only)."""

    model: str


def Path(alias: str | None = None, **constraints: Any) -> Param:
    return Param("path", alias, constraints)


def Query(alias: str | None = None, **constraints: Any) -> Param:
    return Param("query", alias, constraints)


def Header(alias: str | None = None, **constraints: Any) -> Param:
    return Param("header", alias, constraints)


@dataclass(frozen=True)
class Input:
    """One parameter of a route function as the request supplies it."""

    name: str  # the Python parameter
    location: str  # path, query, header or body
    key: str  # its name in the request
    kind: type  # int, str, UUID, an Enum, dict (the body)
    required: bool


def route_inputs(function: Callable[..., Any]) -> tuple[Input, ...]:
    """The inputs a route function declares with :class:`Param` and :class:`Body`."""
    hints = typing.get_type_hints(function, include_extras=True)
    inputs = []
    for name, parameter in inspect.signature(function).parameters.items():
        hint = hints.get(name)
        if get_origin(hint) is not Annotated:
            continue
        kind, *extras = get_args(hint)
        marker = next((e for e in extras if isinstance(e, Param | Body)), None)
        if marker is None:
            continue
        required = parameter.default is inspect.Parameter.empty
        if isinstance(marker, Body):
            inputs.append(Input(name, "body", "body", dict, required))
        else:
            key = marker.alias or name
            inputs.append(Input(name, marker.location, key, _non_null(kind), required))
    return tuple(inputs)


def _non_null(kind: Any) -> type:
    """``X | None`` -> ``X``."""
    members = [a for a in get_args(kind) if a is not type(None)] or [kind]
    return members[0] if isinstance(members[0], type) else str


def validator_module(service: str, function: Callable[..., Any]) -> str:
    """The generated module validating the requests of ``function`` (a route of ``service``)."""
    return f"{service}_{function.__name__}"


@dataclass
class _Route:
    inputs: tuple[Input, ...]
    validate: Callable[..., Any]
    strip: tuple[tuple[str, ...], ...]
    strict_integers: tuple[tuple[str, ...], ...]


_routes: dict[Callable[..., Any], _Route] = {}


def _route(function: Callable[..., Any]) -> _Route:
    route = _routes.get(function)
    if route is None:
        inputs = route_inputs(function)
        if not inputs:  # nothing declared, nothing to validate
            route = _routes[function] = _Route(inputs, _as_is, (), ())
            return route
        service = function.__module__.split(".", 1)[0]
        module_name = f"{GENERATED_PACKAGE}.{validator_module(service, function)}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            raise RuntimeError(
                f"no request validator {module_name}: run `make generate`"
            ) from error
        route = _routes[function] = _Route(
            inputs, module.validate, module.STRIP, module.STRICT_INTEGERS
        )
    return route


def _as_is(request: dict[str, Any]) -> dict[str, Any]:
    return request


def takes_body(function: Callable[..., Any]) -> bool:
    return any(i.location == "body" for i in _route(function).inputs)


class ValidateRequest(BaseMiddlewareHandler["APIGatewayRestResolver"]):
    """Route middleware: validates the request with the route's generated validator and
    hands the route its validated inputs (400 ``ValidationError`` otherwise)."""

    def handler(
        self, app: APIGatewayRestResolver, next_middleware: NextMiddleware
    ) -> Response[Any]:
        function = app.context["_route"].func
        route = _route(function)
        request = collect(app, route)
        try:
            validated = route.validate(request)
        except JsonSchemaValueException as error:
            raise invalid(field_error(error)) from None
        if "body" in validated:
            not_integer = first_float(validated["body"], route.strict_integers)
            if not_integer is not None:
                raise invalid(FieldError(f"body.{not_integer}", NOT_AN_INTEGER))
        # Path parameters the route takes without a marker are passed on as they came.
        declared = {i.key for i in route.inputs if i.location == "path"}
        passed_on = {
            k: v for k, v in (app.context.get("_route_args") or {}).items() if k not in declared
        }
        app.context["_route_args"] = {**passed_on, **arguments(route.inputs, validated)}
        return next_middleware(app)


def invalid(problem: FieldError) -> BadRequest:
    return BadRequest(f"invalid request: {problem.field}: {problem.message}", fields=[problem])


def first_float(body: Any, paths: tuple[tuple[str, ...], ...]) -> str | None:
    """The first of ``paths`` (``*``: every item of a list) holding a float, named like a
    field (``lines[1].quantity``); None when none does."""
    for path in paths:
        found = _float_at(body, path, "")
        if found is not None:
            return found
    return None


def _float_at(node: Any, path: tuple[str, ...], name: str) -> str | None:
    if not path:
        return name if isinstance(node, float) else None
    key, rest = path[0], path[1:]
    if key == "*":
        items = list(enumerate(node)) if isinstance(node, list) else []
        for index, item in items:
            found = _float_at(item, rest, f"{name}[{index}]")
            if found is not None:
                return found
        return None
    if isinstance(node, dict) and key in node:
        return _float_at(node[key], rest, _join(name, key))
    return None


def collect(app: APIGatewayRestResolver, route: _Route) -> dict[str, Any]:
    """The request as the route's schema sees it: ``{"path": {...}, "query": {...},
    "header": {...}, "body": ...}``, with integer parameters converted from their text."""
    event = app.current_event
    sources: dict[str, Mapping[str, Any]] = {
        "path": app.context.get("_route_args") or {},
        "query": _query(event),
        "header": event.headers or {},
    }
    request: dict[str, Any] = {"path": {}, "query": {}, "header": {}}
    for declared in route.inputs:
        if declared.location == "body":
            body = _body(app)
            if body is not None:
                request["body"] = _stripped(body, route.strip)
            continue
        source = sources[declared.location]
        value = _lookup(source, declared.key, declared.location == "header")
        if value is None:
            continue
        if declared.kind is int and isinstance(value, str) and _INTEGER.match(value):
            value = int(value)
        request[declared.location][declared.key] = value
    return request


def _query(event: APIGatewayProxyEvent) -> dict[str, Any]:
    """Each query parameter's value. One sent more than once (``?q=a&q=b``) keeps all its
    values as a list, so the parameter's schema refuses it instead of reading one of them
    (API Gateway puts only the last in ``queryStringParameters``)."""
    multi = event.multi_value_query_string_parameters or {}
    return {
        name: multi[name] if len(multi.get(name) or ()) > 1 else value
        for name, value in (event.query_string_parameters or {}).items()
    }


def _lookup(source: Mapping[str, Any], key: str, ignore_case: bool) -> Any:
    if key in source or not ignore_case:
        return source.get(key)
    lowered = key.lower()
    return next((v for k, v in source.items() if k.lower() == lowered), None)


def _body(app: APIGatewayRestResolver) -> Any:
    """The parsed JSON body; None when there is none (the schema then says it is
    required); a 400 naming ``body`` when it is not JSON."""
    if not app.current_event.body:
        return None
    try:
        return app.current_event.json_body
    except ValueError as error:
        message = f"the body is {TOO_DEEP}" if TOO_DEEP in str(error) else NOT_JSON
        raise BadRequest(
            f"invalid request: body: {message}", fields=[FieldError("body", message)]
        ) from None


def _stripped(value: Any, paths: tuple[tuple[str, ...], ...]) -> Any:
    """``value`` with the strings at ``paths`` stripped of surrounding white space, as
    pydantic's ``StringConstraints(strip_whitespace=True)`` does before its checks (``*``
    is every item of a list)."""
    for path in paths:
        _strip_at(value, path)
    return value


def _strip_at(node: Any, path: tuple[str, ...]) -> None:
    key, rest = path[0], path[1:]
    children: list[tuple[Any, Any]]
    if key == "*":
        children = list(enumerate(node)) if isinstance(node, list) else []
    elif isinstance(node, dict) and key in node:
        children = [(key, node[key])]
    else:
        return
    for index, child in children:
        if rest:
            _strip_at(child, rest)
        elif isinstance(child, str):
            node[index] = child.strip()


def arguments(inputs: tuple[Input, ...], request: Mapping[str, Any]) -> dict[str, Any]:
    """The route function's keyword arguments from a validated request."""
    values: dict[str, Any] = {}
    for declared in inputs:
        if declared.location == "body":
            if "body" in request:
                values[declared.name] = request["body"]
            continue
        value = request[declared.location].get(declared.key)
        if value is None:
            continue
        if declared.kind is UUID or issubclass(declared.kind, Enum):
            value = declared.kind(value)
        values[declared.name] = value
    return values


def field_error(error: JsonSchemaValueException) -> FieldError:
    """The first offending field of a request, named like the client sent it:
    ``body.lines[1].quantity``, ``query.limit``, ``header.Idempotency-Key``."""
    path = (error.name or "data").removeprefix("data").lstrip(".")
    message = error.message.removeprefix(f"{error.name} ").strip()
    value, definition = error.value, error.definition
    if isinstance(value, dict) and isinstance(definition, dict):
        if error.rule == "required":
            missing = [name for name in definition["required"] if name not in value]
            if missing:
                return FieldError(_join(path, missing[0]), FIELD_REQUIRED)
        if error.rule == "additionalProperties":
            declared = definition.get("properties", {})
            extra = sorted(key for key in value if key not in declared)
            if extra:
                return FieldError(_join(path, extra[0]), EXTRA_FORBIDDEN)
    return FieldError(path or "request", message)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
