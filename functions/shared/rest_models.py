"""The REST error bodies as pydantic models: for the OpenAPI document only (the functions
name them, ``shared.http.ERROR_BODY``; ``shared.rest_documentation`` imports them at build
time)."""

from __future__ import annotations

from pydantic import BaseModel


class ErrorField(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    """The body of every error the services answer (``fields`` only for invalid input)."""

    error: str
    message: str
    fields: list[ErrorField] | None = None


class GatewayErrorBody(BaseModel):
    """What API Gateway itself answers, e.g. 401 when its Cognito authorizer refuses."""

    message: str
