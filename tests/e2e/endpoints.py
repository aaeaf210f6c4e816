"""Where the system under test lives, for TARGET=local, localstack or aws.

- local: `.local/endpoints.json`, written by the local cloud when it is ready;
- localstack / aws: the outputs of the Terraform environment that deployed it
  (`terraform -chdir=terraform/environments/<env> output -json`: the stack's outputs,
  passed through whole as `stack`, flattened beside the environment's own).

`web_url` (the console) is `web_url` in endpoints.json locally and the Terraform output
`web_url` where the stack hosts the console (AWS: its CloudFront URL); `mailbox_url` (the
page of recorded e-mails) exists on the local cloud only. Both are None when absent.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENT_BY_TARGET = {"local": "local", "localstack": "local", "aws": "aws"}


@dataclass(frozen=True)
class Endpoints:
    target: str
    rest_url: str
    region: str
    aws_endpoint_url: str | None
    user_pool_id: str
    user_pool_client_id: str
    products_topic_arn: str
    raw: dict[str, Any]
    web_url: str | None = None
    mailbox_url: str | None = None

    def client_kwargs(self) -> dict[str, Any]:
        """boto3 client arguments for this target."""
        kwargs: dict[str, Any] = {"region_name": self.region}
        if self.aws_endpoint_url:
            kwargs["endpoint_url"] = self.aws_endpoint_url
        return kwargs


def _from_terraform(environment: str) -> dict[str, Any]:
    output = subprocess.run(
        ["terraform", f"-chdir=terraform/environments/{environment}", "output", "-json"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # The stack's outputs come whole as the output `stack`, beside the environment's own.
    values = {name: value["value"] for name, value in json.loads(output).items()}
    return {**values.pop("stack", {}), **values}


def load(target: str) -> Endpoints:
    if target not in ENVIRONMENT_BY_TARGET:
        raise ValueError(f"TARGET must be one of {sorted(ENVIRONMENT_BY_TARGET)}, not {target!r}")
    if target == "local":
        raw = json.loads((ROOT / ".local" / "endpoints.json").read_text())
    else:
        raw = _from_terraform(ENVIRONMENT_BY_TARGET[target])
        if target == "localstack":
            emulator = os.environ.get("AWS_ENDPOINT_URL", "http://localhost:4566")
            raw["aws_endpoint_url"] = emulator
            # LocalStack serves a stage at /restapis/<id>/<stage>/_user_request_
            stage = raw["rest_url"].rstrip("/").rsplit("/", 1)[-1]
            raw["rest_url"] = f"{emulator}/restapis/{raw['rest_api_id']}/{stage}/_user_request_"
        else:
            raw["aws_endpoint_url"] = None
    return Endpoints(
        target=target,
        rest_url=raw["rest_url"].rstrip("/"),
        region=raw["region"],
        aws_endpoint_url=raw.get("aws_endpoint_url"),
        user_pool_id=raw["user_pool_id"],
        user_pool_client_id=raw["user_pool_client_id"],
        products_topic_arn=raw["products_topic_arn"],
        raw=raw,
        web_url=_base_url(raw.get("web_url")),
        mailbox_url=_base_url(raw.get("mailbox_url")) if target == "local" else None,
    )


def _base_url(value: Any) -> str | None:
    """A URL without its trailing slash, or None for a missing or empty value."""
    return value.rstrip("/") if isinstance(value, str) and value else None
