"""Projections: the human tasks and waiting messages of an instance, rewritten from its workflow
in the step's transaction, so readers answer from indexed rows and never load a workflow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from ..definitions import task_properties
from ..definitions.sandbox.limits import ScriptRefused
from ..persistence import store, timer_rows
from ..persistence.store import TaskRecord
from . import routing, timer_projection
from .jsonable import public_data

if TYPE_CHECKING:  # unit_of_work imports this module
    from .unit_of_work import Step


def refresh(step: Step, *, new: bool = False) -> None:
    refresh_tasks(step, new)
    refresh_messages(step, new)
    timer_projection.refresh(step, new)


def ready_human_tasks(workflow: BpmnWorkflow) -> dict[str, SpiffTask]:
    return {
        str(t.id): t
        for t in workflow.get_tasks(state=TaskState.READY)
        if task_properties.is_human(t.task_spec)
    }


def refresh_tasks(step: Step, new: bool) -> None:
    if step.instance.status == "suspended":
        return  # its tasks stay listed, but nothing may be done with them until resumed
    ended = step.instance.status in ("completed", "cancelled")
    ready = {} if ended else ready_human_tasks(step.workflow)
    rows = {} if new else store.projected_tasks(step.conn, step.instance.id, sorted(ready))
    listed = {task_id for task_id, state in rows.items() if state == "ready"}
    closing = listed - ready.keys()
    store.close_tasks(step.conn, closing, "cancelled")
    timer_rows.remove_task_due_dates(step.conn, closing)
    opening = [
        record
        for record in (_task_record(step, ready[task_id]) for task_id in sorted(ready.keys() - listed))
        if record
    ]
    store.open_tasks(step.conn, opening, reopened={r.id for r in opening if r.id in rows})
    timer_projection.add_due_dates(step, opening)
    for record in opening:
        step.opened.append(record)
        step.record(
            "task.created",
            actor="system",
            element=record.element_id,
            task_id=record.id,
            data={
                "name": record.name,
                "lane": record.lane,
                "candidate_groups": record.candidate_groups,
                "candidate_users": record.candidate_users,
                "form_key": record.form_key,
                "due_at": record.due_at.isoformat() if record.due_at else None,
            },
        )


def _task_record(step: Step, spiff_task: SpiffTask) -> TaskRecord | None:
    """A ready task as the projection lists it; one reset to run again keeps its old id. If its
    routing or due date cannot be worked out (a faulty expression), the instance has an
    incident and the task waits, unlisted, for the retry."""
    spec = spiff_task.task_spec
    try:
        routed = routing.candidates(spiff_task, step.rt.script_engine)
        due_at = timer_projection.due_date(step, spiff_task)
    except (SpiffWorkflowException, ScriptRefused, ValueError) as exc:
        step.incident(exc, spiff_task)
        return None
    return TaskRecord(
        id=str(spiff_task.id),
        instance_id=step.instance.id,
        element_id=spec.bpmn_id,
        name=spec.bpmn_name or spec.bpmn_id,
        lane=spec.lane,
        candidate_groups=routed.groups,
        candidate_users=routed.users,
        excluded_groups=routed.excluded_groups,
        excluded_users=routed.excluded_users,
        assignee=None,
        due_at=due_at,
        form_key=task_properties.form_key(spec),
        state="ready",
        data=_input_data(step, spiff_task),
        result=None,
        deferred_seq=None,
        created_at=step.now,
        completed_at=None,
        completed_by=None,
    )


def _input_data(step: Step, spiff_task: SpiffTask) -> dict[str, Any]:
    """The task's data as its form shows it (LoadedDefinition.shown_data): a unit of a
    multi-instance stage carries its own item, not the collections of every unit's work."""
    return step.definition.shown_data(
        task_properties.form_key(spiff_task.task_spec), public_data(spiff_task.data)
    )


def refresh_messages(step: Step, new: bool) -> None:
    waiting: set[str] = set()
    if step.instance.status in ("running", "suspended", "error"):
        waiting = {
            event.name
            for event in step.workflow.waiting_events()
            if "Message" in event.event_type and event.name
        }
    if not step.definition.catches_messages:
        return  # nothing in this definition ever waits for a message
    known = set() if new else store.waiting_messages(step.conn, step.instance.id)
    if waiting != known:
        store.set_waiting_messages(
            step.conn, step.instance.id, step.instance.business_key, known - waiting, waiting - known
        )
