"""Cognito as a person meets it, inside the emulator process (installed by emulator_server).

moto's Cognito lets anyone sign up even where the pool allows admin-created users only,
confirms any sign-up without looking at a code, never sends a code anywhere, has no
ResendConfirmationCode, and never runs the pool's Lambda triggers. Here:

- SignUp is refused on a pool with ``AllowAdminCreateUserOnly`` exactly as Cognito refuses
  it (NotAuthorizedException "SignUp is not permitted for this user pool").
- SignUp, ResendConfirmationCode and ForgotPassword make a 6-digit code and "send" it: the
  e-mail is recorded in moto's SES store as a sent message from
  ``no-reply@verificationemail.com`` (Cognito's default sender) to the user's address, so the
  local mailbox and the tests read it where they read every other e-mail.
- ConfirmSignUp and ConfirmForgotPassword check the code: a wrong one is a
  CodeMismatchException, one past its lifetime (24 h for sign-up, 1 h for a password reset)
  or never issued an ExpiredCodeException. A confirmed sign-up verifies the e-mail address
  (``email_verified=true``), as the code proves the person reads that mailbox.
- The pool's post-confirmation trigger runs after ConfirmSignUp, AdminConfirmSignUp and
  ConfirmForgotPassword, synchronously, with Cognito's event, through the local Lambda
  runtime's Invoke API (the runtime registers its URL at ``POST
  /moto-api/localcloud/lambda-endpoint``, see localcloud.lambda_invoke_api). As on Cognito, the
  confirmation itself stands when the trigger fails, and the caller gets the trigger's error:
  UserLambdaValidationException "PostConfirmation failed with error <message>." when the
  function raised, InvalidLambdaResponseException when it returned something other than a
  JSON object, UnexpectedLambdaException when it could not be invoked (no runtime, unknown
  function, throttled, timed out).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

CODE_SENDER = "no-reply@verificationemail.com"
CODE_SUBJECT = "Your verification code"
SIGN_UP = "sign_up"
FORGOT_PASSWORD = "forgot_password"
CODE_LIFETIME_S = {SIGN_UP: 24 * 3600.0, FORGOT_PASSWORD: 3600.0}
CONFIRM_SIGN_UP = "PostConfirmation_ConfirmSignUp"
CONFIRM_FORGOT_PASSWORD = "PostConfirmation_ConfirmForgotPassword"
LAMBDA_ENDPOINT_PATH = "/moto-api/localcloud/lambda-endpoint"
INVOKE_TIMEOUT_S = 30.0
"""How long the emulator waits for the runtime; the function's own timeout (5 s for the
trigger in Terraform) is enforced by the runtime, which answers with Sandbox.Timedout."""
_CODES = "_localcloud_codes"  # on moto's user object; the leading _ keeps it out of dumps


@dataclass
class _LambdaEndpoint:
    url: str | None = None


lambda_endpoint = _LambdaEndpoint()
_endpoint_lock = threading.Lock()


def _error(error_type: str, message: str) -> Exception:
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError(error_type, message)


# --- codes -------------------------------------------------------------------------------


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def issue_code(backend: Any, user: Any, purpose: str) -> dict[str, str]:
    """Makes a code for ``purpose`` (replacing any earlier one), e-mails it, and returns
    Cognito's CodeDeliveryDetails."""
    address = user.attribute_lookup.get("email")
    if not address:
        raise _error(
            "InvalidParameterException",
            "Cannot send a verification code: the user has no e-mail address",
        )
    code = new_code()
    codes = getattr(user, _CODES, None) or {}
    codes[purpose] = (code, time.time() + CODE_LIFETIME_S[purpose])
    setattr(user, _CODES, codes)
    record_code_email(backend.account_id, backend.region_name, address, code)
    return {"Destination": mask(address), "DeliveryMedium": "EMAIL", "AttributeName": "email"}


