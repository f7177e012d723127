"""Every BPMN Kaoping accepts runs as SpiffWorkflow runs it: each case is driven in-process by
SpiffWorkflow 3.2.0 alone and through Kaoping's REST API with the same data, messages and clock
moves, and must end in the same status with the same variables, having made the same human
tasks ready in the same order; or be refused, or run otherwise, on purpose and for a reason the
manifest gives; or be a real divergence, a strict xfail, until it is fixed."""

from __future__ import annotations

import signal
from contextlib import contextmanager
from datetime import datetime

import pytest

from tests.conftest import TALLY

from .kaoping_run import ApiClient, run_kaoping
from .library_run import run_library
from .manifest import CASES, Case
from .outcome import REFUSED
from .sources import MISSING_REASON, OWN_MODELS, library_models, read_files

CASE_SECONDS = 20  # a case that takes longer is hanging, and says so instead of stalling the suite


class Hung(BaseException):
    """Not an Exception: no engine's `except Exception` may take it for a failing step."""


@contextmanager
def deadline(seconds: int, case: Case):
    def expire(*_):
        raise Hung(f"{case.id} still running after {seconds}s: it hangs")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _param(case: Case):
    marks = []
    if case.xfail:
        marks.append(pytest.mark.xfail(reason=case.xfail, strict=True))
    return pytest.param(case, id=case.id, marks=marks)


def _files(case: Case) -> dict[str, bytes]:
    if case.source == "own":
        return read_files(OWN_MODELS, case.files)
    root = library_models()
    if root is None:
        if _first_run(case):
            TALLY["absent"] += 1
        pytest.skip(MISSING_REASON)
    return read_files(root, case.files)


def _kind(case: Case) -> str:
    if case.not_runnable:
        return "not runnable"
    if case.xfail:
        return "divergence"
    if case.refused:
        return "refused on purpose"
    return "differs on purpose" if case.differs else "match"


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_kaoping_runs_the_model_as_spiffworkflow_does(case: Case, api: ApiClient):
    files = _files(case)
    kind = _kind(case)
    if _first_run(case):
        TALLY[kind] += 1
        TALLY["own"] += case.source == "own" and kind != "not runnable"
    if case.not_runnable:
        pytest.skip(f"not a runnable case: {case.not_runnable}")
    TALLY["runs"] += 1
    start = datetime.fromisoformat(api.get("/api/v1/clock").json["now"])
    with deadline(CASE_SECONDS, case):
        if case.never_start:
            assert case.refused, f"{case.id}: never_start goes with refused"
            expected = None
        else:
            expected = run_library(case, files, start)
            assert expected.status != REFUSED, (
                f"SpiffWorkflow itself refuses {case.id}; list it as not a runnable case: {expected.detail}"
            )
        actual = run_kaoping(api, case, files, start)
    if case.refused:
        assert actual.status in (REFUSED, "error"), f"Kaoping ran what it should refuse: {case.refused}"
        assert _mentions_refusal(actual.detail), actual.detail
        if case.never_start:
            assert actual.status == REFUSED, f"{case.id} must be refused at deploy: {actual.detail}"
        return
    if case.differs:
        assert actual.comparable() != expected.comparable(), (
            f"{case.id} now runs as SpiffWorkflow does: drop its `differs` ({case.differs})"
        )
        return
    assert actual.comparable() == expected.comparable(), (
        f"\nSpiffWorkflow: {expected.detail}\nKaoping: {actual.detail}"
    )


_SEEN: set[str] = set()


def _first_run(case: Case) -> bool:
    """Cases are counted once however many databases they run on."""
    if case.id in _SEEN:
        return False
    _SEEN.add(case.id)
    return True


def _mentions_refusal(detail: str) -> bool:
    return "refused" in detail or "not allowed" in detail or "422" in detail
