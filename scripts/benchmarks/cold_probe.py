"""Run by cold_start.py in a fresh `python -S -E`: one Lambda init, timed.

    cold_probe.py <task root> <runtime dir> <handler module | --baseline | --floor-...>

Imports the handler module and calls its process-wide factories (the module's own
zero-argument ``functools.cache`` functions, e.g. ``service()`` or ``publisher()``), which
create the boto3 clients, as the first invocation would; or runs a reference: the
baseline ``import boto3; boto3.client("dynamodb")``, or a floor (the baseline plus the
libraries a kind of handler is built on, no project code). Prints one JSON line.
Standard library only.
"""

import sys
import time

sys.path[:1] = sys.argv[1:3]  # the task root, then the runtime (this directory: dropped)
TARGET = sys.argv[3]


KEPT: list[object] = []  # the references' clients, alive as a handler's would be


def baseline() -> None:
    import boto3

    KEPT.append(boto3.client("dynamodb"))


def observability() -> None:
    """Powertools' Logger and Metrics: what every handler of the project creates (no
    Tracer: Lambda active tracing needs no SDK in the function, docs/observability.md)."""
    from aws_lambda_powertools import Logger, Metrics

    Logger(), Metrics()


def observability_floor() -> None:
    baseline()
    observability()


def rest_api_floor() -> None:
    """Powertools' REST resolver, without its pydantic validation (the APIs check requests
    with validators generated as plain code; fastjsonschema gives their errors): what the
    APIs are built on."""
    baseline()
    observability()
    import fastjsonschema  # noqa: F401
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver

    APIGatewayRestResolver()


def sqs_consumer_floor() -> None:
    """Powertools' batch processor for SQS."""
    baseline()
    observability()
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType

    BatchProcessor(event_type=EventType.SQS)


def sqs_consumer_s3_floor() -> None:
    """The SQS consumer floor plus an S3 client, for a consumer that writes objects."""
    sqs_consumer_floor()
    import boto3

    KEPT.append(boto3.client("s3"))


REFERENCES = {
    "--baseline": baseline,
    "--floor-observability": observability_floor,
    "--floor-rest-api": rest_api_floor,
    "--floor-sqs-consumer": sqs_consumer_floor,
    "--floor-sqs-consumer-s3": sqs_consumer_s3_floor,
}


def own_factories(module: object) -> list[str]:
    """The module's process-wide factories: module-level ``functools.cache`` wrappers
    callable without arguments (``service()``, or ``publisher = relay.publisher``), except
    those imported from another module (that module's own, used or not)."""
    import functools
    import inspect

    found = []
    for name, value in vars(module).items():
        if not isinstance(value, functools._lru_cache_wrapper):
            continue
        home = sys.modules.get(getattr(value.__wrapped__, "__module__", None) or "")
        if home not in (None, module) and any(v is value for v in vars(home).values()):
            continue
        try:
            inspect.signature(value).bind()
        except (TypeError, ValueError):  # needs arguments, or has no signature
            continue
        found.append(name)
    return sorted(found)


factories: list[str] = []
started, started_cpu = time.perf_counter(), time.process_time()
if TARGET in REFERENCES:
    REFERENCES[TARGET]()
    elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - started_cpu
else:
    import importlib

    module = importlib.import_module(TARGET)
    elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    factories = own_factories(module)  # not timed: the first invocation knows what to call
    started, started_cpu = time.perf_counter(), time.process_time()
    for name in factories:
        getattr(module, name)()
    elapsed += time.perf_counter() - started
    elapsed_cpu += time.process_time() - started_cpu
elapsed_ms, cpu_ms = elapsed * 1000, elapsed_cpu * 1000

import gc  # noqa: E402 (after the measurement)
import json  # noqa: E402
import resource  # noqa: E402

botocore_client = sys.modules.get("botocore.client")
clients = (
    sorted(
        o.meta.service_model.service_name
        for o in gc.get_objects()
        if issubclass(type(o), botocore_client.BaseClient)  # not weakref proxies to one
    )
    if botocore_client is not None
    else []
)
print(
    json.dumps(
        {
            "init_ms": elapsed_ms,
            "init_cpu_ms": cpu_ms,
            "factories": factories,
            "clients": clients,
            "modules": len(sys.modules),
            "tracer": "aws_xray_sdk" in sys.modules,
            "pydantic": "pydantic" in sys.modules,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )
)