def check_code(user: Any, purpose: str, given: str | None) -> None:
    """Raises Cognito's error unless ``given`` is the user's live code for ``purpose``;
    a correct code is used up."""
    codes = getattr(user, _CODES, None) or {}
    issued = codes.get(purpose)
    if issued is None:
        raise _error("ExpiredCodeException", "Invalid code provided, please request a code again.")
    code, expires_at = issued
    if not given or not secrets.compare_digest(code, str(given)):
        raise _error(
            "CodeMismatchException", "Invalid verification code provided, please try again."
        )
    if time.time() > expires_at:
        raise _error("ExpiredCodeException", "Invalid code provided, please request a code again.")
    del codes[purpose]


def record_code_email(account_id: str, region: str, address: str, code: str) -> None:
    """Records the code e-mail as sent by SES (moto's store), without SES's sender checks:
    Cognito sends from its own domain."""
    from moto.ses.models import Message, ses_backends
    from moto.ses.utils import get_random_message_id

    ses = ses_backends[account_id][region]
    body = f"Your verification code is {code}."
    message = Message(
        get_random_message_id(), CODE_SENDER, CODE_SUBJECT, body, {"ToAddresses": [address]}
    )
    ses.sent_messages.append(message)
    ses.sent_message_count += 1


def mask(address: str) -> str:
    """How Cognito shows the destination: ``a***@e***``."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


# --- pool, client and user lookups ---------------------------------------------------------


def pool_of_client(response: Any, client_id: str) -> tuple[Any, Any]:
    """(backend, pool) of the app client; ResourceNotFoundException when none has it."""
    backend = response._get_region_agnostic_backend()._find_backend_for_clientid(client_id)
    for pool in backend.user_pools.values():
        if client_id in pool.clients:
            return backend, pool
    raise _error("ResourceNotFoundException", f"User pool client {client_id} does not exist.")


def user_of(pool: Any, username: str) -> Any:
    user = pool._get_user(username)
    if user is None:
        raise _error("UserNotFoundException", "Username/client id combination not found.")
    return user


def sign_up_allowed(pool: Any) -> bool:
    config = pool.extended_config.get("AdminCreateUserConfig") or {}
    return not config.get("AllowAdminCreateUserOnly", False)


def email_auto_verified(pool: Any) -> bool:
    return "email" in (pool.extended_config.get("AutoVerifiedAttributes") or [])


# --- triggers ------------------------------------------------------------------------------


def post_confirmation_event(
    pool: Any,
    user: Any,
    *,
    client_id: str,
    trigger_source: str,
    client_metadata: dict[str, str] | None,
) -> dict[str, Any]:
    """The event Cognito sends a post-confirmation trigger (AWS's documentation: common
    parameters, then ``request.userAttributes`` and ``clientMetadata``, empty ``response``)."""
    attributes = {"sub": user.id, **user.attribute_lookup, "cognito:user_status": "CONFIRMED"}
    request: dict[str, Any] = {"userAttributes": attributes}
    if client_metadata:
        request["clientMetadata"] = client_metadata
    return {
        "version": "1",
        "region": pool.region,
        "userPoolId": pool.id,
        "userName": user.username,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id},
        "triggerSource": trigger_source,
        "request": request,
        "response": {},
    }


def run_post_confirmation(pool: Any, event: dict[str, Any]) -> None:
    """Invokes the pool's post-confirmation function, if it has one, and raises Cognito's
    error when it fails."""
    function_arn = (pool.extended_config.get("LambdaConfig") or {}).get("PostConfirmation")
    if function_arn:
        invoke_trigger("PostConfirmation", function_arn, event)


def invoke_trigger(trigger: str, function_arn: str, event: dict[str, Any]) -> dict[str, Any]:
    """One synchronous Lambda Invoke through the local runtime; Cognito's errors on failure."""
    with _endpoint_lock:
        endpoint = lambda_endpoint.url
    if not endpoint:
        raise _error(
            "UnexpectedLambdaException",
            f"{trigger} invocation failed due to error: no Lambda runtime is registered with "
            "the emulator (is the local cloud's runtime running?)",
        )
    quoted = urllib.parse.quote(function_arn, safe="")
    request = urllib.request.Request(
        f"{endpoint}/2015-03-31/functions/{quoted}/invocations",
        data=json.dumps(event).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "X-Amz-Invocation-Type": "RequestResponse"},
    )
    try:
        with urllib.request.urlopen(request, timeout=INVOKE_TIMEOUT_S) as response:
            function_error = response.headers.get("X-Amz-Function-Error")
            raw = response.read()
    except urllib.error.HTTPError as refused:  # unknown function, throttled, ...
        detail = refused.read().decode(errors="replace")[:300]
        raise _error(
            "UnexpectedLambdaException",
            f"{trigger} invocation failed due to error {refused.code} {detail}",
        ) from refused
    except TimeoutError as slow:
        raise _error(
            "UnexpectedLambdaException",
            f"{trigger} invocation failed due to error Socket timeout while invoking Lambda "
            "function.",
        ) from slow
    except OSError as unreachable:
        raise _error(
            "UnexpectedLambdaException",
            f"{trigger} invocation failed due to error {unreachable}",
        ) from unreachable
    try:
        payload = json.loads(raw) if raw else None
    except ValueError:
        payload = None
    if function_error:
        message = payload.get("errorMessage") if isinstance(payload, dict) else None
        if isinstance(payload, dict) and payload.get("errorType") == "Sandbox.Timedout":
            raise _error(
                "UnexpectedLambdaException",
                f"{trigger} invocation failed due to error Socket timeout while invoking "
                "Lambda function.",
            )
        raise _error("UserLambdaValidationException", f"{trigger} failed with error {message}.")
    if not isinstance(payload, dict):
        raise _error(
            "InvalidLambdaResponseException", "Invalid lambda function output : Invalid JSON"
        )
    return payload


