"""Who joins which group when Cognito confirms an account: plain code, no AWS.

Cognito invokes the post-confirmation trigger for two reasons (``triggerSource``):

- ``PostConfirmation_ConfirmSignUp``: a person confirmed the code of their own sign-up
  (ConfirmSignUp), or an operator confirmed it for them (AdminConfirmSignUp). Every
  self-registered account is a customer's.
- ``PostConfirmation_ConfirmForgotPassword``: someone reset a forgotten password. That says
  nothing about who they are: an admin resetting their password must never become a
  customer, so nothing changes.

Anything else is not a post-confirmation event: refusing it (an exception fails the
Cognito call) is safer than guessing.
"""

from __future__ import annotations

from dataclasses import dataclass

CONFIRM_SIGN_UP = "PostConfirmation_ConfirmSignUp"
CONFIRM_FORGOT_PASSWORD = "PostConfirmation_ConfirmForgotPassword"


class UnexpectedTrigger(ValueError):
    """The event is not one of the post-confirmation trigger sources."""


@dataclass(frozen=True)
class JoinGroup:
    user_pool_id: str
    username: str
    group: str


def group_to_join(
    trigger_source: str, user_pool_id: str, username: str, customer_group: str
) -> JoinGroup | None:
    """The group membership a confirmation grants (None: it grants nothing)."""
    if trigger_source == CONFIRM_FORGOT_PASSWORD:
        return None
    if trigger_source != CONFIRM_SIGN_UP:
        raise UnexpectedTrigger(f"not a post-confirmation trigger source: {trigger_source!r}")
    if not user_pool_id or not username:
        raise UnexpectedTrigger("the event names no user pool or no user")
    return JoinGroup(user_pool_id=user_pool_id, username=username, group=customer_group)
