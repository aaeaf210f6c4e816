"""Verifies Cognito ID tokens (JWT, RS256) without third-party crypto.

API Gateway WebSocket APIs have no Cognito authorizer, so the ``$connect`` REQUEST
authorizer checks the token itself: signature (RS256 against the user pool's JWKS),
issuer, ``token_use == "id"``, audience (the app client id) and expiry.

RS256 is RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 section 8.2.2): the signature, raised to
the public exponent modulo n, must equal the DER-encoded SHA-256 digest padded as
``00 01 FF..FF 00 <DigestInfo>``. Verification needs the public key only - no secret is
handled, so constant-time arithmetic is not required - and is one ``pow()``. This keeps
the notifications zip free of ``cryptography`` (a 4+ MB native wheel per platform) for
about thirty lines that the tests check against moto's real Cognito tokens. A library
was measured (2026-12, this module alone vs. it plus ``joserfc`` on ``cryptography``, as
the local cloud's verifier uses): import CPU 86 ms -> 155 ms median (x1.85), peak memory
21 -> 33 MiB, on the ``$connect`` path's cold start, plus the native wheel in the zip.

The JWKS is fetched once per container and refetched (at most every 5 minutes) only when
a token names an unknown key id (key rotation).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from shared.json_text import parse_json

# DER prefix of DigestInfo{ sha256, OCTET STRING(32) } (RFC 8017 section 9.2, note 1).
_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
_REFETCH_AFTER_S = 300.0

JwksFetcher = Callable[[str], Mapping[str, Any]]


class InvalidToken(Exception):
    """The token must not open a connection (API Gateway answers 401)."""


@dataclass(frozen=True)
class RsaPublicKey:
    modulus: int
    exponent: int

    @property
    def size_bytes(self) -> int:
        return (self.modulus.bit_length() + 7) // 8

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> RsaPublicKey:
        return cls(
            modulus=int.from_bytes(b64url_decode(str(jwk["n"])), "big"),
            exponent=int.from_bytes(b64url_decode(str(jwk["e"])), "big"),
        )


def b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def rs256_signature_is_valid(key: RsaPublicKey, message: bytes, signature: bytes) -> bool:
    """RSASSA-PKCS1-v1_5 verification with SHA-256."""
    size = key.size_bytes
    if len(signature) != size:
        return False
    s = int.from_bytes(signature, "big")
    if s >= key.modulus:
        return False
    encoded = pow(s, key.exponent, key.modulus).to_bytes(size, "big")
    digest_info = _SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
    padding_length = size - len(digest_info) - 3
    if padding_length < 8:
        return False
    expected = b"\x00\x01" + b"\xff" * padding_length + b"\x00" + digest_info
    return hmac.compare_digest(encoded, expected)


def fetch_jwks(url: str) -> Mapping[str, Any]:
    with urllib.request.urlopen(url, timeout=5) as response:
        document: Mapping[str, Any] = json.load(response)
    return document


class CognitoIdTokenVerifier:
    """Checks ID tokens of one user pool and app client; thread-safe, caches the JWKS."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks_url: str,
        fetch: JwksFetcher = fetch_jwks,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.jwks_url = jwks_url
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, RsaPublicKey] | None = None
        self._fetched_at = 0.0

    @classmethod
    def for_user_pool(
        cls,
        region: str,
        user_pool_id: str,
        client_id: str,
        *,
        jwks_url: str | None = None,
        fetch: JwksFetcher = fetch_jwks,
    ) -> CognitoIdTokenVerifier:
        issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        return cls(
            issuer=issuer,
            audience=client_id,
            jwks_url=jwks_url or f"{issuer}/.well-known/jwks.json",
            fetch=fetch,
        )

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims; raises InvalidToken."""
        header, claims, signing_input, signature = _split(token)
        if header.get("alg") != "RS256":
            raise InvalidToken(f"unsupported algorithm {header.get('alg')!r}")
        key = self._key(str(header.get("kid", "")))
        if not rs256_signature_is_valid(key, signing_input, signature):
            raise InvalidToken("invalid signature")
        if claims.get("iss") != self.issuer:
            raise InvalidToken("wrong issuer")
        if claims.get("token_use") != "id":
            raise InvalidToken("not an ID token")
        if claims.get("aud") != self.audience:
            raise InvalidToken("wrong audience")
        expiry = claims.get("exp")
        if not isinstance(expiry, int | float) or self._clock() >= expiry:
            raise InvalidToken("expired")
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise InvalidToken("no subject")
        return claims

    def _key(self, kid: str) -> RsaPublicKey:
        with self._lock:
            stale = self._clock() - self._fetched_at >= _REFETCH_AFTER_S
            if self._keys is None or (kid not in self._keys and stale):
                try:
                    document = self._fetch(self.jwks_url)
                except Exception as error:
                    raise InvalidToken(f"cannot fetch the JWKS: {error}") from error
                self._keys = {
                    str(jwk["kid"]): RsaPublicKey.from_jwk(jwk)
                    for jwk in document.get("keys", [])
                    if jwk.get("kty") == "RSA" and "kid" in jwk
                }
                self._fetched_at = self._clock()
            key = self._keys.get(kid)
        if key is None:
            raise InvalidToken(f"unknown key id {kid!r}")
        return key


def _split(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken("not a JWT")
    try:
        header = parse_json(b64url_decode(parts[0]))
        claims = parse_json(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except (ValueError, binascii.Error) as error:
        raise InvalidToken("malformed token") from error
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise InvalidToken("malformed token")
    return header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature
