"""Run by overhead.py in the sandbox (`python -S -E`): times one scenario's invocations.

    overhead_probe.py <task root> <runtime dir> <scenario name> <invocations>

The handler runs from the extracted zip with its AWS calls answered by botocore's Stubber
(serialisation and parameter validation still happen, only the HTTP exchange is skipped).
Prints one JSON line: microseconds per request (or per record), best and median of runs.
"""

import sys

SCRIPTS = sys.path[0].rsplit("/", 1)[0]
sys.path[:1] = [*sys.argv[1:3], SCRIPTS]  # task root, runtime, then this package's parent

import importlib  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from typing import Any  # noqa: E402

from botocore.stub import Stubber  # noqa: E402

from benchmarks.scenarios import SCENARIOS  # noqa: E402

RUNS = 5


class Context:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    function_name = "bench"
    function_version = "$LATEST"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "2025/01/01/[$LATEST]bench"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def main() -> None:
    name, invocations = sys.argv[3], int(sys.argv[4])
    scenario = next(s for s in SCENARIOS if s.name == name)
    module_name, _, function_name = scenario.handler.rpartition(".")
    handler = getattr(importlib.import_module(module_name), function_name)
    from shared import aws

    total = invocations * RUNS + 1
    stubbers: dict[str, Stubber] = {}
    for _ in range(total):
        for call in scenario.calls:
            if call.service not in stubbers:
                stubbers[call.service] = Stubber(aws.client(call.service))
            stubbers[call.service].add_response(call.operation, call.response)
    for stubber in stubbers.values():
        stubber.activate()

    def invoke() -> Any:
        answer = handler(scenario.event(), Context())
        problem = scenario.check(answer)
        if problem:
            raise SystemExit(f"{scenario.name}: unexpected answer: {problem}")
        return answer

    invoke()  # the first invocation pays for lazy imports: not overhead
    events = [scenario.event() for _ in range(invocations)]
    per_item = []
    for _ in range(RUNS):
        started = time.perf_counter()
        answers = [handler(event, Context()) for event in events]
        elapsed = time.perf_counter() - started
        per_item.append(elapsed / invocations / scenario.records * 1e6)
        problems = {scenario.check(answer) for answer in answers} - {None}
        if problems:
            raise SystemExit(f"{scenario.name}: unexpected answers: {problems}")
    for stubber in stubbers.values():
        stubber.assert_no_pending_responses()
    print(
        json.dumps(
            {
                "us": round(statistics.median(per_item), 1),
                "us_best": round(min(per_item), 1),
                "per": scenario.per,
                "invocations": invocations * RUNS,
            }
        )
    )


main()
