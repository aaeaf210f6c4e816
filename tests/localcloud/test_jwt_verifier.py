"""Cognito token verification against the emulator's own signing key and JWKS."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from gateway_helpers import UserPool, deploy_user_pool

from localcloud.emulator import MotoServer, aws_environment
from localcloud.jwt_verifier import (
    CognitoTokenVerifier,
    TokenError,
    TokenExpiredError,
    unverified_claims,
)


@dataclass
class Tokens:
    pool: UserPool
    id_token: str
    access_token: str


@pytest.fixture(scope="module")
def tokens(moto_server: MotoServer) -> Iterator[Tokens]:
    with pytest.MonkeyPatch.context() as env:
        for key, value in aws_environment(moto_server.endpoint_url).items():
            env.setenv(key, value)
        pool = deploy_user_pool({"carol": ["customer"]})
        signed_in = pool.sign_in("carol", "Passw0rd!local")
        yield Tokens(pool, signed_in["IdToken"], signed_in["AccessToken"])


@pytest.fixture
def verifier(moto_server: MotoServer) -> CognitoTokenVerifier:
    return CognitoTokenVerifier(moto_server.endpoint_url, "us-east-1")


def _reencode(token: str, change: dict[str, Any], header: dict[str, Any] | None = None) -> str:
    head, _payload, signature = token.split(".")
    claims = {**unverified_claims(token), **change}

    def encode(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{encode(header) if header else head}.{encode(claims)}.{signature}"


def test_a_cognito_id_token_verifies_and_yields_its_claims(
    verifier: CognitoTokenVerifier, tokens: Tokens
) -> None:
    claims = verifier.verify(tokens.id_token, tokens.pool.pool_id)

    assert claims["token_use"] == "id"
    assert claims["aud"] == tokens.pool.client_id
    assert claims["cognito:username"] == "carol"
    assert claims["cognito:groups"] == ["customer"]
    assert claims["iss"] == f"https://cognito-idp.us-east-1.amazonaws.com/{tokens.pool.pool_id}"


def test_access_tokens_verify_only_when_asked_for(
    verifier: CognitoTokenVerifier, tokens: Tokens
) -> None:
    assert verifier.verify(tokens.access_token, tokens.pool.pool_id, token_use="access")[
        "client_id"
    ] == (tokens.pool.client_id)
    assert verifier.verify(tokens.access_token, tokens.pool.pool_id, token_use=None)
    with pytest.raises(TokenError, match="token_use"):
        verifier.verify(tokens.access_token, tokens.pool.pool_id)


@pytest.mark.parametrize(
    "change",
    [
        {"cognito:groups": ["admin"]},
        {"exp": 4_102_444_800},
        {"aud": "someone-else"},
    ],
)
def test_any_change_to_a_signed_token_breaks_its_signature(
    verifier: CognitoTokenVerifier, tokens: Tokens, change: dict[str, Any]
) -> None:
    with pytest.raises(TokenError, match="invalid signature"):
        verifier.verify(_reencode(tokens.id_token, change), tokens.pool.pool_id)


@pytest.mark.parametrize(
    "header",
    [{"alg": "none", "kid": "dummy"}, {"alg": "HS256", "kid": "dummy"}, {"alg": "RS256"}],
)
def test_unsigned_symmetric_and_unknown_key_tokens_are_refused(
    verifier: CognitoTokenVerifier, tokens: Tokens, header: dict[str, Any]
) -> None:
    with pytest.raises(TokenError):
        verifier.verify(_reencode(tokens.id_token, {}, header), tokens.pool.pool_id)


DEEP = base64.urlsafe_b64encode(b"[" * 50_000).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "token", ["", "abc", "a.b", "a.b.c", "e30.e30.!!", f"{DEEP}.e30.c2ln", f"e30.{DEEP}.c2ln"]
)
def test_malformed_tokens_are_refused(
    verifier: CognitoTokenVerifier, tokens: Tokens, token: str
) -> None:
    with pytest.raises(TokenError):
        verifier.verify(token, tokens.pool.pool_id)


def test_a_token_of_another_pool_has_the_wrong_issuer(
    verifier: CognitoTokenVerifier, tokens: Tokens
) -> None:
    with pytest.raises(TokenError, match="issuer"):
        verifier.verify(tokens.id_token, "us-east-1_otherpool")


def test_expiry_is_checked_against_the_clock(moto_server: MotoServer, tokens: Tokens) -> None:
    exp = unverified_claims(tokens.id_token)["exp"]
    just_before = CognitoTokenVerifier(moto_server.endpoint_url, "us-east-1", clock=lambda: exp)
    just_after = CognitoTokenVerifier(moto_server.endpoint_url, "us-east-1", clock=lambda: exp + 1)

    assert just_before.verify(tokens.id_token, tokens.pool.pool_id)
    with pytest.raises(TokenExpiredError):
        just_after.verify(tokens.id_token, tokens.pool.pool_id)


def test_an_audience_that_is_not_an_app_client_of_the_pool_is_refused(
    moto_server: MotoServer, tokens: Tokens
) -> None:
    verifier = CognitoTokenVerifier(
        moto_server.endpoint_url, "us-east-1", client_ids_fetcher=lambda _pool: ["another-client"]
    )

    with pytest.raises(TokenError, match="app client"):
        verifier.verify(tokens.id_token, tokens.pool.pool_id)


def test_the_jwks_and_the_app_clients_are_fetched_once(
    moto_server: MotoServer, tokens: Tokens
) -> None:
    fetches: list[str] = []
    plain = CognitoTokenVerifier(moto_server.endpoint_url, "us-east-1")

    def counting_jwks(pool_id: str) -> dict[str, Any]:
        fetches.append(f"jwks:{pool_id}")
        return plain._fetch_jwks_over_http(pool_id)

    def counting_clients(pool_id: str) -> list[str]:
        fetches.append(f"clients:{pool_id}")
        return plain._fetch_client_ids_from_cognito(pool_id)

    verifier = CognitoTokenVerifier(
        moto_server.endpoint_url,
        "us-east-1",
        jwks_fetcher=counting_jwks,
        client_ids_fetcher=counting_clients,
    )
    started = time.perf_counter()
    for _ in range(200):
        verifier.verify(tokens.id_token, tokens.pool.pool_id)
    per_token_ms = (time.perf_counter() - started) * 1000 / 200

    assert fetches == [f"jwks:{tokens.pool.pool_id}", f"clients:{tokens.pool.pool_id}"]
    assert per_token_ms < 5
