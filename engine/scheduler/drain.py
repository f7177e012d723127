"""Passes over what is due, and moving the controlled clock through time."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from ..clock import ControlledClock
from ..errors import Conflict
from ..persistence import timer_rows
from ..runtime.messages import deliver_buffered
from ..runtime.principal import SCHEDULER
from ..runtime.runtime import Runtime
from .firing import fire

BATCH = 100


def drain(rt: Runtime, *, wait: bool = False, on_fired=None) -> int:
    """Fires everything due now, then hands kept messages to catchers that have come; returns
    how many timers fired. With `wait`, rows another scheduler holds are waited for instead of
    skipped (the clock endpoint answers after due work)."""
    fired = _fire_due(rt, wait, on_fired)
    deliver_buffered(rt, SCHEDULER)
    return fired


def _fire_due(rt: Runtime, wait: bool, on_fired) -> int:
    fired = 0
    while True:
        with rt.db.connect() as conn:
            rows = timer_rows.due(conn, rt.clock.now(), BATCH)
        if not rows:
            return fired
        progressed = 0
        for row in rows:
            done = fire(rt, row, wait=wait)
            progressed += done
            if done and on_fired is not None:
                on_fired(row)
        fired += progressed
        if not progressed:
            return fired  # what is left is held by other schedulers or no longer fires


def move_clock(rt: Runtime, target: datetime) -> int:
    """Moves the controlled clock to `target` through every due time on the way, firing what
    falls due at its own time (audit stamps, reminders and deadlines as they would have been),
    and returns once everything due by `target` has fired."""
    clock = cast(ControlledClock, rt.clock)  # only the controlled clock is ever moved
    if target < clock.now():
        raise Conflict("the controlled clock never moves backwards", code="clock_backwards")
    fired = 0
    while True:
        with rt.db.connect() as conn:
            upcoming = timer_rows.next_due(conn)
        if upcoming is None or upcoming > target:
            break
        if upcoming > clock.now():
            clock.set(upcoming)
        done = drain(rt, wait=True)
        fired += done
        if not done:
            break
    if target > clock.now():
        clock.set(target)
    return fired + drain(rt, wait=True)
