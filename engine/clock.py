"""The one source of "now" (DESIGN.md, "Time"). Only this module reads the system time."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    zone: ZoneInfo

    def now(self) -> datetime: ...


class SystemClock:
    def __init__(self, zone: str = "Asia/Shanghai"):
        self.zone = ZoneInfo(zone)

    def now(self) -> datetime:
        return datetime.now(self.zone)


class FixedClock:
    """A clock that stands still until moved; the database-backed controlled clock
    (issue 4) builds on the same interface."""

    def __init__(self, at: datetime, zone: str = "Asia/Shanghai"):
        self.zone = ZoneInfo(zone)
        self._now = at.astimezone(self.zone)

    def now(self) -> datetime:
        return self._now

    def set(self, at: datetime) -> None:
        self._now = at.astimezone(self.zone)


def utc(dt: datetime) -> datetime:
    return dt.astimezone(timezone.utc)
