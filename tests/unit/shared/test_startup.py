"""shared.startup: no garbage collection while a function initialises, inside Lambda only."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from shared import startup


@pytest.fixture(autouse=True)
def _collection_restored() -> Iterator[None]:
    yield
    startup._paused = False
    gc.enable()
    gc.unfreeze()


def test_inside_lambda_collection_pauses_until_the_entry_point_is_wrapped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "fn")
    frozen_before = gc.get_freeze_count()

    startup.pause_garbage_collection()
    assert not gc.isenabled()

    startup.resume_garbage_collection()
    assert gc.isenabled()
    assert gc.get_freeze_count() > frozen_before  # what init built is never scanned again


def test_outside_lambda_nothing_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)

    startup.pause_garbage_collection()
    assert gc.isenabled()
    startup.resume_garbage_collection()
    assert gc.get_freeze_count() == 0


def test_resuming_twice_or_without_a_pause_is_harmless(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "fn")
    startup.pause_garbage_collection()
    startup.resume_garbage_collection()
    startup.resume_garbage_collection()
    assert gc.isenabled()
