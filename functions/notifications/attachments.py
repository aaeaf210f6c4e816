"""The files an e-mail carries, read from S3 (the invoice PDF from the invoices bucket).

The object is read whole into memory, so its size is checked first (``ContentLength`` of
the ``GetObject`` response, before the body is read): SES ``SendRawEmail`` takes at most
10 MB per message, attachments included and base64 encoded (4/3 of their size), so one
file may be at most :data:`MAX_ATTACHMENT_BYTES`. An invoice of at most 50 lines is a few
kilobytes; a larger file means something is wrong upstream, and the error (retried, then
the queue's DLQ, which alarms) says so rather than sending a mail without its invoice.
"""

from __future__ import annotations

from typing import Any

from notifications.messages import StoredFile
from notifications.mime import Attachment

MAX_RAW_MESSAGE_BYTES = 10 * 1024 * 1024
"""SES API v1 ``SendRawEmail``: the whole message, attachments included."""
MAX_ATTACHMENT_BYTES = 7 * 1024 * 1024
"""Base64 makes 7 MB into 9.3 MB: what is left of the 10 MB is headers, text and HTML."""


class AttachmentTooLarge(Exception):
    def __init__(self, stored: StoredFile, size: int) -> None:
        super().__init__(
            f"s3://{stored.bucket}/{stored.key} is {size} bytes; an e-mail attachment may be "
            f"at most {MAX_ATTACHMENT_BYTES} bytes"
        )


class S3Attachments:
    def __init__(self, client: Any) -> None:
        self._client = client

    def fetch(self, stored: StoredFile) -> Attachment:
        """The file's bytes, named and typed as the mail shows it."""
        response = self._client.get_object(Bucket=stored.bucket, Key=stored.key)
        body = response["Body"]
        try:
            size = int(response["ContentLength"])
            if size > MAX_ATTACHMENT_BYTES:
                raise AttachmentTooLarge(stored, size)
            data: bytes = body.read()
        finally:
            body.close()
        return Attachment(stored.filename, stored.content_type, data)
