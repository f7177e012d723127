"""The one source of "now" (DESIGN.md, "Time"). Only this module reads the system time.

Production runs on the system clock in KAOPING_TIMEZONE. With KAOPING_CONTROLLED_CLOCK=1 the
time lives in the database instead (table `clock`, kept by persistence/clock_row.py and handed
in as the clock's storage), so every web worker and scheduler process agrees on it; it stands
still until moved and never moves backwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from time import monotonic, thread_time
from typing import Protocol
from zoneinfo import ZoneInfo

import isodate

from .config import DEFAULT_TIMEZONE
from .errors import Conflict, Invalid

# The stopwatch, for limits and durations (a script's deadline, a step's budget, a webhook's
# round trip): seconds that only ever grow, never a date. Re-exported as is, so timing a
# script line by line costs no more than the system call. `thread_time`: the CPU seconds the
# calling thread has used, for a limit on a script's own work (ten times dearer to read).
__all__ = [
    "Clock",
    "ClockStorage",
    "ControlledClock",
    "FixedClock",
    "SystemClock",
    "monotonic",
    "thread_time",
    "parse_duration",
    "parse_instant",
    "utc",
]


class Clock(Protocol):
    zone: ZoneInfo
    controlled: bool

    def now(self) -> datetime: ...


class SystemClock:
    controlled = False

    def __init__(self, zone: str = DEFAULT_TIMEZONE):
        self.zone = ZoneInfo(zone)

    def now(self) -> datetime:
        return datetime.now(self.zone)


class FixedClock:
    """A clock in memory that stands still until moved: for unit tests of the core."""

    controlled = False

    def __init__(self, at: datetime, zone: str = DEFAULT_TIMEZONE):
        self.zone = ZoneInfo(zone)
        self._now = at.astimezone(self.zone)

    def now(self) -> datetime:
        return self._now

    def set(self, at: datetime) -> None:
        self._now = at.astimezone(self.zone)


class ClockStorage(Protocol):
    """Where a controlled clock keeps its time, so that every process reads the same one."""

    def initialise(self, start: datetime) -> None:
        """Stores `start` unless a time is stored already."""

    def read(self) -> datetime | None: ...

    def advance(self, to: datetime) -> bool:
        """Stores `to` unless it is before the stored time; whether it did."""


class ControlledClock:
    controlled = True

    def __init__(self, storage: ClockStorage, zone: str = DEFAULT_TIMEZONE, start: datetime | None = None):
        self.zone = ZoneInfo(zone)
        self._storage = storage
        self._start = start

    def initialise(self) -> None:
        """KAOPING_CLOCK_START (or the real time) only for a database that has no clock yet."""
        self._storage.initialise(self._start or datetime.now(UTC))

    def now(self) -> datetime:
        value = self._storage.read()
        if value is None:
            raise RuntimeError("the controlled clock is not initialised")
        return value.astimezone(self.zone)

    def set(self, at: datetime) -> datetime:
        at = at.astimezone(UTC)
        if not self._storage.advance(at):
            raise Conflict("the controlled clock never moves backwards", code="clock_backwards")
        return at.astimezone(self.zone)


def parse_instant(text: str, zone: ZoneInfo) -> datetime:
    """ISO 8601 date-time; one without an offset is read in the engine's zone."""
    try:
        value = isodate.parse_datetime(text)
    except (isodate.ISO8601Error, ValueError):
        raise Invalid(f"not an ISO 8601 date-time: {text!r}", code="invalid_time") from None
    return value if value.tzinfo else value.replace(tzinfo=zone)


def parse_duration(text: str) -> timedelta | isodate.Duration:
    try:
        return isodate.parse_duration(text)
    except (isodate.ISO8601Error, ValueError):
        raise Invalid(f"not an ISO 8601 duration: {text!r}", code="invalid_duration") from None


def utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)
