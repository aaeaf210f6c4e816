"""Which Lambda functions exist, found without naming any of them.

Terraform is the source of truth (every `module` built from `modules/lambda_function` in
terraform/stack: handler, memory, environment); a module under functions/<package>/ that
defines a top-level `handler` but has no function yet (work in progress) is included
too, with the module's default memory. Environment values are stand-ins: the names are
what Terraform sets plus every `*_ENV = "NAME"` constant the package and the shared
library read, so a handler imports exactly as it would in Lambda.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ROOT / "functions"
STACK = ROOT / "terraform" / "stack"
FUNCTION_MODULE = ROOT / "terraform" / "modules" / "lambda_function"
STAND_INS = ROOT / "bench" / "environment.json"
SHARED_PACKAGE = "shared"

ACCOUNT = "123456789012"
REGION = "us-east-1"

_MODULE_BLOCK = re.compile(r'^module\s+"(?P<key>[^"]+)"\s*\{(?P<body>.*?)^\}', re.M | re.S)
_ATTRIBUTE = r'^\s*{name}\s*=\s*"?(?P<value>[^"\n]+?)"?\s*$'
_ENV_KEY = re.compile(r'^\s*(?P<name>[A-Z][A-Z0-9_]+)\s*=\s*(?P<value>"[^"\n]*"|[^\n]+)$', re.M)
_ENV_CONSTANT = re.compile(r'^[A-Z0-9_]*ENV[A-Z0-9_]*\s*=\s*"(?P<name>[A-Z][A-Z0-9_]+)"', re.M)
_HANDLER_DEF = re.compile(r"^(?:def handler\(|handler\s*=)", re.M)
_LOCALS = re.compile(r"^locals\s*\{(?P<body>.*?)^\}", re.M | re.S)


@dataclass(frozen=True)
class Function:
    name: str
    """The suffix after `${name_prefix}-`, e.g. `products-api`."""
    handler: str
    """`module.function`, e.g. `products.api.handler`."""
    memory_mb: int
    environment: dict[str, str] = field(default_factory=dict)
    declared_in: str = "terraform"
    """`terraform`, or `code` for a handler module without a function yet."""

    @property
    def package(self) -> str:
        return self.handler.split(".", 1)[0]

    @property
    def module(self) -> str:
        return self.handler.rsplit(".", 1)[0]


def discover() -> list[Function]:
    """Every function of the stack, then handler modules Terraform does not deploy yet."""
    shared_environment = _literal_environment(_locals_text())
    found = {f.handler: f for f in _from_terraform(shared_environment)}
    default_memory = _default_memory()
    for module in _handler_modules():
        handler = f"{module}.handler"
        if handler not in found:
            package = module.split(".", 1)[0]
            name = module.replace(".", "-").replace("_", "-")
            found[handler] = Function(
                name=name,
                handler=handler,
                memory_mb=default_memory,
                environment={**shared_environment, "POWERTOOLS_SERVICE_NAME": package},
                declared_in="code",
            )
    functions = [_with_code_environment(f) for f in found.values()]
    return sorted(functions, key=lambda f: (f.declared_in != "terraform", f.handler))


def stand_in_value(name: str, function_name: str) -> str:
    """A plausible value for an environment variable whose real value Terraform computes:
    bench/environment.json's if it names one, else one shaped after the name's suffix."""
    listed = json.loads(STAND_INS.read_text())["values"] if STAND_INS.is_file() else {}
    if name in listed:
        return str(listed[name])
    base = f"bench-{function_name}"
    if name.endswith(("_SECONDS", "_POINTS", "_COUNT", "_SIZE", "_LIMIT", "_DAYS")):
        return "60"
    if name.endswith("TOPIC_ARN"):
        return f"arn:aws:sns:{REGION}:{ACCOUNT}:{base}-events"
    if name.endswith("_ARN"):
        return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{base}"
    if name.endswith("_URL"):
        return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{base}"
    if name.endswith("BUCKET") or name.endswith("BUCKET_NAME"):
        return f"{base}-bucket"
    return base


def _from_terraform(shared_environment: dict[str, str]) -> list[Function]:
    default_memory = _default_memory()
    functions = []
    for path in sorted(STACK.glob("*.tf")):
        for block in _MODULE_BLOCK.finditer(path.read_text()):
            body = block["body"]
            source = _attribute(body, "source")
            if source is None or not source.rstrip("/").endswith("modules/lambda_function"):
                continue
            handler = _attribute(body, "handler")
            name = _attribute(body, "function_name") or block["key"]
            if handler is None:
                continue
            memory = _attribute(body, "memory_size")
            environment = dict(shared_environment)
            # Only environment variables are upper case in a function block.
            for match in _ENV_KEY.finditer(body):
                value = match["value"].strip()
                literal = value.startswith('"') and "${" not in value
                environment[match["name"]] = value.strip('"') if literal else ""
            environment.setdefault("POWERTOOLS_SERVICE_NAME", handler.split(".", 1)[0])
            functions.append(
                Function(
                    name=name.split("}-", 1)[-1],
                    handler=handler,
                    memory_mb=int(memory) if memory and memory.isdigit() else default_memory,
                    environment=environment,
                )
            )
    return functions


def _with_code_environment(function: Function) -> Function:
    """Adds every variable the package and the shared library read; fills stand-ins."""
    names = set(function.environment)
    for package in (function.package, SHARED_PACKAGE):
        for path in (FUNCTIONS / package).rglob("*.py"):
            names.update(
                m["name"]
                for m in _ENV_CONSTANT.finditer(path.read_text())
                # AWS_* are set by Lambda or by the local cloud, never by Terraform
                if not m["name"].startswith("AWS_")
            )
    environment = {
        name: function.environment.get(name) or stand_in_value(name, function.name)
        for name in sorted(names)
    }
    return Function(
        function.name, function.handler, function.memory_mb, environment, function.declared_in
    )


def _handler_modules() -> list[str]:
    modules = []
    for path in sorted(FUNCTIONS.glob("*/*.py")):
        package = path.parent.name
        if package == SHARED_PACKAGE or not (path.parent / "__init__.py").is_file():
            continue
        if _HANDLER_DEF.search(path.read_text()):
            modules.append(f"{package}.{path.stem}")
    return modules


def _attribute(body: str, name: str) -> str | None:
    match = re.search(_ATTRIBUTE.format(name=name), body, re.M)
    return match["value"] if match else None


def _locals_text() -> str:
    return "\n".join(
        match["body"] for path in STACK.glob("*.tf") for match in _LOCALS.finditer(path.read_text())
    )


def _literal_environment(text: str) -> dict[str, str]:
    """`POWERTOOLS_X = "value"` pairs of the stack's locals (settings every function shares),
    except the service name: each service's locals set their own, its package's name."""
    return {
        m["name"]: m["value"].strip('"')
        for m in _ENV_KEY.finditer(text)
        if m["value"].startswith('"')
        and "${" not in m["value"]
        and m["name"] != "POWERTOOLS_SERVICE_NAME"
    }


def _default_memory() -> int:
    text = (FUNCTION_MODULE / "variables.tf").read_text()
    match = re.search(r'variable "memory_size"\s*\{.*?default\s*=\s*(\d+)', text, re.S)
    return int(match[1]) if match else 128
