"""The WebSocket API's ``$connect`` REQUEST authorizer (``realtime.authorizer.handler``).

Browsers cannot set headers on a WebSocket handshake, so the Cognito ID token travels in
the query string: ``wss://.../prod?token=<id token>`` (identity source
``route.request.querystring.token``). A valid token gets an IAM policy allowing the
connection and a context (``userId``, ``username``, ``email``, ``groups`` comma-separated,
``tokenExpiresAt``: the token's ``exp`` in epoch seconds, a string) that API
Gateway passes to every later event of the connection as ``requestContext.authorizer``.
Anything else raises ``Unauthorized``: API Gateway answers 401.

Environment: ``USER_POOL_ID``, ``USER_POOL_CLIENT_ID``, ``JWKS_URL`` (optional; default
the pool's public JWKS, or ``<AWS_ENDPOINT_URL>/<pool>/.well-known/jwks.json`` when an
emulator endpoint is set).
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING, Any

from realtime.tokens import CognitoIdTokenVerifier, InvalidToken
from shared.auth import parse_groups
from shared.observability import lambda_handler, logger, metrics

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

USER_POOL_ENV = "USER_POOL_ID"
CLIENT_ENV = "USER_POOL_CLIENT_ID"
JWKS_URL_ENV = "JWKS_URL"


def jwks_url(user_pool_id: str) -> str | None:
    explicit = os.environ.get(JWKS_URL_ENV)
    if explicit:
        return explicit
    emulator = os.environ.get("AWS_ENDPOINT_URL")
    return f"{emulator.rstrip('/')}/{user_pool_id}/.well-known/jwks.json" if emulator else None


@cache
def verifier() -> CognitoIdTokenVerifier:
    pool = os.environ[USER_POOL_ENV]
    return CognitoIdTokenVerifier.for_user_pool(
        os.environ.get("AWS_REGION", "us-east-1"),
        pool,
        os.environ[CLIENT_ENV],
        jwks_url=jwks_url(pool),
    )


def token_of(event: dict[str, Any]) -> str | None:
    token = (event.get("queryStringParameters") or {}).get("token")
    return token if isinstance(token, str) and token else None


def policy(principal_id: str, resource: str, context: dict[str, str]) -> dict[str, Any]:
    return {
        "principalId": principal_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": resource}
            ],
        },
        "context": context,
    }


def authorize(event: dict[str, Any], verify: CognitoIdTokenVerifier) -> dict[str, Any]:
    token = token_of(event)
    if token is None:
        raise InvalidToken("no token")
    claims = verify.verify(token)
    groups = sorted(parse_groups(claims.get("cognito:groups")))
    context = {
        "userId": str(claims["sub"]),
        "username": str(claims.get("cognito:username") or claims["sub"]),
        "email": str(claims.get("email") or ""),
        "groups": ",".join(groups),
        "tokenExpiresAt": str(int(claims["exp"])),
    }
    return policy(context["userId"], str(event["methodArn"]), context)


@lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
    try:
        response = authorize(event, verifier())
    except InvalidToken as refused:
        logger.info("Connection refused", reason=str(refused))
        metrics.add_metric(name="WebSocketConnectionsRefused", unit="Count", value=1)
        raise Exception("Unauthorized") from None
    logger.info("Connection authorized", user_id=response["principalId"])
    return response
