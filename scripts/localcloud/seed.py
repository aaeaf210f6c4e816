"""Demo data for `make up`: an admin, a customer (Cognito) and a few products (REST API).

Users come in as they do on AWS: the admin is created by an administrator
(AdminCreateUser: the pool refuses nobody's sign-up, but admins never sign up), the customer
signs up, reads the code from the mailbox (the emulator's SES store) and confirms it, so the
post-confirmation trigger puts them in `customer`. Products go in through the public API as
the admin, so seeding exercises the same path as any client: authorizer, handler, table,
stream, publisher, topic.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import boto3

from localcloud.cognito_emulation import CODE_SENDER

DEMO_PASSWORD = "Demo-Passw0rd!"


@dataclass(frozen=True)
class DemoUser:
    username: str
    groups: tuple[str, ...]


DEMO_USERS = (
    DemoUser("admin@example.com", ("admin",)),
    DemoUser("customer@example.com", ("customer",)),
)
DEMO_PRODUCTS = (
    {
        "sku": "MUG-CLASSIC",
        "name": "Classic mug",
        "description": "Stoneware, 350 ml.",
        "price": {"amount": 1299, "currency": "EUR"},
        "stock": 120,
    },
    {
        "sku": "TEE-ORGANIC-M",
        "name": "Organic T-shirt (M)",
        "description": "100% organic cotton.",
        "price": {"amount": 2499, "currency": "EUR"},
        "stock": 40,
    },
    {
        "sku": "BAG-CANVAS",
        "name": "Canvas tote bag",
        "description": "Heavy canvas, reinforced handles.",
        "price": {"amount": 1599, "currency": "EUR"},
        "stock": 10,
    },
)


def create_user(cognito: Any, user_pool_id: str, username: str, groups: tuple[str, ...]) -> None:
    """A user an administrator creates (staff: never self-registered)."""
    cognito.admin_create_user(
        UserPoolId=user_pool_id,
        Username=username,
        UserAttributes=[
            {"Name": "email", "Value": username},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": username.split("@", 1)[0].title()},
        ],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=user_pool_id, Username=username, Password=DEMO_PASSWORD, Permanent=True
    )
    for group in groups:
        cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=username, GroupName=group)


def sign_up_customer(cognito: Any, endpoints: dict[str, Any], username: str) -> None:
    """A customer registers as a person would: SignUp, the code from the mailbox, confirm."""
    client_id = endpoints["user_pool_client_id"]
    cognito.sign_up(
        ClientId=client_id,
        Username=username,
        Password=DEMO_PASSWORD,
        UserAttributes=[
            {"Name": "email", "Value": username},
            {"Name": "name", "Value": username.split("@", 1)[0].title()},
        ],
    )
    code = mailed_code(endpoints["aws_endpoint_url"], username)
    cognito.confirm_sign_up(ClientId=client_id, Username=username, ConfirmationCode=code)


def mailed_code(emulator_url: str, address: str, wait_s: float = 10.0) -> str:
    """The newest verification code the emulator e-mailed to ``address``."""
    deadline = time.monotonic() + wait_s
    while True:
        with urllib.request.urlopen(
            f"{emulator_url}/moto-api/data.json?service=ses", timeout=30
        ) as response:
            messages = json.loads(response.read()).get("ses", {}).get("Message", [])
        codes = [
            found.group(1)
            for message in messages
            if message.get("source") == CODE_SENDER
            and address in message.get("destinations", {}).get("ToAddresses", [])
            and (found := re.search(r"\b(\d{6})\b", str(message.get("body", ""))))
        ]
        if codes:
            return codes[-1]
        if time.monotonic() > deadline:
            raise RuntimeError(f"no verification code was e-mailed to {address}")
        time.sleep(0.2)


def id_token(cognito: Any, client_id: str, username: str) -> str:
    result = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": DEMO_PASSWORD},
    )
    return str(result["AuthenticationResult"]["IdToken"])


def post_json(url: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": token, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return dict(json.loads(response.read()))


def seed_demo_data(endpoints: dict[str, Any]) -> list[dict[str, Any]]:
    """Creates the demo users and products; returns the users for endpoints.json."""
    cognito = boto3.client(
        "cognito-idp", endpoint_url=endpoints["aws_endpoint_url"], region_name=endpoints["region"]
    )
    admin, *others = DEMO_USERS
    # Customers sign up (their trigger's first run, the mailed code) while the admin adds
    # the products (the products function's first run): independent, so side by side.
    with ThreadPoolExecutor(max_workers=max(1, len(others)), thread_name_prefix="seed") as pool:
        signed_up = [
            pool.submit(sign_up_customer, cognito, endpoints, user.username)
            if user.groups == ("customer",)
            else pool.submit(
                create_user, cognito, endpoints["user_pool_id"], user.username, user.groups
            )
            for user in others
        ]
        create_user(cognito, endpoints["user_pool_id"], admin.username, admin.groups)
        admin_token = id_token(cognito, endpoints["user_pool_client_id"], admin.username)
        for product in DEMO_PRODUCTS:
            post_json(f"{endpoints['rest_url']}/products", admin_token, product)
        for future in signed_up:
            future.result()
    return [
        {"username": user.username, "password": DEMO_PASSWORD, "groups": list(user.groups)}
        for user in DEMO_USERS
    ]
