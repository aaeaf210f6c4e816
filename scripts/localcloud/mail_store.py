"""The e-mails the emulator recorded, read from moto's SES store.

moto keeps every message SES "sent" in memory: `Message` (SendEmail, SESv2 Simple: one
body, the HTML part when there was one, else the text), `RawMessage` (SendRawEmail, SESv2
Raw: the whole MIME message) and `TemplateMessage` (templated sends: the template's name
and data, never rendered). The emulator's model dump, `/moto-api/data.json?service=ses`,
lists them per kind; the emulator stamps each with a send sequence number and time
(emulator_server.record_ses_send_order), which orders them across kinds.

Raw messages are parsed with the standard library's e-mail parser (RFC 5322 / MIME):
text and HTML parts, attachments with their file names and content types.
"""

from __future__ import annotations

import email
import email.policy
import json
import mimetypes
import re
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Any

CODE_SENDER = "no-reply@verificationemail.com"
"""Cognito's default sender; the emulator records verification codes as sent by it."""
CODE_SUBJECT = re.compile(r"verification code", re.IGNORECASE)
CODE = re.compile(r"\b(\d{6})\b")
LOOKS_LIKE_HTML = re.compile(r"<\s*(html|body|p|div|table|br|a|h[1-6]|span)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class MailMessage:
    id: str
    kind: str
    """"simple" (SendEmail), "raw" (SendRawEmail) or "template" (templated send)."""
    sender: str
    recipients: tuple[str, ...]
    subject: str
    sent_at: datetime | None
    """The Date header of a raw message, else when the emulator recorded it."""
    text: str | None
    html: str | None
    attachments: tuple[Attachment, ...]
    sequence: int | None = None

    @property
    def verification_code(self) -> str | None:
        """The code of a Cognito verification e-mail (sign-up, resend, forgotten password)."""
        if parseaddr(self.sender)[1].lower() != CODE_SENDER and not CODE_SUBJECT.search(
            self.subject
        ):
            return None
        for body in (self.text, _visible_text(self.html)):
            found = CODE.search(body or "")
            if found:
                return found.group(1)
        return None

    def sent_to(self, address: str) -> bool:
        wanted = address.strip().lower()
        return any(addr.lower() == wanted for _, addr in getaddresses(list(self.recipients)))

    def summary(self) -> dict[str, Any]:
        """The JSON form (without attachment bytes)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "from": self.sender,
            "to": list(self.recipients),
            "subject": self.subject,
            "date": self.sent_at.isoformat() if self.sent_at else None,
            "verificationCode": self.verification_code,
            "text": self.text,
            "html": self.html,
            "attachments": [
                {
                    "index": index,
                    "filename": a.filename,
                    "contentType": a.content_type,
                    "size": len(a.data),
                }
                for index, a in enumerate(self.attachments)
            ],
        }


def _visible_text(html: str | None) -> str:
    return re.sub(r"<[^>]*>", " ", html) if html else ""


def read_dump(emulator_url: str, timeout: float = 10.0) -> dict[str, Any]:
    """moto's SES model dump from the emulator."""
    url = f"{emulator_url.rstrip('/')}/moto-api/data.json?service=ses"
    with urllib.request.urlopen(url, timeout=timeout) as response:
        dumped: dict[str, Any] = json.loads(response.read())
    ses: dict[str, Any] = dumped.get("ses", {})
    return ses


class MailStore:
    """Parses each recorded message once (raw messages can carry large attachments)."""

    def __init__(self, emulator_url: str) -> None:
        self.emulator_url = emulator_url
        self._parsed: dict[str, MailMessage] = {}

    def messages(self) -> list[MailMessage]:
        """Every recorded e-mail, newest first."""
        return messages_from_dump(read_dump(self.emulator_url), self._parsed)

    def message(self, message_id: str) -> MailMessage | None:
        return next((m for m in self.messages() if m.id == message_id), None)


def messages_from_dump(
    ses: dict[str, Any], cache: dict[str, MailMessage] | None = None
) -> list[MailMessage]:
    """The messages of an SES dump, newest first (by send sequence where the emulator
    stamped one, else later in the dump is newer)."""
    cache = {} if cache is None else cache
    found: list[tuple[tuple[int, int], MailMessage]] = []
    position = 0
    for kind, records in (
        ("simple", ses.get("Message", [])),
        ("raw", ses.get("RawMessage", [])),
        ("template", ses.get("TemplateMessage", [])),
    ):
        for record in records:
            position += 1
            key = f"{kind}:{record.get('id')}"
            message = cache.get(key)
            if message is None:
                message = cache[key] = _parse(kind, record)
            order = (message.sequence, 0) if message.sequence is not None else (-1, position)
            found.append((order, message))
    found.sort(key=lambda entry: entry[0], reverse=True)
    return [message for _, message in found]


def _parse(kind: str, record: dict[str, Any]) -> MailMessage:
    if kind == "raw":
        return parse_raw(record)
    sent_at = _recorded_time(record)
    destinations = record.get("destinations") or {}
    recipients = tuple(
        address
        for field in ("ToAddresses", "CcAddresses", "BccAddresses")
        for address in destinations.get(field, [])
    )
    if kind == "template":
        data = record.get("template_data", "")
        text = f"Template {record.get('template', '?')} with data:\n{data}"
        return MailMessage(
            id=str(record.get("id", "")),
            kind=kind,
            sender=str(record.get("source", "")),
            recipients=recipients,
            subject=f"(template {record.get('template', '?')})",
            sent_at=sent_at,
            text=text,
            html=None,
            attachments=(),
            sequence=_sequence(record),
        )
    body = str(record.get("body") or "")
    is_html = bool(LOOKS_LIKE_HTML.search(body))
    return MailMessage(
        id=str(record.get("id", "")),
        kind=kind,
        sender=str(record.get("source", "")),
        recipients=recipients,
        subject=str(record.get("subject") or ""),
        sent_at=sent_at,
        # SendEmail keeps one body in moto: the HTML part when there was one
        text=None if is_html else body,
        html=body if is_html else None,
        attachments=(),
        sequence=_sequence(record),
    )


def parse_raw(record: dict[str, Any]) -> MailMessage:
    """A `RawMessage` record: its MIME text, parsed."""
    parsed = email.message_from_string(
        str(record.get("raw_data") or ""), policy=email.policy.default
    )
    assert isinstance(parsed, EmailMessage)
    recipients = _distinct(
        [str(a) for a in record.get("destinations") or ()]
        or [str(value) for header in ("to", "cc") for value in parsed.get_all(header, [])]
    )
    return MailMessage(
        id=str(record.get("id", "")),
        kind="raw",
        sender=str(parsed.get("from") or record.get("source") or ""),
        recipients=recipients,
        subject=str(parsed.get("subject") or ""),
        sent_at=_header_time(parsed) or _recorded_time(record),
        text=_body(parsed, "plain"),
        html=_body(parsed, "html"),
        attachments=tuple(_attachments(parsed)),
        sequence=_sequence(record),
    )


def _distinct(addresses: list[str]) -> tuple[str, ...]:
    """Each address once (moto adds the headers' recipients to the ones the call named)."""
    seen: dict[str, str] = {}
    for address in addresses:
        seen.setdefault(parseaddr(address)[1].lower() or address, address)
    return tuple(seen.values())


def _body(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None:
        return None
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset or a broken encoding
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else content.decode("utf-8", "replace")


def _attachments(message: EmailMessage) -> list[Attachment]:
    found = []
    for number, part in enumerate(message.iter_attachments(), start=1):
        assert isinstance(part, EmailMessage)
        content_type = part.get_content_type()
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):  # a message/rfc822 part: keep it as text
            payload = part.as_bytes()
        filename = part.get_filename() or (
            f"attachment-{number}{mimetypes.guess_extension(content_type) or '.bin'}"
        )
        found.append(Attachment(filename=filename, content_type=content_type, data=payload))
    return found


def _header_time(message: EmailMessage) -> datetime | None:
    value = message.get("date")
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _recorded_time(record: dict[str, Any]) -> datetime | None:
    value = record.get("sent_at")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _sequence(record: dict[str, Any]) -> int | None:
    value = record.get("sent_sequence")
    return value if isinstance(value, int) else None
