"""The one policy both runners follow, so a difference in outcome is the engines' and never
the drivers': complete the ready human tasks one at a time in a fixed order with the manifest's
data; when nothing is ready, send the next message of the manifest that the model waits for,
else move the clock to the next due timer; stop when nothing moves or after a bound."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from .manifest import Case
from .outcome import WAITING, Outcome

MAX_ACTIONS = 40
# SpiffWorkflow fires a timer once its due time has passed, not at it: both clocks go just past.
PAST_DUE = timedelta(microseconds=1)


class Driver(Protocol):
    def status(self) -> str: ...
    def ready(self) -> list[tuple[str, str]]: ...  # (task id, task spec id), in the engine's order
    def complete(self, task_id: str, data: dict) -> None: ...
    def next_timer(self) -> datetime | None: ...
    def move_clock(self, to: datetime) -> None: ...
    def send(self, message: str, payload: dict) -> bool: ...
    def variables(self) -> dict: ...


def drive(driver: Driver, case: Case, start: datetime) -> Outcome:
    seen: set[str] = set()
    order: list[str] = []
    moves: list[str] = []
    messages = list(case.messages)
    now = start

    def note_ready() -> list[tuple[str, str]]:
        ready = driver.ready()
        fresh = sorted((spec, tid) for tid, spec in ready if tid not in seen)
        for spec, tid in fresh:
            seen.add(tid)
            order.append(spec)
        return sorted(((spec, tid) for tid, spec in ready), key=lambda pair: pair[0])

    for _ in range(MAX_ACTIONS):
        ready = note_ready()
        if driver.status() != WAITING:
            break
        if ready:
            spec, tid = ready[0]
            driver.complete(tid, case.task_data.get(spec, {}))
            continue
        if messages:
            name, payload = messages.pop(0)
            caught = driver.send(name, payload)
            moves.append(f"message {name}: {'caught' if caught else 'not caught'}")
            continue
        due = driver.next_timer()
        if due is None:
            break
        if due + PAST_DUE <= now:
            break  # overdue yet not fired: moving on would not change that
        now = due + PAST_DUE
        moves.append(f"clock +{int((due - start).total_seconds())}s")
        driver.move_clock(now)
    else:
        moves.append(f"stopped after {MAX_ACTIONS} actions")
    note_ready()
    return Outcome(driver.status(), driver.variables(), order, moves)
