"""Matches a request to a REST API resource and method the way API Gateway does.

Per path segment a literal resource wins over ``{param}``, which wins over ``{proxy+}``
(greedy: one or more remaining segments). On the matched resource an explicit method
wins over ``ANY``. When the most specific resource lacks the method, less specific
resources are tried (so ``/{proxy+}`` ANY still catches ``POST /products`` when
``/products`` only has GET). Path parameters keep their percent-encoding, as API
Gateway passes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from localcloud.api_discovery import RestApi, RestMethod, RestResource


@dataclass(frozen=True)
class RouteMatch:
    resource: RestResource
    method: RestMethod
    path_parameters: dict[str, str]


@dataclass
class _Node:
    resource: RestResource | None = None
    literals: dict[str, _Node] = field(default_factory=dict)
    param: tuple[str, _Node] | None = None
    greedy: tuple[str, _Node] | None = None


class RouteTable:
    """The resource tree of one REST API."""

    def __init__(self, api: RestApi) -> None:
        self.api = api
        self._root = _Node()
        for resource in api.resources:
            self._insert(resource)

    def match(self, http_method: str, path: str) -> RouteMatch | None:
        segments = [segment for segment in path.split("/") if segment]
        for resource, params in self._candidates(self._root, segments, {}):
            method = resource.methods.get(http_method.upper()) or resource.methods.get("ANY")
            if method is not None:
                return RouteMatch(resource, method, params)
        return None

    def _insert(self, resource: RestResource) -> None:
        node = self._root
        for part in (segment for segment in resource.path.split("/") if segment):
            if part.startswith("{") and part.endswith("+}"):
                node.greedy = node.greedy or (part[1:-2], _Node())
                node = node.greedy[1]
            elif part.startswith("{") and part.endswith("}"):
                node.param = node.param or (part[1:-1], _Node())
                node = node.param[1]
            else:
                node = node.literals.setdefault(part, _Node())
        node.resource = resource

    def _candidates(
        self, node: _Node, segments: list[str], params: dict[str, str]
    ) -> list[tuple[RestResource, dict[str, str]]]:
        """Every resource matching the segments, most specific first."""
        if not segments:
            return [(node.resource, params)] if node.resource else []
        head, rest = segments[0], segments[1:]
        found: list[tuple[RestResource, dict[str, str]]] = []
        if head in node.literals:
            found += self._candidates(node.literals[head], rest, params)
        if node.param:
            name, child = node.param
            found += self._candidates(child, rest, {**params, name: head})
        if node.greedy:
            name, child = node.greedy
            if child.resource:
                found.append((child.resource, {**params, name: "/".join(segments)}))
        return found
