"""A rendered e-mail as one MIME message (stdlib ``email``), ready for SES ``SendRawEmail``.

Structure (what every mail client expects of "text, HTML and files")::

    multipart/mixed                   (only when there are attachments)
      multipart/alternative
        text/plain; charset=utf-8
        text/html; charset=utf-8
      application/pdf; name=...       Content-Disposition: attachment; filename=...

Lines are CRLF-terminated and at most 78 characters, and every byte is 7-bit ASCII
(``email.policy.SMTP`` with ``cte_type="7bit"``): SES refuses lines over 1,000 characters
(RFC 5321) and asks for non-ASCII content to be encoded, so text and HTML with non-ASCII
characters or long lines are quoted-printable (or base64) encoded, attachments base64
encoded, and non-ASCII headers (a shop's name) RFC 2047 encoded. SES adds ``Message-ID``;
the ``Date`` is set here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate

from notifications.templating import RenderedEmail

SEVEN_BIT_SMTP = SMTP.clone(cte_type="7bit")
"""CRLF, 78-character lines, and every body part 7-bit (quoted-printable or base64)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    """``maintype/subtype``, e.g. ``application/pdf``."""
    data: bytes


def mime_message(
    sender: str,
    to: str,
    content: RenderedEmail,
    attachments: Sequence[Attachment] = (),
    *,
    date: str | None = None,
) -> bytes:
    """The whole message (headers and body) as bytes; ``date`` defaults to now (RFC 5322)."""
    message = EmailMessage(policy=SEVEN_BIT_SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = content.subject
    message["Date"] = date or formatdate(usegmt=True)
    message.set_content(content.text, subtype="plain", charset="utf-8")
    message.add_alternative(content.html, subtype="html", charset="utf-8")
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        if not maintype or not subtype:
            raise ValueError(f"not a MIME type: {attachment.content_type!r}")
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
            params={"name": attachment.filename},  # older clients read the name from here
        )
    return message.as_bytes()
