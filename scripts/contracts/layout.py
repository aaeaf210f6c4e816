"""Where the contracts live and what their paths mean (see schemas/README.md):

- `schemas/envelope/cloudevent.v1.json`: the CloudEvents envelope;
- `schemas/events/<service>/<Event>/v<major>.<minor>.json`: the schema of an event's `data`;
- `.../<Event>/examples/v<major>.<minor>/{valid,invalid}/<name>.json`: whole envelopes;
- `.../invalid/<name>.expect.json`: the field (and rule) an invalid example must fail on;
- `schemas/imports/<format>.v<major>.json`: files uploaded to the system (not events).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
EVENTS = SCHEMAS / "events"
ENVELOPE = SCHEMAS / "envelope" / "cloudevent.v1.json"
CONSUMERS = SCHEMAS / "consumers.json"
IMPORTS = SCHEMAS / "imports"
GENERATED = ROOT / "functions" / "shared" / "contracts" / "generated"
CATALOG = ROOT / "docs" / "events"

ID_BASE = "https://ecommerce.example.com/schemas/"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
ENVELOPE_MODULE = "cloudevent_v1"

# `format`s fastjsonschema does not know are silently ignored; these are compiled into the
# generated code as regular expressions, so they are enforced at run time.
CUSTOM_FORMATS = {
    "uuid": r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z",
}
COMPILE_OPTIONS: dict[str, Any] = {"formats": CUSTOM_FORMATS, "use_default": True}

VERSION_FILE = re.compile(r"^v(?P<major>0|[1-9][0-9]*)\.(?P<minor>0|[1-9][0-9]*)\.json$")
SERVICE_NAME = re.compile(r"^[a-z]+$")
QUEUE_NAME = re.compile(r"^[a-z]+(-[a-z]+)*$")
EVENT_NAME = re.compile(r"^[A-Z][A-Za-z]+$")


def load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as file:
        return json.load(file)


def relative(path: Path) -> str:
    """`path` as shown in messages: relative to the repository when inside it."""
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


@dataclass(frozen=True, order=True)
class EventSchema:
    """One version of the schema of an event's `data`."""

    service: str
    event: str
    major: int
    minor: int
    path: Path

    @property
    def version(self) -> str:
        return f"v{self.major}.{self.minor}"

    @property
    def event_type(self) -> str:
        return f"ecommerce.{self.service}.{self.event}.v{self.major}"

    @property
    def source(self) -> str:
        return f"/ecommerce/{self.service}"

    @property
    def expected_id(self) -> str:
        return ID_BASE + self.path.relative_to(SCHEMAS).as_posix()

    @property
    def expected_title(self) -> str:
        return f"{self.event} {self.version}"

    @property
    def module_name(self) -> str:
        """Name of the generated module validating this event type."""
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", self.event).lower()
        return f"{self.service}_{snake}_v{self.major}"

    @cached_property
    def document(self) -> Any:
        return load_json(self.path)

    def examples(self, kind: str) -> list[Path]:
        """The example envelopes of this version, `kind` being "valid" or "invalid"."""
        folder = self.path.parent / "examples" / self.version / kind
        return sorted(p for p in folder.glob("*.json") if not p.name.endswith(".expect.json"))


def event_schemas() -> list[EventSchema]:
    """Every event schema file, sorted by service, event and version."""
    found = []
    for path in EVENTS.glob("*/*/v*.json"):
        match = VERSION_FILE.match(path.name)
        if match is None:
            continue
        found.append(
            EventSchema(
                service=path.parent.parent.name,
                event=path.parent.name,
                major=int(match["major"]),
                minor=int(match["minor"]),
                path=path,
            )
        )
    return sorted(found)


def newest_minors(schemas: list[EventSchema]) -> list[EventSchema]:
    """The schema validating each event type: the newest minor version of every major."""
    newest: dict[str, EventSchema] = {}
    for schema in schemas:
        current = newest.get(schema.event_type)
        if current is None or schema.minor > current.minor:
            newest[schema.event_type] = schema
    return sorted(newest.values())


def import_schemas() -> dict[str, Path]:
    """Generated module name -> schema, for every file format in schemas/imports/
    (`invoice-import.v1.json` -> `imports_invoice_import_v1`)."""
    return {
        "imports_" + re.sub(r"[^a-z0-9]+", "_", path.name.removesuffix(".json").lower()): path
        for path in sorted(IMPORTS.glob("*.json"))
    }


@dataclass(frozen=True)
class Subscription:
    """One consumer queue, as declared in schemas/consumers.json."""

    service: str
    queue: str  # the SQS queue is `<prefix>-<service>-<queue>`
    handler: str  # the module whose HANDLERS dispatch table reads the queue
    events: tuple[str, ...]


def subscriptions() -> list[Subscription]:
    """Every consumer queue declared in schemas/consumers.json (the one declaration of who
    consumes what), in file order."""
    return [
        Subscription(service, queue, declared["handler"], tuple(declared["events"]))
        for service, queues in load_json(CONSUMERS)["consumers"].items()
        for queue, declared in queues.items()
    ]


def consumers() -> dict[str, list[str]]:
    """Event type -> the services consuming it, from schemas/consumers.json."""
    by_type: dict[str, set[str]] = {}
    for subscription in subscriptions():
        for event_type in subscription.events:
            by_type.setdefault(event_type, set()).add(subscription.service)
    return {event_type: sorted(services) for event_type, services in by_type.items()}
