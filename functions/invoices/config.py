"""The invoices functions' settings, read from their environment (set by Terraform)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from invoices.domain import DEFAULT_NUMBER_SERIES, MAX_NUMBER_SERIES, Party, TaxRate

TABLE_ENV = "INVOICES_TABLE_NAME"
BUCKET_ENV = "INVOICES_BUCKET_NAME"
TAX_RATE_ENV = "TAX_RATE_BASIS_POINTS"
SELLER_ENV = "INVOICE_SELLER"
DOWNLOAD_TTL_ENV = "DOWNLOAD_URL_TTL_SECONDS"
NUMBER_SERIES_ENV = "INVOICE_NUMBER_SERIES"
# Set by Lambda: "on-demand", "provisioned-concurrency" or "snap-start".
INITIALIZATION_TYPE_ENV = "AWS_LAMBDA_INITIALIZATION_TYPE"
INITIALISED_AHEAD_OF_DEMAND = frozenset({"provisioned-concurrency", "snap-start"})

DEFAULT_DOWNLOAD_TTL_SECONDS = 300
MAX_DOWNLOAD_TTL_SECONDS = 3600


def table_name(environ: Mapping[str, str] = os.environ) -> str:
    return environ[TABLE_ENV]


def bucket_name(environ: Mapping[str, str] = os.environ) -> str:
    return environ[BUCKET_ENV]


def tax_rate(environ: Mapping[str, str] = os.environ) -> TaxRate:
    """``TAX_RATE_BASIS_POINTS``: 2000 is 20 %; required (0 is a valid rate, not a default)."""
    return TaxRate(int(environ[TAX_RATE_ENV]))


def seller(environ: Mapping[str, str] = os.environ) -> Party:
    """``INVOICE_SELLER``, JSON: ``{"name": "...", "address": ["line", ...],
    "email": "...", "taxId": "..."}`` (``email`` and ``taxId`` optional)."""
    raw = json.loads(environ[SELLER_ENV])
    address = raw.get("address", [])
    if not isinstance(raw.get("name"), str) or not raw["name"].strip():
        raise ValueError(f"{SELLER_ENV} needs a name")
    if not isinstance(address, list) or not all(isinstance(line, str) for line in address):
        raise ValueError(f"{SELLER_ENV}: address is a list of lines")
    return Party(
        name=raw["name"].strip(),
        address=tuple(address),
        email=raw.get("email") or None,
        tax_id=raw.get("taxId") or None,
    )


def download_ttl_seconds(environ: Mapping[str, str] = os.environ) -> int:
    """How long a presigned download URL stays valid (``DOWNLOAD_URL_TTL_SECONDS``)."""
    seconds = int(environ.get(DOWNLOAD_TTL_ENV) or DEFAULT_DOWNLOAD_TTL_SECONDS)
    if not 1 <= seconds <= MAX_DOWNLOAD_TTL_SECONDS:
        raise ValueError(f"{DOWNLOAD_TTL_ENV} must be 1..{MAX_DOWNLOAD_TTL_SECONDS}")
    return seconds


def number_series(environ: Mapping[str, str] = os.environ) -> int:
    """How many parallel invoice number series (``INVOICE_NUMBER_SERIES``, 1..99; default
    16). Raising it later is safe: existing series continue, new ones start at 1. Lowering
    it only leaves the higher series idle: numbers stay unique and gapless per series."""
    count = int(environ.get(NUMBER_SERIES_ENV) or DEFAULT_NUMBER_SERIES)
    if not 1 <= count <= MAX_NUMBER_SERIES:
        raise ValueError(f"{NUMBER_SERIES_ENV} must be 1..{MAX_NUMBER_SERIES}")
    return count


def initialised_ahead_of_demand(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this execution environment is initialised before any event needs it (a
    SnapStart snapshot, provisioned concurrency) rather than on demand, from
    ``AWS_LAMBDA_INITIALIZATION_TYPE``."""
    return environ.get(INITIALIZATION_TYPE_ENV, "") in INITIALISED_AHEAD_OF_DEMAND
