"""The local mailbox (localcloud.mailbox): reading moto's SES store, the pages, the JSON."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import boto3
import pytest
import requests

from localcloud.emulator import MotoServer, free_port
from localcloud.mail_store import MailMessage, messages_from_dump, parse_raw
from localcloud.mailbox import MailboxServer
from localcloud.mailbox_pages import PageContext, links_in, list_page, message_page

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SHOP = "shop@example.com"
CODE_SENDER = "no-reply@verificationemail.com"


def confirmation_mime(to: str, *, subject: str = "Your order is confirmed") -> str:
    """A confirmation e-mail as the emails branch sends it: text + HTML + the invoice PDF."""
    message = EmailMessage()
    message["From"] = f"Demo Shop <{SHOP}>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2026, 12, 5, 10, 30, tzinfo=UTC))
    message.set_content("Hello Ana,\nyour order is confirmed. Total: 42.00 EUR\n")
    message.add_alternative(
        '<html><body style="color:#222"><p>Hello Ana,</p><p>Total: <b>42.00 EUR</b></p>'
        '<p><a href="http://127.0.0.1:8080/#/invoices/inv-1">Your invoice</a></p>'
        "<script>alert(1)</script></body></html>",
        subtype="html",
    )
    message.add_attachment(
        PDF, maintype="application", subtype="pdf", filename="INV-2026-000001.pdf"
    )
    return message.as_string()


def fake_dump(to: str) -> dict[str, object]:
    """moto's SES dump (`/moto-api/data.json?service=ses`), as the emulator serves it."""
    return {
        "Message": [
            {
                "id": "simple-html",
                "source": SHOP,
                "subject": "Your order was rejected",
                "body": "<p>Sorry: <b>Blue mug</b> is out of stock.</p>",
                "destinations": {"ToAddresses": [to], "CcAddresses": [], "BccAddresses": []},
                "sent_sequence": 1,
                "sent_at": "2026-12-05T10:00:00.000+00:00",
            },
            {
                "id": "code",
                "source": CODE_SENDER,
                "subject": "Your verification code",
                "body": "Your verification code is 123456.",
                "destinations": {"ToAddresses": [to]},
                "sent_sequence": 3,
                "sent_at": "2026-12-05T10:02:00.000+00:00",
            },
        ],
        "RawMessage": [
            {
                "id": "raw",
                "source": SHOP,
                # moto adds the To header's recipient to those the call named
                "destinations": [to, f"Ana <{to}>"],
                "raw_data": confirmation_mime(to),
                "sent_sequence": 2,
                "sent_at": "2026-12-05T10:01:00.000+00:00",
            }
        ],
        "TemplateMessage": [],
    }


def test_messages_are_newest_first_across_simple_and_raw_messages() -> None:
    messages = messages_from_dump(fake_dump("ana@example.com"))

    assert [m.id for m in messages] == ["code", "raw", "simple-html"]


def test_without_send_stamps_later_in_the_dump_counts_as_newer() -> None:
    dump = fake_dump("ana@example.com")
    for kind in ("Message", "RawMessage"):
        for record in dump[kind]:  # type: ignore[attr-defined]
            del record["sent_sequence"]

    assert [m.id for m in messages_from_dump(dump)] == ["raw", "code", "simple-html"]


def test_a_raw_message_gives_its_text_html_and_attachment() -> None:
    raw = next(m for m in messages_from_dump(fake_dump("ana@example.com")) if m.kind == "raw")

    assert raw.sender == f"Demo Shop <{SHOP}>"
    assert raw.recipients == ("ana@example.com",)
    assert raw.subject == "Your order is confirmed"
    assert raw.sent_at == datetime(2026, 12, 5, 10, 30, tzinfo=UTC)
    assert raw.text is not None
    assert "Total: 42.00 EUR" in raw.text
    assert raw.html is not None
    assert "<b>42.00 EUR</b>" in raw.html
    [attachment] = raw.attachments
    assert (attachment.filename, attachment.content_type) == (
        "INV-2026-000001.pdf",
        "application/pdf",
    )
    assert attachment.data == PDF
    assert raw.verification_code is None


