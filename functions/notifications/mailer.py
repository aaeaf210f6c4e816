"""Sending e-mail through Amazon SES: one raw MIME message (API v1 ``SendRawEmail``).

Raw, because the confirmation carries the invoice PDF, which ``SendEmail`` cannot attach.
The recipients are the message's ``To`` header (no ``Destinations`` parameter: SES then
takes them from the headers); ``Source`` is the sender identity, which SES authorizes and
uses for bounces, as with ``SendEmail``. The configuration set, when there is one, applies
as before. A message over SES's 10 MB is refused here, before the call, with its size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from notifications.attachments import MAX_RAW_MESSAGE_BYTES
from notifications.messages import Email
from notifications.mime import Attachment, mime_message


class MessageTooLarge(Exception):
    def __init__(self, reference: str, size: int) -> None:
        super().__init__(
            f"the e-mail about {reference} is {size} bytes; SES sends at most "
            f"{MAX_RAW_MESSAGE_BYTES} bytes per message"
        )


class SesMailer:
    def __init__(self, client: Any, sender: str, *, configuration_set: str | None = None) -> None:
        self._client = client
        self._sender = sender
        self._configuration_set = configuration_set

    def send(self, email: Email, attachments: Sequence[Attachment] = ()) -> str:
        """Sends ``email`` with ``attachments`` (its files, read); returns SES's message id."""
        raw = mime_message(self._sender, email.to, email.content, attachments)
        if len(raw) > MAX_RAW_MESSAGE_BYTES:
            raise MessageTooLarge(email.reference, len(raw))
        request: dict[str, Any] = {"Source": self._sender, "RawMessage": {"Data": raw}}
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        message_id: str = self._client.send_raw_email(**request)["MessageId"]
        return message_id
