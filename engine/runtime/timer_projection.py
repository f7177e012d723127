"""The timers an instance waits on, projected into the `timers` table in the step that makes
them wait, with the due time SpiffWorkflow fixed for them; and task due dates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task as SpiffTask

from ..definitions import task_properties
from ..definitions.timers import TIMER_DEFINITIONS, duration, instant, is_literal, value_of
from ..persistence import timer_rows
from ..persistence.store import TaskRecord

if TYPE_CHECKING:  # unit_of_work imports this module (through projections)
    from .unit_of_work import Step


def refresh(step: Step, new: bool) -> None:
    if step.instance.status != "running":
        if not new:
            timer_rows.remove_for_instance(step.conn, step.instance.id)
        return
    if not step.definition.has_timers:
        return
    waiting = _waiting_timers(step.workflow)
    known = {} if new else timer_rows.waiting(step.conn, step.instance.id)
    timer_rows.remove(step.conn, [row_id for task_id, (row_id, _) in known.items() if task_id not in waiting])
    for task_id, (row_id, due) in known.items():
        if task_id in waiting and waiting[task_id][1] != due:
            timer_rows.move(step.conn, row_id, waiting[task_id][1])
    timer_rows.add(
        step.conn,
        [
            _row(step, "timer", task_id, element, due)
            for task_id, (element, due) in waiting.items()
            if task_id not in known
        ],
    )


def _waiting_timers(workflow: BpmnWorkflow) -> dict[str, tuple[str, datetime]]:
    found: dict[str, tuple[str, datetime]] = {}
    for task in workflow.event_manager.tasks.values():
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, TIMER_DEFINITIONS):
            due = definition.due_at(task)
            if due is not None:
                found[str(task.id)] = (task.task_spec.bpmn_id, due)
    return found


def _row(step: Step, kind: str, task_id: str, element: str, due: datetime) -> dict[str, Any]:
    return {
        "kind": kind,
        "definition_id": step.definition.id,
        "definition_key": step.definition.key,
        "version": step.definition.version,
        "instance_id": step.instance.id,
        "task_id": task_id,
        "element_id": element,
        "due_at": due,
    }


def due_date(step: Step, spiff_task: SpiffTask) -> datetime | None:
    """A `dueDate` property: ISO 8601 text (a date-time, or a duration from now) or an
    expression over the task's data giving either."""
    expression = task_properties.properties(spiff_task.task_spec).get("dueDate")
    if not expression:
        return None
    value = value_of(expression, lambda text: step.rt.script_engine.evaluate(spiff_task, text))
    if isinstance(value, str) and value.strip().upper().startswith("P") and is_literal(value):
        return (step.now + duration(value)).astimezone(step.now.tzinfo)
    return instant(value, step.rt.clock.zone)


def add_due_dates(step: Step, records: Iterable[TaskRecord]) -> None:
    timer_rows.add(
        step.conn, [_row(step, "due", r.id, r.element_id, r.due_at) for r in records if r.due_at is not None]
    )
