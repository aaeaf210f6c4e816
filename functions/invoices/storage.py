"""Invoice PDFs in S3: written once per key, read through short-lived presigned URLs.

The bucket encrypts with the stack's KMS key by default, so a download URL must be signed
with Signature Version 4 (the only one S3 accepts for KMS-encrypted objects). Presigned
URLs point at whatever endpoint the client uses: the emulator when ``AWS_ENDPOINT_URL`` is
set, S3 otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PDF_CONTENT_TYPE = "application/pdf"


@dataclass(frozen=True)
class StoredObject:
    bucket: str
    key: str


@cache
def s3_client() -> S3Client:
    """The process-wide S3 client, signing with SigV4 (tests: ``s3_client.cache_clear()``)."""
    import boto3
    from botocore.config import Config

    client: S3Client = boto3.client("s3", config=Config(signature_version="s3v4"))
    return client


class S3InvoiceStore:
    def __init__(self, client: S3Client | Any) -> None:
        self._client = client

    def put_pdf(self, location: StoredObject, body: bytes, *, filename: str) -> None:
        """Writes the PDF at ``location``; writing the same bytes again changes nothing a
        reader can see (the bucket keeps versions)."""
        self._client.put_object(
            Bucket=location.bucket,
            Key=location.key,
            Body=body,
            ContentType=PDF_CONTENT_TYPE,
            ContentDisposition=f'inline; filename="{filename}"',
        )

    def download_url(self, location: StoredObject, *, filename: str, expires_in: int) -> str:
        url: str = self._client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": location.bucket,
                "Key": location.key,
                "ResponseContentDisposition": f'attachment; filename="{filename}"',
            },
            ExpiresIn=expires_in,
        )
        return url
