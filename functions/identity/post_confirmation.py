"""Cognito post-confirmation trigger (``identity.post_confirmation.handler``).

A confirmed self sign-up joins the ``customer`` group; a confirmed password reset changes
nothing (see ``identity.membership``). Cognito waits for the function synchronously and
needs the event back: returning anything else, or raising, fails the user's ConfirmSignUp
with UnexpectedLambdaException (the account stays confirmed; the person signs in, and an
operator can add the group).

Idempotent: AdminAddUserToGroup of a member is a no-op, so a retried confirmation, a
repeated invocation or a user who already is a customer leaves exactly one membership.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import (
    PostConfirmationTriggerEvent,
)

from identity.membership import group_to_join
from shared import aws
from shared.auth import CUSTOMER
from shared.observability import lambda_handler, logger, metrics

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

CUSTOMER_GROUP_ENV = "CUSTOMER_GROUP"


@lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
    confirmation = PostConfirmationTriggerEvent(event)
    membership = group_to_join(
        confirmation.trigger_source,
        confirmation.user_pool_id,
        confirmation.user_name,
        os.environ.get(CUSTOMER_GROUP_ENV) or CUSTOMER,
    )
    if membership is None:
        logger.info("Confirmation grants no group", trigger_source=confirmation.trigger_source)
        return event
    aws.client("cognito-idp").admin_add_user_to_group(
        UserPoolId=membership.user_pool_id,
        Username=membership.username,
        GroupName=membership.group,
    )
    # The username, not the e-mail address: no personal data in the logs.
    logger.info("User joined group", group=membership.group, username=membership.username)
    metrics.add_metric(name="CustomersRegistered", unit="Count", value=1)
    return event