# --- the patched actions -------------------------------------------------------------------


def _empty() -> Any:
    from moto.core.responses import EmptyResult

    return EmptyResult()


def _result(body: dict[str, Any]) -> Any:
    from moto.core.responses import ActionResult

    return ActionResult(body)


def _sign_up(self: Any) -> Any:
    client_id = self._get_param("ClientId")
    backend, pool = pool_of_client(self, client_id)
    if not sign_up_allowed(pool):
        raise _error("NotAuthorizedException", "SignUp is not permitted for this user pool")
    result = _MOTO["sign_up"](self)
    user = pool._get_user(self._get_param("Username"))
    if user is not None and email_auto_verified(pool) and user.status is _status().UNCONFIRMED:
        details = issue_code(backend, user, SIGN_UP)
        return _result({**result.result, "CodeDeliveryDetails": details})
    return result


def _confirm_sign_up(self: Any) -> Any:
    client_id = self._get_param("ClientId")
    _backend, pool = pool_of_client(self, client_id)
    user = user_of(pool, self._get_param("Username"))
    if user.status is _status().CONFIRMED:
        raise _error(
            "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED"
        )
    check_code(user, SIGN_UP, self._get_param("ConfirmationCode"))
    user.status = _status().CONFIRMED
    if "email" in user.attribute_lookup:  # the code went to that address
        user.update_attributes([{"Name": "email_verified", "Value": "true"}])
    event = post_confirmation_event(
        pool,
        user,
        client_id=client_id,
        trigger_source=CONFIRM_SIGN_UP,
        client_metadata=self._get_param("ClientMetadata"),
    )
    run_post_confirmation(pool, event)
    return _empty()


def _admin_confirm_sign_up(self: Any) -> Any:
    result = _MOTO["admin_confirm_sign_up"](self)  # raises for an unknown pool or user
    pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
    user = user_of(pool, self._get_param("Username"))
    event = post_confirmation_event(
        pool,
        user,
        client_id="CLIENT_ID_NOT_APPLICABLE",
        trigger_source=CONFIRM_SIGN_UP,
        client_metadata=self._get_param("ClientMetadata"),
    )
    run_post_confirmation(pool, event)
    return result


