"""Sending e-mail through Amazon SES (API v1 ``SendEmail``: text and HTML parts)."""

from __future__ import annotations

from typing import Any

from notifications.messages import Email

CHARSET = "UTF-8"


class SesMailer:
    def __init__(self, client: Any, sender: str, *, configuration_set: str | None = None) -> None:
        self._client = client
        self._sender = sender
        self._configuration_set = configuration_set

    def send(self, email: Email) -> str:
        """Sends ``email``; returns SES's message id."""
        request: dict[str, Any] = {
            "Source": self._sender,
            "Destination": {"ToAddresses": [email.to]},
            "Message": {
                "Subject": {"Data": email.content.subject, "Charset": CHARSET},
                "Body": {
                    "Text": {"Data": email.content.text, "Charset": CHARSET},
                    "Html": {"Data": email.content.html, "Charset": CHARSET},
                },
            },
        }
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        message_id: str = self._client.send_email(**request)["MessageId"]
        return message_id
