"""Firing what is due, each through the one runtime path, each in its own transaction, so a
scheduler killed at any point leaves every timer either fired (and gone) or still due.

Locks are taken in one order everywhere — the instance, then its rows — so schedulers and
requests never wait on each other in a circle. Several schedulers share the work: a row whose
instance another transaction holds is skipped (PostgreSQL SKIP LOCKED) and left to it."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..errors import Conflict, NotFound
from ..persistence import timer_rows
from ..runtime import commands
from ..runtime.principal import SCHEDULER
from ..runtime.runtime import Runtime
from ..runtime.unit_of_work import Busy, on_instance
from . import starts

log = logging.getLogger(__name__)


def fire(rt: Runtime, row, *, wait: bool) -> int:
    """Fires one due row; 1 if it fired, 0 if it was gone, not yet due or held elsewhere."""
    handler: Callable = {"start": _fire_start, "timer": _fire_timer, "due": _fire_due_date}[row.kind]
    try:
        return handler(rt, row, wait)
    except (Busy, NotFound, Conflict):
        return 0
    except Exception as exc:  # a fault of ours must not become a retry storm: an incident
        log.exception("firing timer %s failed", row.id)
        if row.instance_id:
            _incident(rt, row, exc)
        return 0


def _fire_timer(rt: Runtime, row, wait: bool) -> int:
    with on_instance(rt, row.instance_id, SCHEDULER, wait=wait) as step:
        due = [
            r for r in timer_rows.due_of_instance(step.conn, row.instance_id, step.now) if r.kind == "timer"
        ]
        if not due:
            return 0
        for fired in due:
            step.record(
                "timer.fired",
                element=fired.element_id,
                task_id=fired.task_id,
                data={"due_at": fired.due_at.isoformat()},
            )
        step.advance(step.workflow.refresh_timers)
    return len(due)


def _fire_due_date(rt: Runtime, row, wait: bool) -> int:
    with on_instance(rt, row.instance_id, SCHEDULER, wait=wait) as step:
        current = timer_rows.get(step.conn, row.id)
        if current is None or current.due_at > step.now:
            return 0
        step.record(
            "task.overdue",
            element=current.element_id,
            task_id=current.task_id,
            data={"due_at": current.due_at.isoformat()},
        )
        timer_rows.remove(step.conn, [current.id])  # overdue is said once
    return 1


def _fire_start(rt: Runtime, row, wait: bool) -> int:
    with rt.db.transaction() as conn:
        claimed = timer_rows.lock_start(conn, row.id, skip_locked=not wait)
        now = rt.clock.now()
        if claimed is None or claimed.due_at > now:
            return 0
        definition = rt.definitions.get(conn, claimed.definition_id)
        spec = starts.start_timers(definition).get(claimed.element_id)
        if spec is None:
            timer_rows.remove(conn, [claimed.id])
            return 0
        key = starts.business_key(rt, spec, claimed.due_at)
        if key is None or not commands.business_key_taken(conn, definition.key, key):
            occurrence = claimed.due_at.astimezone(rt.clock.zone).isoformat()
            commands.start_in(
                rt,
                conn,
                SCHEDULER,
                definition,
                key,
                {"occurrence": occurrence},
                before=lambda step: step.record(
                    "timer.fired",
                    element=claimed.element_id,
                    data={"due_at": claimed.due_at.isoformat(), "kind": "start"},
                ),
            )
        upcoming = starts.next_occurrence(
            rt, spec.event_definition, max(claimed.due_at, now), inclusive=False
        )
        if upcoming is None:
            timer_rows.remove(conn, [claimed.id])
        else:
            timer_rows.move(conn, claimed.id, upcoming)
    return 1


def _incident(rt: Runtime, row, exc: Exception) -> None:
    try:
        with on_instance(rt, row.instance_id, SCHEDULER) as step:
            step.instance.status = "error"
            step.instance.error = {
                "element": row.element_id,
                "message": str(exc) or type(exc).__name__,
                "type": type(exc).__name__,
            }
            step.record(
                "instance.error", element=row.element_id, data={"message": step.instance.error["message"]}
            )
    except (NotFound, Conflict):
        pass
