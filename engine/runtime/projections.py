"""Projections: the human tasks and waiting messages of an instance, rewritten from its workflow
in the step's transaction, so readers answer from indexed rows and never load a workflow."""
from __future__ import annotations

from sqlalchemy import delete, select
from SpiffWorkflow.util.task import TaskState

from ..definitions import task_properties
from ..persistence.models import MessageWait, Task, TaskCandidate
from . import routing
from .jsonable import public_data


def refresh(step) -> None:
    refresh_tasks(step)
    refresh_messages(step)


def ready_human_tasks(workflow) -> dict[str, object]:
    return {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY)
            if task_properties.is_human(t.task_spec)}


def refresh_tasks(step) -> None:
    if step.instance.status == "suspended":
        return  # its tasks stay listed, but nothing may be done with them until resumed
    ended = step.instance.status in ("completed", "cancelled")
    ready = {} if ended else ready_human_tasks(step.workflow)
    rows = step.session.scalars(select(Task).where(Task.instance_id == step.instance.id,
                                                   Task.state == "ready")).all()
    known = {row.id for row in rows}
    for row in rows:
        if row.id not in ready:
            row.state = "cancelled"
    for task_id in ready.keys() - known:
        _open_task(step, ready[task_id])


def _open_task(step, spiff_task) -> None:
    spec = spiff_task.task_spec
    groups, users = routing.candidates(spiff_task, step.rt.script_engine)
    task_id = str(spiff_task.id)
    row = step.session.get(Task, task_id)
    if row is None:
        row = Task(id=task_id, instance_id=step.instance.id)
        step.session.add(row)
    else:  # a task reset to run again (retry, loops) opens afresh under the same id
        step.session.execute(delete(TaskCandidate).where(TaskCandidate.task_id == task_id))
    row.element_id = spec.bpmn_id
    row.name = spec.bpmn_name or spec.bpmn_id
    row.lane = spec.lane
    row.candidate_groups, row.candidate_users = groups, users
    row.assignee = row.completed_by = row.completed_at = None
    row.form_key = task_properties.form_key(spec)
    row.state = "ready"
    row.data = public_data(spiff_task.data)
    row.created_at = step.now
    step.session.flush()
    step.session.add_all([TaskCandidate(task_id=task_id, kind="group", principal=g) for g in set(groups)]
                         + [TaskCandidate(task_id=task_id, kind="user", principal=u) for u in set(users)])
    step.record("task.created", actor="system", element=spec.bpmn_id, task_id=task_id,
                data={"name": row.name, "lane": row.lane, "candidate_groups": groups,
                      "candidate_users": users, "form_key": row.form_key})


def refresh_messages(step) -> None:
    waiting = set()
    if step.instance.status in ("running", "suspended", "error"):
        waiting = {event.name for event in step.workflow.waiting_events()
                   if "Message" in event.event_type and event.name}
    rows = step.session.scalars(select(MessageWait)
                                .where(MessageWait.instance_id == step.instance.id)).all()
    for row in rows:
        if row.message_name not in waiting:
            step.session.delete(row)
    for name in waiting - {row.message_name for row in rows}:
        step.session.add(MessageWait(instance_id=step.instance.id, message_name=name,
                                     business_key=step.instance.business_key))