def test_a_simple_message_keeps_its_one_body_as_html_or_text() -> None:
    by_id = {m.id: m for m in messages_from_dump(fake_dump("ana@example.com"))}

    assert by_id["simple-html"].html == "<p>Sorry: <b>Blue mug</b> is out of stock.</p>"
    assert by_id["simple-html"].text is None
    assert by_id["code"].text == "Your verification code is 123456."
    assert by_id["code"].html is None


def test_the_code_of_a_verification_email_is_found() -> None:
    by_id = {m.id: m for m in messages_from_dump(fake_dump("ana@example.com"))}

    assert by_id["code"].verification_code == "123456"
    assert by_id["simple-html"].verification_code is None


def test_an_attachment_without_a_name_gets_one_from_its_type() -> None:
    message = EmailMessage()
    message["Subject"] = "no name"
    message.set_content("see attached")
    message.add_attachment(PDF, maintype="application", subtype="pdf")

    parsed = parse_raw({"id": "x", "raw_data": message.as_string(), "destinations": []})

    assert [a.filename for a in parsed.attachments] == ["attachment-1.pdf"]


def test_pages_escape_what_comes_from_an_email() -> None:
    hostile = MailMessage(
        id='a"b<c>',
        kind="simple",
        sender="<script>alert('from')</script>@example.com",
        recipients=("ana@example.com",),
        subject="<img src=x onerror=alert(1)>",
        sent_at=None,
        text="<script>alert('text')</script>",
        html="<script>alert('html')</script><p>hi</p>",
        attachments=(),
    )
    ctx = PageContext(language="en", explicit_language=False)

    pages = list_page(ctx, [hostile]) + message_page(ctx, hostile)

    assert "<script>alert" not in pages
    assert "<img src=x" not in pages
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages
    assert "<p>hi</p>" not in pages  # the HTML part only ever goes into the sandboxed frame
    assert '<iframe class="mail-html" src="/messages/a%22b%3Cc%3E/html" sandbox=""' in pages


def test_links_of_the_html_part_are_listed_outside_the_frame() -> None:
    html = (
        '<a href="https://example.com/a">a</a><a href="javascript:alert(1)">x</a>'
        '<a href="mailto:x@example.com">m</a><a href="https://example.com/a">again</a>'
    )

    assert links_in(html) == ["https://example.com/a"]


def test_the_page_speaks_brazilian_portuguese_on_request() -> None:
    ctx = PageContext(language="pt-BR", explicit_language=True)
    messages = messages_from_dump(fake_dump("ana@example.com"))

    page = list_page(ctx, messages)

    assert '<html lang="pt-BR">' in page
    assert "Código de verificação" in page
    assert 'href="/messages/code?lang=pt-BR"' in page


# --- the server, against the emulator -------------------------------------------------


@pytest.fixture
def mailbox(aws_env: str) -> Iterator[str]:
    server = MailboxServer(aws_env, port=0).start()
    yield server.url
    server.stop()


@pytest.fixture
def recipient(aws_env: str) -> str:
    """A fresh address with a raw mail (with a PDF), a simple mail and a code mail sent to
    it, in that order, through the emulator's SES APIs (v2 and v1). moto's dump lists raw
    and simple messages apart: only the emulator's send stamps order them."""
    address = f"mbx-{uuid.uuid4().hex[:10]}@example.com"
    ses = boto3.client("ses", endpoint_url=aws_env)
    sesv2 = boto3.client("sesv2", endpoint_url=aws_env)
    for sender in (SHOP, CODE_SENDER):
        ses.verify_email_identity(EmailAddress=sender)
    sesv2.send_email(
        FromEmailAddress=SHOP,
        Destination={"ToAddresses": [address]},
        Content={"Raw": {"Data": confirmation_mime(address).encode()}},
    )
    ses.send_email(
        Source=SHOP,
        Destination={"ToAddresses": [address]},
        Message={
            "Subject": {"Data": "Your order was rejected"},
            "Body": {
                "Text": {"Data": "Blue mug is out of stock."},
                "Html": {"Data": "<p>Blue mug is out of stock.</p>"},
            },
        },
    )
    ses.send_email(
        Source=CODE_SENDER,
        Destination={"ToAddresses": [address]},
        Message={
            "Subject": {"Data": "Your verification code"},
            "Body": {"Text": {"Data": "Your verification code is 654321."}},
        },
    )
    return address


