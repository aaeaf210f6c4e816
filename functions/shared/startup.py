"""No garbage collection while a function initialises: the cyclic collector runs many
times during the imports of a cold start (every 2,000 new container objects, and boto3,
Powertools and our modules create hundreds of thousands), finding almost nothing to free.

Every function package calls :func:`pause_garbage_collection` first thing (its
``__init__``), inside Lambda only; ``shared.observability.lambda_handler``, which wraps
every entry point at the end of its module's import, calls
:func:`resume_garbage_collection`: what survived the imports is frozen (``gc.freeze``:
never scanned again, as it lives as long as the process) and collection is back on for
the invocations. Outside Lambda (tests, scripts) neither does anything.
"""

from __future__ import annotations

import gc
import os

_paused = False


def pause_garbage_collection() -> None:
    global _paused  # noqa: PLW0603 (process-wide state, set once)
    if "AWS_LAMBDA_FUNCTION_NAME" in os.environ and gc.isenabled() and not _paused:
        gc.disable()
        _paused = True


def resume_garbage_collection() -> None:
    global _paused  # noqa: PLW0603
    if _paused:
        gc.freeze()
        gc.enable()
        _paused = False
