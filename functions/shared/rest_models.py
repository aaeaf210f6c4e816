"""The REST error bodies, and the pieces every service's responses share, as pydantic
models: for the OpenAPI document only (the functions name them, ``shared.http.ERROR_BODY``;
``shared.rest_documentation`` imports them at build time)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class ResponseBody(BaseModel):
    """A response's JSON as the API answers it. Every field is listed (``extra="forbid"``:
    the documented schema refuses a field the code adds without documenting it)."""

    model_config = ConfigDict(extra="forbid")


class Money(ResponseBody):
    """An amount in minor units of its ISO 4217 currency (``shared.money.Money``'s JSON)."""

    amount: Annotated[int, Field(description="minor units, e.g. cents")]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


NEXT_TOKEN_DESCRIPTION = (
    "Where the next page starts: send it as the nextToken query parameter; null on the last page"
)


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
