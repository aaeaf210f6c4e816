"""The local mailbox's HTML pages (English and Brazilian Portuguese).

Everything that comes from an e-mail is escaped; an e-mail's own HTML never enters these
pages: it is shown in a sandboxed frame (see mailbox.py). No inline script or style.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

from localcloud.mail_store import MailMessage

LANGUAGES = ("en", "pt-BR")
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Local mailbox",
        "intro": "The e-mails and sign-up codes the local cloud recorded instead of "
        "sending them, newest first.",
        "empty": "No e-mail yet. Sign up in the console or place an order: the e-mails "
        "appear here.",
        "count_one": "1 e-mail",
        "count_many": "{n} e-mails",
        "from": "From",
        "to": "To",
        "date": "Date",
        "code": "Verification code",
        "html_part": "HTML part",
        "html_frame": "HTML part of the e-mail",
        "text_part": "Text part",
        "no_html": "This e-mail has no HTML part.",
        "no_text": "This e-mail has no text part.",
        "attachments": "Attachments",
        "attachment_count_one": "1 attachment",
        "attachment_count_many": "{n} attachments",
        "links": "Links in this e-mail",
        "no_subject": "(no subject)",
        "back": "All e-mails",
        "json": "The same as JSON",
        "switch": "Português (Brasil)",
        "language": "Language",
        "new_mail": "New e-mail arrived.",
        "show": "Show",
        "not_found": "There is no e-mail with this id (the local cloud forgets its "
        "e-mails when it stops).",
        "unreachable": "The emulator does not answer: is the local cloud still running?",
    },
    "pt-BR": {
        "title": "Caixa de correio local",
        "intro": "Os e-mails e códigos de cadastro que a nuvem local registrou em vez de "
        "enviá-los, do mais recente ao mais antigo.",
        "empty": "Nenhum e-mail ainda. Cadastre-se no console ou faça um pedido: os "
        "e-mails aparecem aqui.",
        "count_one": "1 e-mail",
        "count_many": "{n} e-mails",
        "from": "De",
        "to": "Para",
        "date": "Data",
        "code": "Código de verificação",
        "html_part": "Parte HTML",
        "html_frame": "Parte HTML do e-mail",
        "text_part": "Parte de texto",
        "no_html": "Este e-mail não tem parte HTML.",
        "no_text": "Este e-mail não tem parte de texto.",
        "attachments": "Anexos",
        "attachment_count_one": "1 anexo",
        "attachment_count_many": "{n} anexos",
        "links": "Links deste e-mail",
        "no_subject": "(sem assunto)",
        "back": "Todos os e-mails",
        "json": "O mesmo em JSON",
        "switch": "English",
        "language": "Idioma",
        "new_mail": "Chegou um novo e-mail.",
        "show": "Mostrar",
        "not_found": "Não há e-mail com este id (a nuvem local esquece os e-mails quando para).",
        "unreachable": "O emulador não responde: a nuvem local ainda está rodando?",
    },
}


def choose_language(query_lang: str | None, accept_language: str | None) -> str:
    """`?lang=` when it names a language we have, else the browser's preference."""
    if query_lang in LANGUAGES:
        return query_lang
    for entry in (accept_language or "").split(","):
        tag = entry.split(";")[0].strip().lower()
        if tag.startswith("pt"):
            return "pt-BR"
        if tag.startswith("en"):
            return "en"
    return "en"


@dataclass(frozen=True)
class PageContext:
    language: str
    explicit_language: bool
    """The language came from `?lang=`: links keep it."""

    @property
    def labels(self) -> dict[str, str]:
        return LABELS[self.language]

    def link(self, path: str, language: str | None = None) -> str:
        chosen = language or (self.language if self.explicit_language else None)
        return path + (f"?{urlencode({'lang': chosen})}" if chosen else "")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _count(labels: dict[str, str], key: str, n: int) -> str:
    return labels[f"{key}_one"] if n == 1 else labels[f"{key}_many"].format(n=n)


def _layout(ctx: PageContext, title: str, body: str, *, count: int | None = None) -> str:
    labels = ctx.labels
    other = "pt-BR" if ctx.language == "en" else "en"
    data_count = f' data-count="{count}"' if count is not None else ""
    return f"""<!doctype html>
<html lang="{ctx.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/mailbox.css">
<script src="/static/mailbox.js" defer></script>
</head>
<body{data_count}>
<header class="top">
<p class="brand"><a href="{_e(ctx.link("/"))}">{_e(labels["title"])}</a></p>
<nav aria-label="{_e(labels["language"])}"><a href="{_e(ctx.link("", other))}" \
hreflang="{other}" lang="{other}">{_e(labels["switch"])}</a></nav>
</header>
<main id="main">
{body}
</main>
</body>
</html>
"""


def _date(message: MailMessage) -> str:
    if message.sent_at is None:
        return "-"
    utc = message.sent_at.astimezone(UTC)
    return (
        f'<time datetime="{_e(utc.isoformat())}">{_e(utc.strftime("%Y-%m-%d %H:%M:%S"))} UTC</time>'
    )


