"""Reads the e-mails the system sent, where the target can show them.

- local (moto): the emulator's model dump, `/moto-api/data.json?service=ses`, lists every
  SES message: `Message` for `SendEmail` (`source`, `destinations.ToAddresses`,
  `subject`, `body`: moto keeps the HTML part when a mail has one, else the text part)
  and `RawMessage` for `SendRawEmail` (`source`, `destinations`: the recipients, taken
  from the headers unless the call named them; `raw_data`: the whole MIME message);
- localstack: its `/_aws/ses` endpoint (`Body.text_part`/`html_part`, or `RawData` for a
  raw message);
- aws: SES delivers for real; nothing to read here (tests skip the check).

A raw message is parsed with the stdlib `email` package: its text and HTML parts, decoded,
and its attachments (name, content type, bytes). `body` is the text and the HTML together,
so a test can look for what a mail says without caring which part says it.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from email import message_from_string
from email.message import MIMEPart
from email.policy import default
from email.utils import parseaddr
from typing import Any

import requests

from tests.e2e.endpoints import Endpoints


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Email:
    source: str
    recipients: tuple[str, ...]
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()

    @property
    def body(self) -> str:
        """The text and the HTML parts (whichever the message has)."""
        return "\n".join(part for part in (self.text, self.html) if part)


def sent_emails(endpoints: Endpoints) -> list[Email] | None:
    """Every e-mail sent so far, or None when the target keeps no mailbox."""
    if endpoints.target == "local" and endpoints.aws_endpoint_url:
        dump = requests.get(
            f"{endpoints.aws_endpoint_url}/moto-api/data.json",
            params={"service": "ses"},
            timeout=30,
        )
        dump.raise_for_status()
        return from_moto_dump(dump.json())
    if endpoints.target == "localstack" and endpoints.aws_endpoint_url:
        listed = requests.get(f"{endpoints.aws_endpoint_url}/_aws/ses", timeout=10)
        listed.raise_for_status()
        return [_from_localstack(m) for m in listed.json().get("messages", [])]
    return None


def from_moto_dump(dump: dict[str, Any]) -> list[Email]:
    """The e-mails in moto's model dump (``/moto-api/data.json?service=ses``)."""
    models = dump.get("ses", {})
    return [_from_moto(m) for m in models.get("Message", [])] + [
        _from_moto_raw(m) for m in models.get("RawMessage", [])
    ]


def parse_raw(raw: str, *, source: str = "", recipients: tuple[str, ...] = ()) -> Email:
    """An e-mail from its MIME text; ``recipients`` default to the To/Cc headers."""
    message = message_from_string(raw, policy=default)
    addressed = tuple(
        address.addr_spec
        for header in ("To", "Cc")
        for address in getattr(message[header], "addresses", ())
    )
    return Email(
        source=source or str(message["From"] or ""),
        recipients=recipients or addressed,
        subject=str(message["Subject"] or ""),
        text=_content(message.get_body(preferencelist=("plain",))),
        html=_content(message.get_body(preferencelist=("html",))),
        attachments=tuple(
            Attachment(
                part.get_filename() or "",
                part.get_content_type(),
                _bytes(part),
            )
            for part in message.iter_attachments()
        ),
    )


def _bytes(part: MIMEPart) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _content(part: MIMEPart | None) -> str:
    """A text part's content, decoded, with its CRLF line ends as Python's."""
    return "" if part is None else str(part.get_content()).replace("\r\n", "\n")


def _from_moto(message: dict[str, Any]) -> Email:
    destinations = message.get("destinations", {})
    body = message.get("body", "")
    body = body if isinstance(body, str) else str(body)
    is_html = body.lstrip().startswith("<")
    return Email(
        source=message.get("source", ""),
        recipients=tuple(destinations.get("ToAddresses", [])),
        subject=message.get("subject", ""),
        text="" if is_html else body,
        html=body if is_html else "",
    )


def _from_moto_raw(message: dict[str, Any]) -> Email:
    return parse_raw(
        message.get("raw_data", ""),
        source=message.get("source") or "",
        recipients=tuple(_address(d) for d in message.get("destinations", [])),
    )


def _address(destination: str) -> str:
    """``Name <a@b>`` or ``a@b`` -> ``a@b`` (moto keeps header recipients formatted)."""
    return parseaddr(destination)[1] or destination


def _from_localstack(message: dict[str, Any]) -> Email:
    if message.get("RawData"):
        return parse_raw(message["RawData"], source=message.get("Source", ""))
    body = message.get("Body", {})
    return Email(
        source=message.get("Source", ""),
        recipients=tuple(message.get("Destination", {}).get("ToAddresses", [])),
        subject=message.get("Subject", ""),
        text=body.get("text_part", "") or "",
        html=body.get("html_part", "") or "",
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