def test_the_json_view_lists_a_recipients_emails_newest_first(mailbox: str, recipient: str) -> None:
    listed = requests.get(f"{mailbox}/api/messages", params={"to": recipient}, timeout=10)

    assert listed.status_code == 200
    messages = listed.json()["messages"]
    assert [m["subject"] for m in messages] == [
        "Your verification code",
        "Your order was rejected",
        "Your order is confirmed",
    ]
    assert messages[0]["verificationCode"] == "654321"
    assert messages[2]["attachments"] == [
        {
            "index": 0,
            "filename": "INV-2026-000001.pdf",
            "contentType": "application/pdf",
            "size": len(PDF),
            "url": f"{messages[2]['url']}/attachments/0",
        }
    ]
    single = requests.get(f"{mailbox}/api{messages[2]['url']}", timeout=10)
    assert single.json()["id"] == messages[2]["id"]


def test_an_attachment_downloads_with_its_name_and_type(mailbox: str, recipient: str) -> None:
    *_, confirmed = requests.get(
        f"{mailbox}/api/messages", params={"to": recipient}, timeout=10
    ).json()["messages"]

    download = requests.get(f"{mailbox}{confirmed['attachments'][0]['url']}", timeout=10)

    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"INV-2026-000001.pdf\"; filename*=UTF-8''INV-2026-000001.pdf"
    )
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_the_pages_are_locked_down_and_the_html_part_is_sandboxed(
    mailbox: str, recipient: str
) -> None:
    *_, confirmed = requests.get(
        f"{mailbox}/api/messages", params={"to": recipient}, timeout=10
    ).json()["messages"]

    index = requests.get(mailbox, timeout=10)
    detail = requests.get(f"{mailbox}{confirmed['url']}", timeout=10)
    frame = requests.get(f"{mailbox}{confirmed['url']}/html", timeout=10)

    for page in (index, detail):
        assert page.status_code == 200
        policy = page.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in policy
        assert "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
    assert recipient in index.text
    assert "INV-2026-000001.pdf" in detail.text
    assert "<script>alert(1)</script>" not in detail.text
    assert frame.headers["Content-Security-Policy"].startswith("sandbox; default-src 'none'")
    assert "<b>42.00 EUR</b>" in frame.text


def test_the_emulator_stamps_each_email_with_its_send_order(aws_env: str, recipient: str) -> None:
    dump = requests.get(f"{aws_env}/moto-api/data.json", params={"service": "ses"}, timeout=10)

    ses = dump.json()["ses"]
    mine = [
        record
        for record in ses["Message"] + ses["RawMessage"]
        if recipient in str(record["destinations"])
    ]
    assert len(mine) == 3
    assert len({record["sent_sequence"] for record in mine}) == 3
    assert all(datetime.fromisoformat(record["sent_at"]).tzinfo for record in mine)


def test_unknown_paths_and_methods_get_clear_errors(mailbox: str) -> None:
    missing = requests.get(f"{mailbox}/api/messages/nope", timeout=10)
    page = requests.get(f"{mailbox}/messages/nope", timeout=10)
    post = requests.post(f"{mailbox}/api/messages", json={}, timeout=10)

    assert (missing.status_code, missing.json()["error"]) == (404, "NotFound")
    assert page.status_code == 404
    assert "There is no e-mail with this id" in page.text
    assert (post.status_code, post.headers["Allow"]) == (405, "GET, HEAD")


def test_an_emulator_that_is_gone_is_a_502_that_says_so() -> None:
    server = MailboxServer(f"http://127.0.0.1:{free_port()}", port=0).start()
    try:
        api = requests.get(f"{server.url}/api/messages", timeout=10)
        page = requests.get(server.url, timeout=10)
    finally:
        server.stop()

    assert (api.status_code, api.json()["error"]) == (502, "EmulatorUnavailable")
    assert page.status_code == 502
    assert "is the local cloud still running" in page.text


def test_it_binds_the_loopback_interface_only(moto_server: MotoServer) -> None:
    server = MailboxServer(moto_server.endpoint_url, port=0).start()
    try:
        assert server.url.startswith("http://127.0.0.1:")
    finally:
        server.stop()
