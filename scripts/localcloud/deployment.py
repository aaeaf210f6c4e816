"""What was deployed, learnt only through AWS APIs on the emulator (as Terraform left it)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from localcloud.emulator import LOCAL_CREDENTIALS, LOCAL_REGION

DEFAULT_TIMEOUT_S = 3
DEFAULT_MEMORY_MB = 128


class FunctionNotFoundError(LookupError):
    """No function of that name or ARN is deployed."""


@dataclass(frozen=True)
class FunctionSpec:
    """One deployed function's configuration, as GetFunction reports it."""

    name: str
    arn: str
    handler: str
    runtime: str
    environment: Mapping[str, str]
    timeout_s: int
    memory_mb: int
    code_sha256: str
    """Base64 SHA-256 of the deployment zip, as Lambda reports it (CodeSha256)."""
    code_location: str | None
    reserved_concurrency: int | None
    log_group: str


@dataclass(frozen=True)
class QueueSettings:
    """The SQS queue attributes that shape Lambda's SQS semantics."""

    arn: str
    url: str
    visibility_timeout_s: int
    dead_letter_target_arn: str | None
    max_receive_count: int | None


@dataclass(frozen=True)
class SqsMapping:
    uuid: str
    function_arn: str
    queue_arn: str
    batch_size: int
    batching_window_s: float
    report_batch_item_failures: bool
    enabled: bool


@dataclass(frozen=True)
class StreamMapping:
    uuid: str
    function_arn: str
    stream_arn: str
    starting_position: str
    batch_size: int
    batching_window_s: float
    max_retry_attempts: int
    """-1 means retry until the record expires (Lambda's default)."""
    max_record_age_s: int
    """-1 means no limit."""
    bisect_on_error: bool
    report_batch_item_failures: bool
    on_failure_arn: str | None
    enabled: bool


def function_name_of(name_or_arn: str) -> str:
    """`my-fn`, `arn:aws:lambda:r:a:function:my-fn` or `...:my-fn:qualifier` -> `my-fn`."""
    if name_or_arn.startswith("arn:"):
        return name_or_arn.split(":")[6]
    return name_or_arn.split(":", maxsplit=1)[0]


def _function_spec(response: Mapping[str, Any]) -> FunctionSpec:
    config = response["Configuration"]
    name = config["FunctionName"]
    logging_config = config.get("LoggingConfig") or {}
    return FunctionSpec(
        name=name,
        arn=config["FunctionArn"],
        handler=config.get("Handler", ""),
        runtime=config.get("Runtime", ""),
        environment=dict((config.get("Environment") or {}).get("Variables") or {}),
        timeout_s=int(config.get("Timeout") or DEFAULT_TIMEOUT_S),
        memory_mb=int(config.get("MemorySize") or DEFAULT_MEMORY_MB),
        code_sha256=config.get("CodeSha256", ""),
        code_location=(response.get("Code") or {}).get("Location"),
        reserved_concurrency=(response.get("Concurrency") or {}).get(
            "ReservedConcurrentExecutions"
        ),
        log_group=logging_config.get("LogGroup") or f"/aws/lambda/{name}",
    )


def _sqs_mapping(config: Mapping[str, Any]) -> SqsMapping:
    return SqsMapping(
        uuid=config["UUID"],
        function_arn=config["FunctionArn"],
        queue_arn=config["EventSourceArn"],
        batch_size=int(config.get("BatchSize") or 10),
        batching_window_s=float(config.get("MaximumBatchingWindowInSeconds") or 0),
        report_batch_item_failures="ReportBatchItemFailures"
        in (config.get("FunctionResponseTypes") or []),
        enabled=config.get("State", "Enabled") in ("Enabled", "Enabling", "Updating"),
    )


def _stream_mapping(config: Mapping[str, Any]) -> StreamMapping:
    on_failure = ((config.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
    retries = config.get("MaximumRetryAttempts")
    record_age = config.get("MaximumRecordAgeInSeconds")
    return StreamMapping(
        uuid=config["UUID"],
        function_arn=config["FunctionArn"],
        stream_arn=config["EventSourceArn"],
        starting_position=config.get("StartingPosition") or "TRIM_HORIZON",
        batch_size=int(config.get("BatchSize") or 100),
        batching_window_s=float(config.get("MaximumBatchingWindowInSeconds") or 0),
        max_retry_attempts=-1 if retries is None else int(retries),
        max_record_age_s=-1 if record_age is None else int(record_age),
        bisect_on_error=bool(config.get("BisectBatchOnFunctionError")),
        report_batch_item_failures="ReportBatchItemFailures"
        in (config.get("FunctionResponseTypes") or []),
        on_failure_arn=on_failure or None,
        enabled=config.get("State", "Enabled") in ("Enabled", "Enabling", "Updating"),
    )


class Deployment:
    """Reads functions, event source mappings and queue settings from the emulator."""

    def __init__(self, endpoint_url: str, region: str = LOCAL_REGION) -> None:
        self.endpoint_url = endpoint_url
        self.region = region
        self._session = boto3.session.Session(
            aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=region,
        )
        self._config = Config(
            retries={"max_attempts": 2, "mode": "standard"}, max_pool_connections=64
        )
        self.lambda_ = self.client("lambda")
        self.sqs = self.client("sqs")

    def client(self, service: str) -> Any:
        """A boto3 client for the emulator (clients are thread-safe; sessions are not)."""
        return self._session.client(
            service,  # type: ignore[call-overload]
            endpoint_url=self.endpoint_url,
            config=self._config,
        )

    def function(self, name_or_arn: str) -> FunctionSpec:
        try:
            response = self.lambda_.get_function(FunctionName=function_name_of(name_or_arn))
        except ClientError as error:
            if error.response["Error"]["Code"] == "ResourceNotFoundException":
                raise FunctionNotFoundError(name_or_arn) from error
            raise
        if "Concurrency" not in response:
            # moto omits a reserved concurrency of 0 from GetFunction; AWS reports it
            concurrency = self.lambda_.get_function_concurrency(
                FunctionName=response["Configuration"]["FunctionName"]
            )
            if concurrency.get("ReservedConcurrentExecutions") is not None:
                response["Concurrency"] = concurrency
        return _function_spec(response)

    def functions(self) -> list[FunctionSpec]:
        names = [
            config["FunctionName"]
            for page in self.lambda_.get_paginator("list_functions").paginate()
            for config in page["Functions"]
        ]
        return [self.function(name) for name in names]

    def event_source_mappings(self) -> tuple[list[SqsMapping], list[StreamMapping]]:
        sqs: list[SqsMapping] = []
        streams: list[StreamMapping] = []
        for page in self.lambda_.get_paginator("list_event_source_mappings").paginate():
            for config in page["EventSourceMappings"]:
                service = config["EventSourceArn"].split(":")[2]
                if service == "sqs":
                    sqs.append(_sqs_mapping(config))
                elif service == "dynamodb":
                    streams.append(_stream_mapping(config))
        return sqs, streams

    def queue(self, queue_arn: str) -> QueueSettings:
        url = self.sqs.get_queue_url(QueueName=queue_arn.split(":")[5])["QueueUrl"]
        attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])[
            "Attributes"
        ]
        redrive = json.loads(attributes.get("RedrivePolicy") or "{}")
        max_receive = redrive.get("maxReceiveCount")
        return QueueSettings(
            arn=queue_arn,
            url=url,
            visibility_timeout_s=int(attributes.get("VisibilityTimeout", 30)),
            dead_letter_target_arn=redrive.get("deadLetterTargetArn"),
            max_receive_count=None if max_receive is None else int(max_receive),
        )
