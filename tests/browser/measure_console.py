"""How fast the console feels, measured in headless Chromium against a running stack.

    .venv/bin/python -m tests.browser.measure_console [--runs 10] [--target local]

Two figures, each the median (and min / max) of `--runs` tries:
- sign-in: from the click on "Sign in" to the first product card on screen (Cognito
  InitiateAuth, the redirect, GET /products, rendering);
- order: from the click on "Place order" to "Confirmed" on the order page, pushed over the
  WebSocket (POST /orders, the saga through the queues, the push, rendering).

Times are taken in the page (performance.now() at the click, a MutationObserver for the
result), so Playwright's own round trips do not count. Written to
bench/results/console-timings.json. Not a test: it asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect, sync_playwright

from tests.e2e.endpoints import ROOT, load

RESULTS = ROOT / "bench" / "results" / "console-timings.json"
TIMEOUT_MS = 60_000

# Resolves with the milliseconds from the click on `button` to the first `selector` whose
# text matches; the listener is installed before the click so nothing is missed.
MEASURE = """([buttonText, selector, text]) => { window.__measured = new Promise((resolve) => {
  const button = [...document.querySelectorAll("button")].find((b) => b.textContent === buttonText);
  let started = null;
  button.addEventListener("click", () => { started ??= performance.now(); }, { capture: true });
  const done = () => [...document.querySelectorAll(selector)]
    .some((e) => text === null || e.textContent === text);
  new MutationObserver((_, observer) => {
    if (started !== null && done()) { observer.disconnect(); resolve(performance.now() - started); }
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
}); }"""


def measure(page: Page, button: str, selector: str, text: str | None) -> float:
    page.evaluate(MEASURE, [button, selector, text])
    page.get_by_role("button", name=button).click()
    return float(page.evaluate("window.__measured"))


def sign_in_once(page: Page, web_url: str, user: dict[str, Any]) -> float:
    page.goto(f"{web_url}/#/signin")
    page.get_by_label("E-mail address").fill(user["username"])
    page.get_by_label("Password").fill(user["password"])
    return measure(page, "Sign in", ".product-card", None)


def order_once(page: Page, web_url: str) -> float:
    page.goto(f"{web_url}/#/products")
    page.locator(".product-card").filter(has_text="Classic mug").get_by_role(
        "button", name="Add to cart"
    ).click()
    page.goto(f"{web_url}/#/cart")
    page.get_by_label(re.compile(r"^Address( \*)?$")).fill("1 Test Street")
    page.get_by_label("Postal code").fill("10115")
    page.get_by_label("City").fill("Berlin")
    page.get_by_label("Country").fill("DE")
    return measure(page, "Place order", "#order-status .badge", "Confirmed")


def summary(values: list[float]) -> dict[str, Any]:
    return {
        "median_ms": round(statistics.median(values)),
        "min_ms": round(min(values)),
        "max_ms": round(max(values)),
        "runs_ms": [round(v) for v in values],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--target", default=os.environ.get("TARGET", "local"))
    args = parser.parse_args()
    endpoints = load(args.target)
    web_url = str(endpoints.raw["web_url"]).rstrip("/")
    customer = next(u for u in endpoints.raw["demo_users"] if "customer" in u["groups"])
    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    sign_ins: list[float] = []
    orders: list[float] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, headless=True)
        for _ in range(args.runs):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            sign_ins.append(sign_in_once(page, web_url, customer))
            orders.append(order_once(page, web_url))
            expect(page.locator("#order-status .badge")).to_have_text("Confirmed")
            context.close()
        browser.close()
    figures = {
        "target": args.target,
        "runs": args.runs,
        "sign_in_to_products": summary(sign_ins),
        "order_click_to_confirmed": summary(orders),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    print(f"(written to {Path(RESULTS).relative_to(ROOT)})")


if __name__ == "__main__":
    main()
