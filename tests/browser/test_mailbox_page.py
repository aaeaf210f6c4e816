"""The local mailbox (`mailbox_url`, local cloud only) in a real browser: a person finds
their sign-up code and their confirmation e-mail with its invoice attached."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import boto3
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import CODE_SENDER, PageFactory
from tests.e2e.endpoints import Endpoints

SHOP = "mailbox-test@example.com"
PDF = b"%PDF-1.4\n% a stand-in invoice\n%%EOF\n"


@pytest.fixture
def mailbox_url(endpoints: Endpoints) -> str:
    if endpoints.mailbox_url is None:
        pytest.skip(f"TARGET={endpoints.target} has no local mailbox")
    return endpoints.mailbox_url


@pytest.fixture
def customer_mail(endpoints: Endpoints, mailbox_url: str) -> dict[str, str]:
    """A new address that got a confirmation e-mail (raw MIME, invoice PDF attached) and
    then a verification code, recorded by the emulator's SES; and the mailbox's URL."""
    address = f"browser-{uuid.uuid4().hex[:10]}@example.com"
    code = f"{uuid.uuid4().int % 1_000_000:06d}"
    ses: Any = boto3.client("ses", **endpoints.client_kwargs())
    for sender in (SHOP, CODE_SENDER):
        ses.verify_email_identity(EmailAddress=sender)
    mime = EmailMessage()
    mime["From"], mime["To"], mime["Subject"] = SHOP, address, "Your order is confirmed"
    mime.set_content("Your order is confirmed. Total: 42.00\n")
    mime.add_alternative("<p>Your order is <strong>confirmed</strong>.</p>", subtype="html")
    mime.add_attachment(PDF, maintype="application", subtype="pdf", filename="INV-test.pdf")
    ses.send_raw_email(RawMessage={"Data": mime.as_bytes()})
    ses.send_email(
        Source=CODE_SENDER,
        Destination={"ToAddresses": [address]},
        Message={
            "Subject": {"Data": "Your verification code"},
            "Body": {"Text": {"Data": f"Your verification code is {code}."}},
        },
    )
    return {"address": address, "code": code, "mailbox_url": mailbox_url}


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_person_reads_their_code_and_downloads_the_invoice(
    new_page: PageFactory,
    shot: Callable[[Page, str], Path],
    assert_accessible: Callable[[Page, str], Path],
    customer_mail: dict[str, str],
    viewport: str,
) -> None:
    page = new_page(viewport)
    page.goto(customer_mail["mailbox_url"])

    theirs = page.locator("article.message", has_text=customer_mail["address"])
    expect(theirs).to_have_count(2)
    newest = theirs.first
    expect(newest).to_contain_text(customer_mail["address"])
    expect(newest.locator(".code-value")).to_have_text(customer_mail["code"])
    shot(page, "mailbox")
    assert_accessible(page, "mailbox")

    confirmation = theirs.nth(1)
    confirmation.get_by_role("link", name="Your order is confirmed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your order is confirmed")
    frame = page.frame_locator("iframe.mail-html")
    expect(frame.locator("strong")).to_have_text("confirmed")
    expect(page.locator("pre.mail-text")).to_contain_text("Total: 42.00")
    shot(page, "confirmation")
    assert_accessible(page, "confirmation")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="INV-test.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "INV-test.pdf"
    assert Path(download.path()).read_bytes() == PDF
    assert new_page.problems(page) == []


def test_the_mailbox_speaks_brazilian_portuguese(
    new_page: PageFactory,
    shot: Callable[[Page, str], Path],
    assert_accessible: Callable[[Page, str], Path],
    customer_mail: dict[str, str],
) -> None:
    page = new_page("phone", locale="pt-BR")
    page.goto(customer_mail["mailbox_url"])

    expect(page.locator("html")).to_have_attribute("lang", "pt-BR")
    expect(page.get_by_role("heading", level=1)).to_have_text("Caixa de correio local")
    expect(page.locator(".code").first).to_contain_text("Código de verificação")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Local mailbox")
    assert re.search(r"[?&]lang=en\b", page.url)
    shot(page, "english-on-request")
    assert_accessible(page, "english-on-request")


def test_read_code_finds_the_newest_code_sent_to_an_address(
    read_code: Callable[..., str], customer_mail: dict[str, str]
) -> None:
    assert read_code(customer_mail["address"]) == customer_mail["code"]
    with pytest.raises(AssertionError, match="0 verification code"):
        read_code("nobody@example.com", timeout=1)