def _meta(ctx: PageContext, message: MailMessage) -> str:
    labels = ctx.labels
    recipients = ", ".join(message.recipients) or "-"
    return (
        '<dl class="meta">'
        f"<dt>{_e(labels['from'])}</dt><dd>{_e(message.sender or '-')}</dd>"
        f"<dt>{_e(labels['to'])}</dt><dd>{_e(recipients)}</dd>"
        f"<dt>{_e(labels['date'])}</dt><dd>{_date(message)}</dd>"
        "</dl>"
    )


def _code(ctx: PageContext, message: MailMessage) -> str:
    code = message.verification_code
    if code is None:
        return ""
    return (
        f'<p class="code">{_e(ctx.labels["code"])}: '
        f'<strong class="code-value" data-code="{_e(code)}">{_e(code)}</strong></p>'
    )


def message_path(message: MailMessage) -> str:
    return f"/messages/{quote(message.id, safe='')}"


def list_page(ctx: PageContext, messages: list[MailMessage]) -> str:
    labels = ctx.labels
    items = []
    for message in messages:
        anchor = f"m-{re.sub(r'[^A-Za-z0-9_-]', '-', message.id)}"
        attached = (
            f'<p class="attached">'
            f"{_e(_count(labels, 'attachment_count', len(message.attachments)))}</p>"
            if message.attachments
            else ""
        )
        items.append(
            f'<li><article class="message" aria-labelledby="{anchor}">'
            f'<h2 id="{anchor}"><a href="{_e(ctx.link(message_path(message)))}">'
            f"{_e(message.subject or labels['no_subject'])}</a></h2>"
            f"{_code(ctx, message)}{_meta(ctx, message)}{attached}</article></li>"
        )
    listing = (
        f'<ol class="messages">{"".join(items)}</ol>'
        if items
        else f'<p class="empty">{_e(labels["empty"])}</p>'
    )
    body = (
        f"<h1>{_e(labels['title'])}</h1>"
        f'<p class="intro">{_e(labels["intro"])} '
        f'<span class="count">{_e(_count(labels, "count", len(messages)))}</span> · '
        f'<a href="/api/messages">{_e(labels["json"])}</a></p>'
        f'<div class="news" role="status" aria-live="polite" '
        f'data-text="{_e(labels["new_mail"])}" data-show="{_e(labels["show"])}"></div>'
        f"{listing}"
    )
    return _layout(ctx, f"{labels['title']} ({len(messages)})", body, count=len(messages))


def message_page(ctx: PageContext, message: MailMessage) -> str:
    labels = ctx.labels
    subject = message.subject or labels["no_subject"]
    path = message_path(message)
    if message.html is not None:
        html_part = (
            f'<iframe class="mail-html" src="{_e(path)}/html" sandbox="" '
            f'referrerpolicy="no-referrer" title="{_e(labels["html_frame"])}: {_e(subject)}">'
            "</iframe>"
        )
        links = links_in(message.html)
        if links:
            html_part += (
                f"<h3>{_e(labels['links'])}</h3><ul class='links'>"
                + "".join(
                    f'<li><a href="{_e(href)}" rel="noopener noreferrer">{_e(href)}</a></li>'
                    for href in links
                )
                + "</ul>"
            )
    else:
        html_part = f"<p>{_e(labels['no_html'])}</p>"
    text_part = (
        f'<pre class="mail-text">{_e(message.text)}</pre>'
        if message.text is not None
        else f"<p>{_e(labels['no_text'])}</p>"
    )
    attachments = ""
    if message.attachments:
        attachments = (
            f'<section aria-labelledby="attachments"><h2 id="attachments">'
            f"{_e(labels['attachments'])}</h2><ul class='attachments'>"
            + "".join(
                f'<li><a href="{_e(path)}/attachments/{index}" download="{_e(a.filename)}">'
                f"{_e(a.filename)}</a> <span class='type'>({_e(a.content_type)}, "
                f"{_e(_size(len(a.data)))})</span></li>"
                for index, a in enumerate(message.attachments)
            )
            + "</ul></section>"
        )
    body = (
        f'<p class="back"><a href="{_e(ctx.link("/"))}">← {_e(labels["back"])}</a></p>'
        f"<h1>{_e(subject)}</h1>{_code(ctx, message)}{_meta(ctx, message)}"
        f"{attachments}"
        f'<section aria-labelledby="html-part"><h2 id="html-part">{_e(labels["html_part"])}'
        f"</h2>{html_part}</section>"
        f'<section aria-labelledby="text-part"><h2 id="text-part">{_e(labels["text_part"])}'
        f"</h2>{text_part}</section>"
    )
    return _layout(ctx, f"{subject} - {labels['title']}", body)


def notice_page(ctx: PageContext, text_key: str) -> str:
    labels = ctx.labels
    body = (
        f'<p class="back"><a href="{_e(ctx.link("/"))}">← {_e(labels["back"])}</a></p>'
        f"<h1>{_e(labels['title'])}</h1><p class='notice'>{_e(labels[text_key])}</p>"
    )
    return _layout(ctx, labels["title"], body)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        href = dict(attrs).get("href") or ""
        if re.match(r"https?://", href, re.IGNORECASE) and href not in self.links:
            self.links.append(href)


def links_in(html_part: str) -> list[str]:
    """The http(s) links of an e-mail's HTML, listed outside its sandboxed frame (where
    links cannot open)."""
    collector = _LinkCollector()
    collector.feed(html_part)
    collector.close()
    return collector.links
