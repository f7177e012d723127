"""Named statements on the timer projection (models.Timer). Every row is written in the step
that makes it due and removed in the step that fires or cancels it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, func, insert, select, update

from .models import Timer

timers = Timer.__table__

_INSERT = insert(timers)
_OF_INSTANCE = select(timers.c.id, timers.c.task_id, timers.c.due_at).where(
    timers.c.instance_id == bindparam("instance_id"), timers.c.kind == "timer"
)
_MOVE = update(timers).where(timers.c.id == bindparam("b_id")).values(due_at=bindparam("due_at"))
_DUE = (
    select(timers)
    .where(timers.c.due_at <= bindparam("now"))
    .order_by(timers.c.due_at, timers.c.id)
    .limit(bindparam("limit"))
)
_NEXT = select(func.min(timers.c.due_at))
_GET = select(timers).where(timers.c.id == bindparam("timer_id"))
_LOCK_START = (
    select(timers).where(timers.c.id == bindparam("timer_id"), timers.c.kind == "start").with_for_update()
)
_LOCK_START_OR_SKIP = _LOCK_START.with_for_update(skip_locked=True)
_DUE_OF_INSTANCE = (
    select(timers)
    .where(timers.c.instance_id == bindparam("instance_id"), timers.c.due_at <= bindparam("now"))
    .order_by(timers.c.due_at)
)


def waiting(conn: Connection, instance_id: str) -> dict[str, tuple[int, datetime]]:
    """The instance's BPMN timers by SpiffWorkflow task id: (row id, due time)."""
    return {
        row.task_id: (row.id, row.due_at) for row in conn.execute(_OF_INSTANCE, {"instance_id": instance_id})
    }


def add(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(_INSERT, rows)


def move(conn: Connection, timer_id: int, due_at: datetime) -> None:
    conn.execute(_MOVE, {"b_id": timer_id, "due_at": due_at})


def remove(conn: Connection, ids: Iterable[int]) -> None:
    ids = sorted(ids)
    if ids:
        conn.execute(delete(timers).where(timers.c.id.in_(ids)))


def remove_for_instance(conn: Connection, instance_id: str) -> None:
    """An instance that is not running has nothing due: suspended, failed or ended."""
    conn.execute(delete(timers).where(timers.c.instance_id == instance_id))


def remove_task_due_dates(conn: Connection, task_ids: Iterable[str]) -> None:
    ids = sorted(task_ids)
    if ids:
        conn.execute(delete(timers).where(timers.c.kind == "due", timers.c.task_id.in_(ids)))


def remove_starts(conn: Connection, definition_key: str) -> None:
    conn.execute(delete(timers).where(timers.c.definition_key == definition_key, timers.c.kind == "start"))


def due(conn: Connection, now: datetime, limit: int) -> list[Row[Any]]:
    """The scheduler's scan: one range query on the due-time index."""
    return list(conn.execute(_DUE, {"now": now, "limit": limit}))


def get(conn: Connection, timer_id: int) -> Row[Any] | None:
    return conn.execute(_GET, {"timer_id": timer_id}).first()


def next_due(conn: Connection) -> datetime | None:
    return conn.execute(_NEXT).scalar()


def lock_start(conn: Connection, timer_id: int, *, skip_locked: bool) -> Row[Any] | None:
    """A start occurrence, claimed for this transaction; None if gone, or if held by another
    scheduler and `skip_locked` (PostgreSQL; SQLite's write transaction is already exclusive)."""
    return conn.execute(_LOCK_START_OR_SKIP if skip_locked else _LOCK_START, {"timer_id": timer_id}).first()


def due_of_instance(conn: Connection, instance_id: str, now: datetime) -> list[Row[Any]]:
    return list(conn.execute(_DUE_OF_INSTANCE, {"instance_id": instance_id, "now": now}))
