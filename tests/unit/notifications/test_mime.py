"""A rendered e-mail as a raw MIME message (stdlib ``email``, no AWS)."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage, MIMEPart
from email.policy import default
from typing import cast

import pytest

from notifications.mime import Attachment, mime_message
from notifications.templating import RenderedEmail

CONTENT = RenderedEmail(
    subject="Order confirmed - invoice INV-2026-000042",
    text="Hello,\n\nyour order of \u201cCaf\u00e9 cr\u00e8me\u201d is confirmed.\n",
    html="<p>" + "Caf\u00e9 cr\u00e8me " * 200 + "</p>",  # one 2,400-character line
)
DATE = "Sat, 14 Mar 2026 09:26:55 +0000"


def parse(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=default)


def decoded(part: MIMEPart | None) -> str:
    """A text part's content with the message's CRLF line ends as Python's."""
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def test_text_html_and_attachments_make_a_mixed_message() -> None:
    pdf = Attachment("INV-2026-000042.pdf", "application/pdf", bytes(range(256)))
    mail = parse(mime_message("shop@example.com", "ada@example.com", CONTENT, [pdf], date=DATE))

    assert mail.get_content_type() == "multipart/mixed"
    assert mail["Date"] == DATE
    body, attached = mail.iter_parts()
    assert body.get_content_type() == "multipart/alternative"
    plain, html = cast("list[EmailMessage]", list(body.iter_parts()))
    assert (plain.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert decoded(plain) == CONTENT.text
    assert decoded(html).rstrip("\n") == CONTENT.html
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_filename() == "INV-2026-000042.pdf"
    assert attached.get_param("name") == "INV-2026-000042.pdf"
    assert attached.get_content() == bytes(range(256))


def test_without_attachments_the_message_is_the_alternative_alone() -> None:
    mail = parse(mime_message("shop@example.com", "ada@example.com", CONTENT))
    assert mail.get_content_type() == "multipart/alternative"
    assert list(mail.iter_attachments()) == []


def test_non_ascii_headers_are_encoded_and_lines_stay_short() -> None:
    raw = mime_message(
        "Caf\u00e9 du Coin <shop@example.com>", "ada@example.com", CONTENT, date=DATE
    )

    raw.decode("ascii")  # every byte 7-bit: SES and every relay take it as is
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78  # SES: at most 1,000
    mail = parse(raw)
    assert mail["From"].addresses[0].display_name == "Caf\u00e9 du Coin"
    assert mail["From"].addresses[0].addr_spec == "shop@example.com"
    assert decoded(mail.get_body(preferencelist=("html",))).rstrip("\n") == CONTENT.html


def test_a_content_type_must_be_a_mime_type() -> None:
    with pytest.raises(ValueError, match="not a MIME type"):
        mime_message("s@example.com", "a@example.com", CONTENT, [Attachment("x", "pdf", b"")])
