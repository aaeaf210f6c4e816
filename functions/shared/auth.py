"""Who is calling: the Cognito ID token claims that API Gateway's authorizer verified.

With a Cognito user pool authorizer on a REST API (proxy integration, payload v1) the
verified claims arrive in ``requestContext.authorizer.claims``, every value a string: the
``cognito:groups`` list comma-joined (``"admin,customer"``; one group: ``"admin"``), boolean
claims (``email_verified``) as ``"true"``/``"false"``. (The bracketed ``"[admin customer]"``
is what an HTTP API's JWT authorizer sends, not this API's: it is not read as groups.)
The WebSocket authorizer reads the list from the verified token itself and passes it on
comma-joined in its context, the same format.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from shared.errors import Forbidden, Unauthorized
from shared.json_text import parse_json

ADMIN = "admin"
CUSTOMER = "customer"


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
    """``cognito:groups`` as a set of group names: the token's own list, or the string
    API Gateway's Cognito authorizer makes of it (``"admin,customer"``)."""
    if isinstance(raw, str):
        names: Iterable[object] = raw.split(",")
    elif isinstance(raw, list | tuple | set | frozenset):
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
