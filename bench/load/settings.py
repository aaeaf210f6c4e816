"""What one load run may do: read from the command line, else from `LOAD_*` environment
variables (what `make load LOAD_USERS=20 ...` sets), else safe defaults. Every bound is
checked before anything is created, and a run without an end cannot be asked for."""

from __future__ import annotations

import argparse
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TARGETS = ("local", "localstack", "aws")
AWS_CONFIRMATION = "yes"
# The stack's WAF admits 600 requests a minute from one source IP (waf_rate_limit_per_ip):
# a load generator on one machine stays below 10 a second unless told otherwise.
AWS_DEFAULT_MAX_RPS = 8.0
_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")

# (default, lowest, highest) of each bound; the highest keeps a typo from becoming a
# denial of service against one's own account.
BOUNDS: dict[str, tuple[float, float, float]] = {
    "users": (10, 3, 500),  # one admin, then browsers and shoppers
    "spawn_rate": (2, 0.1, 50),
    "run_time": (60, 1, 2700),  # within the ID tokens' hour
    "max_rps": (20, 0.5, 1000),
    "customers": (5, 1, 200),
    "products": (4, 1, 50),
    "stock": (40, 1, 100_000),
    "drain_timeout": (120, 5, 1800),
    "max_error_rate": (0.01, 0, 1),
}


class SettingsError(ValueError):
    """A bound out of range or a missing confirmation: the run does not start."""


@dataclass(frozen=True)
class Settings:
    target: str
    users: int
    spawn_rate: float
    run_time: int  # seconds
    max_rps: float
    customers: int
    products: int
    stock: int
    drain_timeout: int  # seconds
    max_error_rate: float  # failed requests / requests above which the run fails
    results_dir: Path
    keep_data: bool

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "results_dir": str(self.results_dir)}


def parse_duration(text: str) -> int:
    """`90`, `90s`, `2m`, `1h30m` -> seconds."""
    found = _DURATION.match(text.strip())
    if not text.strip() or not found:
        raise SettingsError(f"run time {text!r}: use seconds or 1h2m3s, e.g. 90 or 2m")
    hours, minutes, seconds = (int(part or 0) for part in found.groups())
    return hours * 3600 + minutes * 60 + seconds


def parser() -> argparse.ArgumentParser:
    env = os.environ.get
    cli = argparse.ArgumentParser(
        prog="PYTHONPATH=bench python -m load",
        description="Locust load test of the shop, then its invariants (docs/load-testing.md).",
    )
    cli.add_argument("--target", default=env("TARGET", "local"), choices=TARGETS)
    cli.add_argument("--users", default=env("LOAD_USERS"), help="simulated users (10)")
    cli.add_argument("--spawn-rate", default=env("LOAD_SPAWN_RATE"), help="users started/s (2)")
    cli.add_argument("--run-time", default=env("LOAD_RUN_TIME"), help="e.g. 60, 90s, 5m (60 s)")
    cli.add_argument(
        "--max-rps", default=env("LOAD_MAX_RPS"), help="requests/s ceiling (20; on AWS 8)"
    )
    cli.add_argument("--customers", default=env("LOAD_CUSTOMERS"), help="accounts signed up (5)")
    cli.add_argument("--products", default=env("LOAD_PRODUCTS"), help="products created (4)")
    cli.add_argument("--stock", default=env("LOAD_STOCK"), help="initial stock of each (40)")
    cli.add_argument(
        "--drain-timeout", default=env("LOAD_DRAIN_TIMEOUT"), help="s to wait for the saga (120)"
    )
    cli.add_argument(
        "--max-error-rate", default=env("LOAD_MAX_ERROR_RATE"), help="failed/all, else fails (0.01)"
    )
    cli.add_argument(
        "--results-dir", default=env("LOAD_RESULTS_DIR", str(ROOT / "bench" / "results"))
    )
    cli.add_argument(
        "--keep-data",
        action="store_true",
        default=env("LOAD_KEEP_DATA", "") not in ("", "0", "no"),
        help="keep the run's products and users afterwards (deleted by default)",
    )
    return cli


def from_arguments(argv: list[str] | None = None) -> Settings:
    arguments = parser().parse_args(argv)
    if arguments.target == "aws" and os.environ.get("CONFIRM_AWS_LOAD") != AWS_CONFIRMATION:
        raise SettingsError(
            "TARGET=aws sends real traffic to a real stage and costs money: "
            f"set CONFIRM_AWS_LOAD={AWS_CONFIRMATION} to confirm (docs/load-testing.md)"
        )

    def bounded(name: str, raw: Any, kind: type[float] | type[int]) -> Any:
        default, lowest, highest = BOUNDS[name]
        if arguments.target == "aws" and name == "max_rps":
            default = AWS_DEFAULT_MAX_RPS
        if raw is None or raw == "":
            return kind(default)
        try:
            value = parse_duration(str(raw)) if name == "run_time" else kind(raw)
        except ValueError as error:
            raise SettingsError(f"{name.replace('_', ' ')} {raw!r}: not a number") from error
        if not lowest <= value <= highest:
            raise SettingsError(
                f"{name.replace('_', ' ')} {value} is out of bounds: {lowest:g}..{highest:g}"
            )
        return value

    return Settings(
        target=arguments.target,
        users=bounded("users", arguments.users, int),
        spawn_rate=bounded("spawn_rate", arguments.spawn_rate, float),
        run_time=bounded("run_time", arguments.run_time, int),
        max_rps=bounded("max_rps", arguments.max_rps, float),
        customers=bounded("customers", arguments.customers, int),
        products=bounded("products", arguments.products, int),
        stock=bounded("stock", arguments.stock, int),
        drain_timeout=bounded("drain_timeout", arguments.drain_timeout, int),
        max_error_rate=bounded("max_error_rate", arguments.max_error_rate, float),
        results_dir=Path(arguments.results_dir),
        keep_data=bool(arguments.keep_data),
    )
