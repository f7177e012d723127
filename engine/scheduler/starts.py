"""Timer start events: the next occurrence of each, kept as a `start` row in the timer table.
A new version replaces the old version's schedule; occurrences before a deployment never fire;
the next occurrence is scheduled in the transaction that starts the current one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from sqlalchemy import Connection

from ..definitions import task_properties
from ..definitions.cache import LoadedDefinition
from ..definitions.problems import DeployRejected, Problem
from ..definitions.timers import (
    TIMER_DEFINITIONS,
    KaopingCycle,
    KaopingDuration,
    KaopingTimeDate,
    cycle,
    duration,
    instant,
    occurrences_after,
    value_of,
)
from ..persistence import timer_rows
from ..runtime.runtime import Runtime

_JUST_BEFORE = timedelta(microseconds=1)


def start_timers(definition: LoadedDefinition) -> dict[str, StartEvent]:
    """Timer start events of a loaded definition's top-level process, by element id."""
    return {
        spec.bpmn_id: spec
        for spec in definition.spec.task_specs.values()
        if isinstance(spec, StartEvent) and isinstance(spec.event_definition, TIMER_DEFINITIONS)
    }


def next_occurrence(rt: Runtime, timer: Any, after: datetime, *, inclusive: bool) -> datetime | None:
    """The first occurrence at or after (`inclusive`) or strictly after `after`."""
    zone = rt.clock.zone
    value = value_of(timer.expression, lambda text: rt.script_engine.environment.evaluate(text, {}))
    floor = after - _JUST_BEFORE if inclusive else after
    if isinstance(timer, KaopingTimeDate):
        at = instant(value, zone)
        return at if at > floor else None
    if isinstance(timer, KaopingDuration):  # once, that long after the deployment
        return (after + duration(value)) if inclusive else None
    if isinstance(timer, KaopingCycle):
        cycles, first, period = cycle(value, after, zone)
        if first > floor:
            return first
        upcoming, _ = occurrences_after(first, period, cycles, floor)
        return upcoming
    return None


def schedule(rt: Runtime, conn: Connection, definition_id: str) -> None:
    definition = rt.definitions.get(conn, definition_id)
    timers = start_timers(definition)
    if not timers:
        return
    timer_rows.remove_starts(conn, definition.key)
    now = rt.clock.now()
    rows: list[dict[str, Any]] = []
    for element, spec in timers.items():
        due = _first_occurrence(rt, element, spec, now)
        if due is not None:
            rows.append(
                {
                    "kind": "start",
                    "definition_id": definition.id,
                    "definition_key": definition.key,
                    "version": definition.version,
                    "instance_id": None,
                    "task_id": None,
                    "element_id": element,
                    "due_at": due,
                }
            )
    timer_rows.add(conn, rows)


def _first_occurrence(rt: Runtime, element: str, spec: StartEvent, now: datetime) -> datetime | None:
    """Deploying decides when a timer start first fires, so a timer whose date cannot be
    worked out (an expression naming data no start has, a value that is no date) is refused
    with the deployment instead of failing later in the scheduler."""
    try:
        return next_occurrence(rt, spec.event_definition, now, inclusive=True)
    except Exception as exc:  # noqa: BLE001 - a sandboxed expression may raise anything
        raise DeployRejected(
            [Problem(None, None, element, f"timer start event cannot be scheduled: {exc}")]
        ) from exc


def business_key(rt: Runtime, spec: StartEvent, occurrence: datetime) -> str | None:
    """A start event's `businessKey` property, an expression over the occurrence, e.g.
    `f"annual-{occurrence.year}"`: one instance per occurrence, enforced by the unique key."""
    expression = task_properties.properties(spec).get("businessKey")
    if not expression:
        return None
    local = occurrence.astimezone(rt.clock.zone)
    return str(rt.script_engine.environment.evaluate(expression, {"occurrence": local}))
