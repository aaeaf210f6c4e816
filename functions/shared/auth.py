"""Who is calling: the Cognito ID token claims that API Gateway's authorizer verified.

With a Cognito user pool authorizer on a REST API (proxy integration, payload v1) the
verified claims arrive in ``requestContext.authorizer.claims``. List claims such as
``cognito:groups`` are flattened by API Gateway into a string (``"[admin customer]"``),
other front doors send ``"admin,customer"`` or a JSON list: all are accepted. Boolean
claims (``email_verified``) arrive as ``"true"``/``"false"`` strings the same way.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from shared.errors import Forbidden, Unauthorized
from shared.json_text import parse_json

ADMIN = "admin"
CUSTOMER = "customer"

_GROUP_SEPARATORS = re.compile(r"[\s,]+")


@dataclass(frozen=True)
class Principal:
    user_id: str
    email: str | None
    groups: frozenset[str]
    email_verified: bool = False
    """Cognito's ``email_verified`` claim: the person proved they read ``email``."""

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.groups

    def in_any_group(self, groups: Iterable[str]) -> bool:
        return not self.groups.isdisjoint(groups)

    def require_any_group(self, groups: Iterable[str]) -> None:
        wanted = frozenset(groups)
        if wanted and not self.in_any_group(wanted):
            raise Forbidden(f"requires membership of one of: {', '.join(sorted(wanted))}")

    def require_verified_email(self) -> None:
        """Orders and e-mails go to verified addresses only (403 otherwise)."""
        if not self.email or not self.email_verified:
            raise Forbidden(
                "your e-mail address is not verified: verify your e-mail address with the "
                "code we sent you, then sign in again"
            )

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Principal:
        user_id = claims.get("sub")
        if not isinstance(user_id, str) or not user_id:
            raise Unauthorized("the token carries no subject")
        email = claims.get("email")
        return cls(
            user_id=user_id,
            email=email if isinstance(email, str) and email else None,
            groups=parse_groups(claims.get("cognito:groups")),
            email_verified=is_true_claim(claims.get("email_verified")),
        )


def is_true_claim(raw: object) -> bool:
    """A boolean claim: JSON ``true`` in the token, the string ``"true"`` once API Gateway's
    Cognito authorizer has forwarded it (every claim becomes a string)."""
    if isinstance(raw, bool):
        return raw
    return isinstance(raw, str) and raw.strip().lower() == "true"


def parse_groups(raw: object) -> frozenset[str]:
    """``cognito:groups`` in any of the shapes it travels in, as a set of group names."""
    if raw is None:
        return frozenset()
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("[") and '"' in text:
            with contextlib.suppress(ValueError):
                raw = parse_json(text)
    if isinstance(raw, str):
        names: Iterable[object] = _GROUP_SEPARATORS.split(raw.strip().strip("[]"))
    elif isinstance(raw, Iterable):
        names = raw
    else:
        return frozenset()
    return frozenset(str(name).strip() for name in names if str(name).strip())


def claims_from_event(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    claims = authorizer.get("claims")
    if isinstance(claims, str):  # some emulators forward the claims as a JSON string
        try:
            claims = parse_json(claims)
        except ValueError:
            return None
    return claims if isinstance(claims, Mapping) and claims else None


def principal_from_event(event: Mapping[str, Any]) -> Principal:
    """The caller of a REST proxy v1 request; raises Unauthorized when unauthenticated."""
    claims = claims_from_event(event)
    if claims is None:
        raise Unauthorized("authentication required")
    return Principal.from_claims(claims)
