"""The one source of "now" (DESIGN.md, "Time"). Only this module reads the system time.

Production runs on the system clock in KAOPING_TIMEZONE. With KAOPING_CONTROLLED_CLOCK=1 the
time lives in the database instead (table `clock`), so every web worker and scheduler process
agrees on it; it stands still until moved and never moves backwards."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

import isodate
from sqlalchemy import Engine, insert, select, update

from .errors import Conflict, Invalid
from .persistence.models import ClockSetting

_clock = ClockSetting.__table__


class Clock(Protocol):
    zone: ZoneInfo
    controlled: bool

    def now(self) -> datetime: ...


class SystemClock:
    controlled = False

    def __init__(self, zone: str = "Asia/Shanghai"):
        self.zone = ZoneInfo(zone)

    def now(self) -> datetime:
        return datetime.now(self.zone)


class FixedClock:
    """A clock in memory that stands still until moved: for unit tests of the core."""

    controlled = False

    def __init__(self, at: datetime, zone: str = "Asia/Shanghai"):
        self.zone = ZoneInfo(zone)
        self._now = at.astimezone(self.zone)

    def now(self) -> datetime:
        return self._now

    def set(self, at: datetime) -> None:
        self._now = at.astimezone(self.zone)


class ControlledClock:
    controlled = True

    def __init__(self, engine: Engine, zone: str = "Asia/Shanghai", start: datetime | None = None):
        self.zone = ZoneInfo(zone)
        self._engine = engine
        self._start = start

    def initialise(self) -> None:
        """KAOPING_CLOCK_START (or the real time) only for a database that has no clock yet."""
        with self._engine.begin() as conn:
            if conn.execute(select(_clock.c.now).where(_clock.c.id == 1)).first() is None:
                conn.execute(insert(_clock).values(id=1, now=self._start or datetime.now(timezone.utc)))

    def now(self) -> datetime:
        with self._engine.connect() as conn:
            value = conn.execute(select(_clock.c.now).where(_clock.c.id == 1)).scalar()
        if value is None:
            raise RuntimeError("the controlled clock is not initialised")
        return value.astimezone(self.zone)

    def set(self, at: datetime) -> datetime:
        at = at.astimezone(timezone.utc)
        with self._engine.begin() as conn:
            moved = conn.execute(update(_clock).where(_clock.c.id == 1, _clock.c.now <= at)
                                 .values(now=at)).rowcount
        if not moved:
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
    return dt.astimezone(timezone.utc)
