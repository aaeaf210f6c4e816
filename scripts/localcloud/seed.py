"""Demo data for `make up`: an admin, a customer (Cognito) and a few products (REST API).

Products go in through the public API as the admin, so seeding exercises the same path
as any client: authorizer, handler, table, stream, publisher, topic.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from typing import Any

import boto3

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
    cognito.admin_create_user(
        UserPoolId=user_pool_id,
        Username=username,
        UserAttributes=[
            {"Name": "email", "Value": username},
            {"Name": "email_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=user_pool_id, Username=username, Password=DEMO_PASSWORD, Permanent=True
    )
    for group in groups:
        cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=username, GroupName=group)


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
    users = []
    for user in DEMO_USERS:
        create_user(cognito, endpoints["user_pool_id"], user.username, user.groups)
        users.append(
            {"username": user.username, "password": DEMO_PASSWORD, "groups": list(user.groups)}
        )
    admin_token = id_token(cognito, endpoints["user_pool_client_id"], DEMO_USERS[0].username)
    for product in DEMO_PRODUCTS:
        post_json(f"{endpoints['rest_url']}/products", admin_token, product)
    return users