def _resend_confirmation_code(self: Any) -> Any:
    client_id = self._get_param("ClientId")
    backend, pool = pool_of_client(self, client_id)
    user = user_of(pool, self._get_param("Username"))
    if user.status is _status().CONFIRMED:
        raise _error("InvalidParameterException", "User is already confirmed.")
    return _result({"CodeDeliveryDetails": issue_code(backend, user, SIGN_UP)})


def _forgot_password(self: Any) -> Any:
    client_id = self._get_param("ClientId")
    backend, pool = pool_of_client(self, client_id)
    user = pool._get_user(self._get_param("Username"))
    if user is None:  # moto's (and Cognito's) answer for an unknown user
        return _MOTO["forgot_password"](self)
    if user.attribute_lookup.get("email_verified", "false") != "true":
        raise _error(
            "InvalidParameterException",
            "Cannot reset password for the user as there is no registered/verified email "
            "or phone_number",
        )
    return _result({"CodeDeliveryDetails": issue_code(backend, user, FORGOT_PASSWORD)})


def _confirm_forgot_password(self: Any) -> Any:
    client_id = self._get_param("ClientId")
    backend, pool = pool_of_client(self, client_id)
    user = user_of(pool, self._get_param("Username"))
    check_code(user, FORGOT_PASSWORD, self._get_param("ConfirmationCode"))
    password = self._get_param("Password")
    backend._validate_password(pool.id, password)
    user.password = password
    user.confirmation_code = None
    if user.status is _status().RESET_REQUIRED:
        user.status = _status().CONFIRMED
    event = post_confirmation_event(
        pool,
        user,
        client_id=client_id,
        trigger_source=CONFIRM_FORGOT_PASSWORD,
        client_metadata=self._get_param("ClientMetadata"),
    )
    run_post_confirmation(pool, event)
    return _empty()


_PATCHED = (
    "sign_up",
    "confirm_sign_up",
    "admin_confirm_sign_up",
    "resend_confirmation_code",
    "forgot_password",
    "confirm_forgot_password",
)
_MOTO: dict[str, Any] = {}
"""moto's own actions the patched ones fall back on."""


def _status() -> Any:
    from moto.cognitoidp.models import UserStatus

    return UserStatus


def install() -> None:
    """Patches moto's Cognito (in this process) and adds the runtime registration endpoint."""
    from moto.cognitoidp.responses import CognitoIdpResponse

    for action in _PATCHED:
        if action in _MOTO:
            continue  # installed already
        _MOTO[action] = getattr(CognitoIdpResponse, action, None)
        setattr(CognitoIdpResponse, action, globals()[f"_{action}"])
    _add_lambda_endpoint_route()


def _add_lambda_endpoint_route() -> None:
    """``POST /moto-api/localcloud/lambda-endpoint`` ``{"url": "http://127.0.0.1:<port>"}``
    (null to forget it); ``GET`` answers the current one."""
    from moto.moto_api._internal import urls

    def lambda_endpoint_view(request: Any, _full_url: str, _headers: Any) -> Any:
        if request.method == "POST":
            raw = request.data if hasattr(request, "data") else request.body
            try:
                url = json.loads(raw or b"{}").get("url")
            except (ValueError, AttributeError):
                return 400, {}, json.dumps({"message": 'send {"url": "http://host:port"}'})
            if url is not None and not (isinstance(url, str) and url.startswith("http")):
                return 400, {}, json.dumps({"message": "url must be an http(s) URL or null"})
            with _endpoint_lock:
                lambda_endpoint.url = url.rstrip("/") if url else None
        with _endpoint_lock:
            current = lambda_endpoint.url
        return 200, {"Content-Type": "application/json"}, json.dumps({"url": current})

    urls.url_paths["{0}" + LAMBDA_ENDPOINT_PATH] = lambda_endpoint_view  # type: ignore[assignment]
