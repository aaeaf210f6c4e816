"""The $connect authorizer against real tokens from moto's Cognito (RS256, moto's keys)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from realtime import authorizer
from realtime.tokens import CognitoIdTokenVerifier, InvalidToken
from tests.unit.helpers import REGION, lambda_context
from tests.unit.realtime.fixtures import moto_jwks, reset_caches

PASSWORD = "Passw0rd!Passw0rd"
METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/$connect"


@pytest.fixture
def pool(mocked_aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:  # noqa: ARG001
    cognito = boto3.client("cognito-idp")
    pool_id = cognito.create_user_pool(PoolName="shop")["UserPool"]["Id"]

    def client() -> str:
        return str(
            cognito.create_user_pool_client(
                UserPoolId=pool_id, ClientName="web", ExplicitAuthFlows=["USER_PASSWORD_AUTH"]
            )["UserPoolClient"]["ClientId"]
        )

    client_id, other_client_id = client(), client()
    cognito.create_group(UserPoolId=pool_id, GroupName="admin")

    def sign_in(client: str, *groups: str) -> str:
        username = f"user{len(groups)}{client[:4]}@example.com"
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            UserAttributes=[{"Name": "email", "Value": username}],
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True
        )
        for group in groups:
            cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)
        result = cognito.initiate_auth(
            ClientId=client,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
        )["AuthenticationResult"]
        return str(result["IdToken"])

    monkeypatch.setenv("USER_POOL_ID", pool_id)
    monkeypatch.setenv("USER_POOL_CLIENT_ID", client_id)
    reset_caches()
    verifier = CognitoIdTokenVerifier.for_user_pool(REGION, pool_id, client_id, fetch=moto_jwks)
    monkeypatch.setattr(authorizer, "verifier", lambda: verifier)
    yield {
        "pool_id": pool_id,
        "client_id": client_id,
        "verifier": verifier,
        "admin_token": sign_in(client_id, "admin"),
        "token": sign_in(client_id),
        "other_client_token": sign_in(other_client_id),
    }
    reset_caches()


def request(token: str | None) -> dict[str, Any]:
    return {
        "type": "REQUEST",
        "methodArn": METHOD_ARN,
        "queryStringParameters": {"token": token} if token else {},
        "requestContext": {"routeKey": "$connect", "eventType": "CONNECT"},
    }


def claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def test_a_valid_token_is_allowed_with_the_user_in_the_context(pool: dict[str, Any]) -> None:
    response = authorizer.handler(request(pool["admin_token"]), lambda_context())

    sub = claims_of(pool["admin_token"])["sub"]
    assert response["principalId"] == sub
    statement = response["policyDocument"]["Statement"][0]
    assert statement == {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": METHOD_ARN}
    assert response["context"]["userId"] == sub
    assert response["context"]["groups"] == "admin"
    assert "email" in response["context"]
    expiry = int(response["context"]["tokenExpiresAt"])
    assert 0 < expiry - time.time() <= 3600
    assert response["context"]["username"]


@pytest.mark.parametrize("token", [None, "not-a-jwt", "a.b.c"])
def test_missing_or_malformed_tokens_are_unauthorized(
    pool: dict[str, Any],  # noqa: ARG001
    token: str | None,
) -> None:
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer.handler(request(token), lambda_context())


def test_an_expired_token_is_refused(pool: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    expiry = claims_of(pool["token"])["exp"]
    later = CognitoIdTokenVerifier.for_user_pool(
        REGION, pool["pool_id"], pool["client_id"], fetch=moto_jwks
    )
    later._clock = lambda: expiry + 1  # type: ignore[method-assign]
    with pytest.raises(InvalidToken, match="expired"):
        later.verify(pool["token"])
    monkeypatch.setattr(authorizer, "verifier", lambda: later)
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer.handler(request(pool["token"]), lambda_context())


def test_a_token_of_another_app_client_is_refused(pool: dict[str, Any]) -> None:
    with pytest.raises(InvalidToken, match="audience"):
        pool["verifier"].verify(pool["other_client_token"])
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer.handler(request(pool["other_client_token"]), lambda_context())


def test_a_tampered_token_is_refused(pool: dict[str, Any]) -> None:
    header, payload, signature = pool["token"].split(".")
    claims = claims_of(pool["token"])
    claims["cognito:groups"] = ["admin"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidToken, match="signature"):
        pool["verifier"].verify(f"{header}.{forged}.{signature}")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    with pytest.raises(InvalidToken, match="signature"):
        pool["verifier"].verify(f"{header}.{payload}.{flipped}")


def test_another_algorithm_is_refused(pool: dict[str, Any]) -> None:
    _, payload, _ = pool["token"].split(".")
    none_header = base64.urlsafe_b64encode(b'{"alg":"none","kid":"dummy"}').rstrip(b"=").decode()
    with pytest.raises(InvalidToken, match="algorithm"):
        pool["verifier"].verify(f"{none_header}.{payload}.")


def test_the_jwks_is_fetched_once_per_container(pool: dict[str, Any]) -> None:
    fetched: list[str] = []

    def counting(url: str) -> dict[str, Any]:
        fetched.append(url)
        return moto_jwks(url)

    verifier = CognitoIdTokenVerifier.for_user_pool(
        REGION, pool["pool_id"], pool["client_id"], fetch=counting
    )
    for _ in range(3):
        verifier.verify(pool["token"])
    assert fetched == [
        f"https://cognito-idp.{REGION}.amazonaws.com/{pool['pool_id']}/.well-known/jwks.json"
    ]


def test_the_jwks_url_points_at_the_emulator_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JWKS_URL", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    assert authorizer.jwks_url("pool") == "http://127.0.0.1:5000/pool/.well-known/jwks.json"
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    assert authorizer.jwks_url("pool") is None


@pytest.mark.parametrize("part", [0, 1])
def test_a_token_nested_too_deeply_is_unauthorized(
    pool: dict[str, Any],  # noqa: ARG001
    part: int,
) -> None:
    deep = base64.urlsafe_b64encode(b"[" * 50_000).rstrip(b"=").decode()
    parts = ["eyJhbGciOiJSUzI1NiJ9", "e30", "c2ln"]
    parts[part] = deep
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorizer.handler(request(".".join(parts)), lambda_context())
