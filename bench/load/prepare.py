"""The people and products a run works with, created before it starts and removed after.

Customers sign up the way the end-to-end suite's do (`tests/e2e/conftest.py`): SignUp, the
verification code from the local mailbox, ConfirmSignUp, and the pool's post-confirmation
trigger puts them in `customer`. On AWS nothing is mailed to sign anyone up (Cognito's own
e-mail sends 50 a day): an admin creates them with a verified address, as the e2e suite
does for staff, and their order e-mails go to the SES mailbox simulator, which accepts mail
even in the SES sandbox. Admins are always created by an admin (AdminCreateUser).
Products are new for every run, so the checks can account for every unit of their stock.
Orders learns of them through its projection a moment later: until then `POST /orders`
answers 409 `ProductNotYetAvailable`, which the shoppers retry with the same key.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from tests.e2e.conftest import User, create_staff_user, sign_up_customer
from tests.e2e.endpoints import Endpoints

PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Words the product names are made of: the browsing users search for them.
NAME_WORDS = ("Granite", "Walnut", "Copper", "Linen", "Indigo", "Maple", "Saffron", "Cobalt")


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    initial_stock: int


@dataclass
class Fixtures:
    run_id: str
    customers: list[User]
    admin: User
    products: list[Product]
    search_terms: list[str] = field(default_factory=list)


def new_run_id() -> str:
    return time.strftime("%Y%m%d%H%M%S", time.gmtime()) + "-" + secrets.token_hex(3)


def _password() -> str:
    # Cognito's default policy: upper, lower, digit and symbol, 8 characters or more.
    return "Ld-" + "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(16)) + "7a"


def customer_address(endpoints: Endpoints, run_id: str, number: int) -> str:
    if endpoints.target == "aws":
        return f"success+load-{run_id}-{number}@simulator.amazonses.com"
    return f"load-{run_id}-{number}@example.com"


def sign_in(endpoints: Endpoints, cognito: Any, username: str, password: str) -> str:
    result = cognito.initiate_auth(
        ClientId=endpoints.user_pool_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(result["AuthenticationResult"]["IdToken"])


def create_accounts(
    endpoints: Endpoints, cognito: Any, run_id: str, customers: int
) -> tuple[list[User], User]:
    accounts: list[User] = []
    for number in range(customers):
        username, password = customer_address(endpoints, run_id, number), _password()
        if endpoints.target == "aws":
            create_staff_user(endpoints, cognito, username, password, ("customer",))
        else:
            sign_up_customer(endpoints, cognito, username, password)
        token = sign_in(endpoints, cognito, username, password)
        accounts.append(User(username, ("customer",), token))
    admin_name, admin_password = f"load-{run_id}-admin@example.com", _password()
    create_staff_user(endpoints, cognito, admin_name, admin_password, ("admin",))
    admin = User(admin_name, ("admin",), sign_in(endpoints, cognito, admin_name, admin_password))
    return accounts, admin


def sale_stock(stock: int) -> int:
    """The first product is on sale: half the orders want it, and it has an eighth of the
    stock, so it sells out during a run and the no-oversell check has something to check."""
    return max(1, stock // 8)


def create_products(
    session: requests.Session,
    endpoints: Endpoints,
    admin: User,
    run_id: str,
    *,
    count: int,
    stock: int,
) -> list[Product]:
    products = []
    for number in range(count):
        name = f"Load {NAME_WORDS[number % len(NAME_WORDS)]} {run_id} #{number}"
        initial = stock if number else sale_stock(stock)
        body: dict[str, Any] = {
            "sku": f"LOAD-{run_id}-{number}",
            "name": name,
            "description": "Created by make load; deleted when the run ends.",
            "price": {"amount": 500 + 250 * number, "currency": "EUR"},
            "stock": initial,
        }
        response = session.post(
            f"{endpoints.rest_url}/products", json=body, headers=admin.headers, timeout=30
        )
        if response.status_code != 201:
            raise RuntimeError(
                f"could not create a load product: {response.status_code} {response.text[:300]}"
            )
        products.append(Product(response.json()["id"], name, initial))
    return products


def prepare(
    endpoints: Endpoints,
    client: Callable[[str], Any],
    session: requests.Session,
    *,
    customers: int,
    products: int,
    stock: int,
) -> Fixtures:
    run_id = new_run_id()
    accounts, admin = create_accounts(endpoints, client("cognito-idp"), run_id, customers)
    created = create_products(session, endpoints, admin, run_id, count=products, stock=stock)
    terms = sorted({product.name.split()[1] for product in created})
    return Fixtures(run_id, accounts, admin, created, terms)


def clean_up(
    endpoints: Endpoints,
    client: Callable[[str], Any],
    session: requests.Session,
    fixtures: Fixtures,
) -> list[str]:
    """Deletes the run's products and users; returns what could not be deleted."""
    problems = []
    for product in fixtures.products:
        response = session.delete(
            f"{endpoints.rest_url}/products/{product.id}",
            headers=fixtures.admin.headers,
            timeout=30,
        )
        if response.status_code not in (204, 404):
            problems.append(f"product {product.id}: DELETE {response.status_code}")
    cognito = client("cognito-idp")
    for account in [*fixtures.customers, fixtures.admin]:
        try:
            cognito.admin_delete_user(UserPoolId=endpoints.user_pool_id, Username=account.username)
        except Exception as error:  # reported; the run's result stands
            problems.append(f"user {account.username}: {error}")
    return problems
