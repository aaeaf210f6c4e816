"""Verifies Cognito user pool tokens the way API Gateway's Cognito authorizer does.

The emulator's Cognito signs tokens with RS256 and serves its public keys at
``<endpoint>/<user_pool_id>/.well-known/jwks.json``; tokens carry
``iss = https://cognito-idp.<region>.amazonaws.com/<user_pool_id>``. Checks, in order:
structure, algorithm (RS256 only), key id, signature, issuer, ``token_use``, expiry,
and for ID tokens the audience (one of the pool's app clients) - the same rules as
the real authorizer. The JWS part (compact form, algorithm, key by ``kid``, RS256
signature) is joserfc's (on ``cryptography``); the Cognito rules are checked here.

Public API::

    verifier = CognitoTokenVerifier(endpoint_url, region)
    claims = verifier.verify(token, user_pool_id, token_use="id")  # raises TokenError
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable, Collection
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from joserfc import jws
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import GuestProtocol, RSAKey

JwksFetcher = Callable[[str], dict[str, Any]]
"""Returns the JWKS document (``{"keys": [...]}``) for a user pool id."""
ClientIdsFetcher = Callable[[str], Collection[str]]
"""Returns the app client ids of a user pool."""

_REFETCH_AFTER_S = 30.0
"""An unknown key id or app client triggers a refetch at most this often."""

_Keyed = TypeVar("_Keyed", bound=Collection[str])


class TokenError(Exception):
    """The token is not acceptable (API Gateway answers 401 Unauthorized)."""


class TokenExpiredError(TokenError):
    """The token was valid but has expired ("The incoming token has expired")."""


class CognitoTokenVerifier:
    """Verifies tokens of any user pool on one emulator; keys and clients are cached."""

    def __init__(
        self,
        endpoint_url: str,
        region: str,
        *,
        jwks_fetcher: JwksFetcher | None = None,
        client_ids_fetcher: ClientIdsFetcher | None = None,
        clock: Callable[[], float] = time.time,
        leeway_s: int = 0,
    ) -> None:
        self.endpoint_url = endpoint_url.rstrip("/")
        self.region = region
        self._fetch_jwks = jwks_fetcher or self._fetch_jwks_over_http
        self._fetch_client_ids = client_ids_fetcher or self._fetch_client_ids_from_cognito
        self._clock = clock
        self._leeway_s = leeway_s
        self._lock = threading.Lock()
        self._keys: dict[str, dict[str, RSAKey]] = {}
        self._clients: dict[str, frozenset[str]] = {}
        self._fetched_at: dict[tuple[str, str], float] = {}

    def issuer(self, user_pool_id: str) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{user_pool_id}"

    def verify(
        self, token: str, user_pool_id: str, *, token_use: str | None = "id"
    ) -> dict[str, Any]:
        """The token's claims, or TokenError. token_use None accepts ID and access tokens."""
        signed = _extract(token)
        algorithm = signed.headers().get("alg")
        if algorithm != "RS256":
            raise TokenError(f"unsupported algorithm {algorithm!r}")

        def signing_key(obj: GuestProtocol) -> RSAKey:
            return self._public_key(user_pool_id, str(obj.headers().get("kid", "")))

        try:
            if not jws.validate_compact(signed, signing_key, algorithms=["RS256"]):
                raise TokenError("invalid signature")
        except BadSignatureError as exc:
            raise TokenError("invalid signature") from exc
        except JoseError as exc:
            raise TokenError(f"malformed token: {exc.description or exc.error}") from exc
        claims = _claims(signed)
        if claims.get("iss") != self.issuer(user_pool_id):
            raise TokenError(f"issuer {claims.get('iss')!r} is not this user pool")
        actual_use = claims.get("token_use")
        if actual_use not in {"id", "access"} or (token_use and actual_use != token_use):
            raise TokenError(f"token_use {actual_use!r} is not accepted here")
        exp = claims.get("exp")
        if not isinstance(exp, int | float):
            raise TokenError("token has no expiry")
        if self._clock() > exp + self._leeway_s:
            raise TokenExpiredError("the incoming token has expired")
        client_id = claims.get("aud") if actual_use == "id" else claims.get("client_id")
        if not isinstance(client_id, str) or not self._is_app_client(user_pool_id, client_id):
            raise TokenError(f"client {client_id!r} is not an app client of {user_pool_id}")
        return claims

    def _public_key(self, user_pool_id: str, kid: str) -> RSAKey:
        keys = self._cached(self._keys, user_pool_id, "jwks", kid, self._load_keys)
        if kid not in keys:
            raise TokenError(f"unknown key id {kid!r}")
        return keys[kid]

    def _is_app_client(self, user_pool_id: str, client_id: str) -> bool:
        clients = self._cached(
            self._clients, user_pool_id, "clients", client_id, self._load_clients
        )
        return client_id in clients

    def _cached(
        self,
        cache: dict[str, _Keyed],
        user_pool_id: str,
        kind: str,
        wanted: str,
        load: Callable[[str], _Keyed],
    ) -> _Keyed:
        """The cached collection; reloaded when `wanted` is missing (rate limited)."""
        with self._lock:
            current = cache.get(user_pool_id)
            last = self._fetched_at.get((kind, user_pool_id))
            stale = last is None or self._clock() - last >= _REFETCH_AFTER_S
            if current is not None and (wanted in current or not stale):
                return current
            try:
                current = load(user_pool_id)
            except Exception as exc:
                raise TokenError(f"cannot load the {kind} of {user_pool_id}: {exc}") from exc
            cache[user_pool_id] = current
            self._fetched_at[(kind, user_pool_id)] = self._clock()
            return current

    def _load_keys(self, user_pool_id: str) -> dict[str, RSAKey]:
        document = self._fetch_jwks(user_pool_id)
        return {
            str(jwk["kid"]): RSAKey.import_key(jwk)
            for jwk in document.get("keys", [])
            if jwk.get("kty") == "RSA" and "kid" in jwk
        }

    def _load_clients(self, user_pool_id: str) -> frozenset[str]:
        return frozenset(self._fetch_client_ids(user_pool_id))

    def _fetch_jwks_over_http(self, user_pool_id: str) -> dict[str, Any]:
        url = f"{self.endpoint_url}/{user_pool_id}/.well-known/jwks.json"
        with urllib.request.urlopen(url, timeout=10) as response:
            document: dict[str, Any] = json.load(response)
        return document

    def _fetch_client_ids_from_cognito(self, user_pool_id: str) -> list[str]:
        cognito = boto3.client(
            "cognito-idp",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            config=Config(retries={"max_attempts": 1}),
        )
        paginator = cognito.get_paginator("list_user_pool_clients")
        return [
            client["ClientId"]
            for page in paginator.paginate(UserPoolId=user_pool_id)
            for client in page["UserPoolClients"]
        ]


def unverified_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT without any check (for diagnostics and tests only)."""
    return _claims(_extract(token))


def _extract(token: str) -> jws.CompactSignature:
    """The token's parts, decoded (nothing verified yet), or TokenError."""
    try:
        signed = jws.extract_compact(token.encode("ascii"))
    except (JoseError, ValueError, TypeError, RecursionError) as exc:  # nested too deeply too
        raise TokenError("malformed token") from exc
    if not isinstance(signed.headers(), dict):
        raise TokenError("malformed token")
    return signed


def _claims(signed: jws.CompactSignature) -> dict[str, Any]:
    try:
        claims = json.loads(signed.payload)
    except (ValueError, RecursionError) as exc:
        raise TokenError("malformed token") from exc
    if not isinstance(claims, dict):
        raise TokenError("malformed token")
    return claims
