"""Reads the e-mails the system sent, where the target can show them.

- local (moto): the emulator's model dump, `/moto-api/data.json?service=ses`, lists every
  SES message;
- localstack: its `/_aws/ses` endpoint;
- aws: SES delivers for real; nothing to read here (tests skip the check).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import requests

from tests.e2e.endpoints import Endpoints


@dataclass(frozen=True)
class Email:
    source: str
    recipients: tuple[str, ...]
    subject: str
    body: str


def sent_emails(endpoints: Endpoints) -> list[Email] | None:
    """Every e-mail sent so far, or None when the target keeps no mailbox."""
    if endpoints.target == "local" and endpoints.aws_endpoint_url:
        dump = requests.get(
            f"{endpoints.aws_endpoint_url}/moto-api/data.json",
            params={"service": "ses"},
            timeout=30,
        )
        dump.raise_for_status()
        return [_from_moto(m) for m in dump.json().get("ses", {}).get("Message", [])]
    if endpoints.target == "localstack" and endpoints.aws_endpoint_url:
        listed = requests.get(f"{endpoints.aws_endpoint_url}/_aws/ses", timeout=10)
        listed.raise_for_status()
        return [_from_localstack(m) for m in listed.json().get("messages", [])]
    return None


def _from_moto(message: dict[str, Any]) -> Email:
    destinations = message.get("destinations", {})
    body = message.get("body", "")
    return Email(
        source=message.get("source", ""),
        recipients=tuple(destinations.get("ToAddresses", [])),
        subject=message.get("subject", ""),
        body=body if isinstance(body, str) else str(body),
    )


def _from_localstack(message: dict[str, Any]) -> Email:
    body = message.get("Body", {})
    return Email(
        source=message.get("Source", ""),
        recipients=tuple(message.get("Destination", {}).get("ToAddresses", [])),
        subject=message.get("Subject", ""),
        body=f"{body.get('text_part', '')}\n{body.get('html_part', '')}",
    )


VERIFICATION_SENDER = "no-reply@verificationemail.com"
VERIFICATION_SUBJECT = "Your verification code"
_CODE = re.compile(r"\b(\d{6})\b")


def verification_code(endpoints: Endpoints, address: str, *, wait_s: float = 20.0) -> str | None:
    """The newest Cognito verification code e-mailed to ``address`` (waits up to
    ``wait_s``), or None when the target keeps no mailbox."""
    deadline = time.monotonic() + wait_s
    while True:
        emails = sent_emails(endpoints)
        if emails is None:
            return None
        codes = [
            found.group(1)
            for email in emails
            if address in email.recipients
            and email.subject == VERIFICATION_SUBJECT
            and (found := _CODE.search(email.body))
        ]
        if codes:
            return codes[-1]
        if time.monotonic() > deadline:
            raise AssertionError(f"no verification code reached {address} in {wait_s}s")
        time.sleep(0.2)
