"""The controlled clock's storage: one row of table `clock` that every web worker and scheduler
process reads (engine/clock.py's ControlledClock is given this, and keeps the rules: it never
moves backwards)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, insert, select, update

from .models import ClockSetting

_clock = ClockSetting.__table__


class DatabaseClockStorage:
    def __init__(self, engine: Engine):
        self._engine = engine

    def initialise(self, start: datetime) -> None:
        with self._engine.begin() as conn:
            if conn.execute(select(_clock.c.now).where(_clock.c.id == 1)).first() is None:
                conn.execute(insert(_clock).values(id=1, now=start))

    def read(self) -> datetime | None:
        with self._engine.connect() as conn:
            return conn.execute(select(_clock.c.now).where(_clock.c.id == 1)).scalar()

    def advance(self, to: datetime) -> bool:
        with self._engine.begin() as conn:
            return bool(
                conn.execute(
                    update(_clock).where(_clock.c.id == 1, _clock.c.now <= to).values(now=to)
                ).rowcount
            )
