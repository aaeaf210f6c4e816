"""Domain-neutral errors that every service raises and every front door knows how to report.

Services subclass them (``class ProductNotFound(NotFound)``) so domain code never imports
HTTP machinery, and ``shared.http`` maps each family to its status code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One offending input field, named the way the client sent it (``body.price.amount``)."""

    field: str
    message: str


class AppError(Exception):
    """Base of the errors a client may see; ``message`` is safe to show."""

    status_code = 500
    error = "InternalError"

    def __init__(
        self,
        message: str,
        *,
        fields: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or []
        self.headers = headers or {}
        """Response headers the error needs (e.g. ``Retry-After`` of a retryable one)."""


class BadRequest(AppError):
    """Invalid input; reported like request validation errors (``ValidationError``)."""

    status_code = 400
    error = "ValidationError"

    @classmethod
    def for_field(cls, field: str, message: str) -> BadRequest:
        return cls(f"{field}: {message}", fields=[FieldError(field, message)])


class Unauthorized(AppError):
    status_code = 401
    error = "Unauthorized"


class Forbidden(AppError):
    status_code = 403
    error = "Forbidden"


class NotFound(AppError):
    status_code = 404
    error = "NotFound"


class Conflict(AppError):
    status_code = 409
    error = "Conflict"
