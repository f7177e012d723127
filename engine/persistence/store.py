"""Named statements for the runtime's hot path. A step is a handful of indexed statements on
SQLAlchemy Core: no identity map, no unit-of-work sorting, because every task completion pays
for them and the bar is a small multiple of SpiffWorkflow's own step (DESIGN.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, func, insert, or_, select, update

from ..errors import Conflict
from .models import AuditEvent, Instance, MessageWait, OutboxMessage, Task, TaskCandidate, WorkflowState

instances, states, tasks = Instance.__table__, WorkflowState.__table__, Task.__table__
candidates, waits = TaskCandidate.__table__, MessageWait.__table__
audit_events, outbox = AuditEvent.__table__, OutboxMessage.__table__


@dataclass
class InstanceRecord:
    id: str
    definition_id: str
    definition_key: str
    version: int
    business_key: str | None
    status: str
    variables: dict[str, Any]
    error: dict[str, Any] | None
    started_by: str | None
    lock_version: int
    deferred_count: int
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None


@dataclass
class TaskRecord:
    id: str
    instance_id: str
    element_id: str
    name: str | None
    lane: str | None
    candidate_groups: list[str]
    candidate_users: list[str]
    excluded_groups: list[str]
    excluded_users: list[str]
    assignee: str | None
    due_at: datetime | None
    form_key: str | None
    state: str
    data: dict[str, Any]
    result: dict[str, Any] | None
    deferred_seq: int | None
    created_at: datetime
    completed_at: datetime | None
    completed_by: str | None


_INSTANCE_COLUMNS = [instances.c[f.name] for f in fields(InstanceRecord)]
_TASK_COLUMNS = [tasks.c[f.name] for f in fields(TaskRecord)]
_LOCK = select(*_INSTANCE_COLUMNS).where(instances.c.id == bindparam("instance_id")).with_for_update()
_LOCK_OR_SKIP = (
    select(*_INSTANCE_COLUMNS)
    .where(instances.c.id == bindparam("instance_id"))
    .with_for_update(skip_locked=True)
)
_STATE = select(states.c.state, states.c.serializer_version).where(
    states.c.instance_id == bindparam("instance_id")
)


# Built once: constructing a statement costs as much as running it on SQLite.
_TASK_INSTANCE = select(tasks.c.instance_id).where(tasks.c.id == bindparam("task_id"))
_GET_TASK = select(*_TASK_COLUMNS).where(tasks.c.id == bindparam("task_id"))
_TASKS_TO_DIFF = select(tasks.c.id, tasks.c.state).where(
    tasks.c.instance_id == bindparam("instance_id"),
    or_(tasks.c.state == "ready", tasks.c.id.in_(bindparam("ready_ids", expanding=True))),
)
_SAVE_INSTANCE = (
    update(instances)
    .where(instances.c.id == bindparam("b_id"), instances.c.lock_version == bindparam("b_lock_version"))
    .values(
        {
            c: bindparam(c)
            for c in (
                "status",
                "variables",
                "error",
                "definition_id",
                "version",
                "updated_at",
                "ended_at",
                "lock_version",
                "deferred_count",
            )
        }
    )
)
_SAVE_STATE = (
    update(states)
    .where(states.c.instance_id == bindparam("b_id"))
    .values(state=bindparam("state"), serializer_version=bindparam("serializer_version"))
)
# At most two rows are read: "is there another one?" must not cost more with more siblings.
_READY_SIBLINGS = select(func.count()).select_from(
    select(tasks.c.id)
    .where(
        tasks.c.instance_id == bindparam("instance_id"),
        tasks.c.element_id == bindparam("element_id"),
        tasks.c.state == "ready",
    )
    .limit(2)
    .subquery()
)
_DEFERRED = (
    select(tasks.c.id, tasks.c.result)
    .where(tasks.c.instance_id == bindparam("instance_id"), tasks.c.deferred_seq.is_not(None))
    .order_by(tasks.c.deferred_seq)
)
_COMPLETE_TASK = (
    update(tasks)
    .where(tasks.c.id == bindparam("b_id"))
    .values(
        {
            c: bindparam(c)
            for c in ("state", "assignee", "completed_by", "completed_at", "result", "deferred_seq")
        }
    )
)
_ASSIGN_TASK = update(tasks).where(tasks.c.id == bindparam("b_id")).values(assignee=bindparam("assignee"))
_INSERT_TASKS, _INSERT_CANDIDATES = insert(tasks), insert(candidates)
_INSERT_INSTANCE, _INSERT_STATE = insert(instances), insert(states)
_INSERT_EVENTS, _INSERT_OUTBOX, _INSERT_WAITS = insert(audit_events), insert(outbox), insert(waits)
_WAITS = select(waits.c.message_name).where(waits.c.instance_id == bindparam("instance_id"))


def _instance(row: Row[Any]) -> InstanceRecord:
    values = row._mapping
    return InstanceRecord(**{f.name: values[f.name] for f in fields(InstanceRecord)})


def task_record(row: Row[Any]) -> TaskRecord:
    values = row._mapping
    return TaskRecord(**{f.name: values[f.name] for f in fields(TaskRecord)})


def lock_instance(conn: Connection, instance_id: str, *, skip_locked: bool = False) -> InstanceRecord | None:
    """The instance row, locked for this transaction (PostgreSQL FOR UPDATE; on SQLite the
    write transaction began IMMEDIATE and holds the database's write lock). With
    `skip_locked`, None also when another transaction holds it (schedulers move on)."""
    row = conn.execute(_LOCK_OR_SKIP if skip_locked else _LOCK, {"instance_id": instance_id}).first()
    return _instance(row) if row is not None else None


def instance_exists(conn: Connection, instance_id: str) -> bool:
    return conn.execute(select(instances.c.id).where(instances.c.id == instance_id)).first() is not None


def load_state(conn: Connection, instance_id: str) -> tuple[str, str]:
    row = conn.execute(_STATE, {"instance_id": instance_id}).one()
    return row.state, row.serializer_version


def ready_siblings(conn: Connection, instance_id: str, element_id: str) -> int:
    """How many copies of the element are ready, counted up to two."""
    return conn.execute(_READY_SIBLINGS, {"instance_id": instance_id, "element_id": element_id}).scalar_one()


def deferred_completions(conn: Connection, instance_id: str) -> list[Row[Any]]:
    return list(conn.execute(_DEFERRED, {"instance_id": instance_id}))


def clear_deferred(conn: Connection, instance_id: str) -> None:
    conn.execute(
        update(tasks)
        .where(tasks.c.instance_id == instance_id, tasks.c.deferred_seq.is_not(None))
        .values(deferred_seq=None)
    )


def instance_of_task(conn: Connection, task_id: str) -> str | None:
    return conn.execute(_TASK_INSTANCE, {"task_id": task_id}).scalar()


def get_task(conn: Connection, task_id: str) -> TaskRecord | None:
    row = conn.execute(_GET_TASK, {"task_id": task_id}).first()
    return task_record(row) if row is not None else None


def projected_tasks(conn: Connection, instance_id: str, ready_ids: list[str]) -> dict[str, str]:
    """State by id of the instance's listed-as-ready tasks and of any row the given ready ids
    already have (a task reset to run again keeps its id)."""
    rows = conn.execute(_TASKS_TO_DIFF, {"instance_id": instance_id, "ready_ids": ready_ids})
    return {row.id: row.state for row in rows}


def insert_instance(conn: Connection, record: InstanceRecord, state: str, serializer_version: str) -> None:
    conn.execute(_INSERT_INSTANCE, {f.name: getattr(record, f.name) for f in fields(InstanceRecord)})
    conn.execute(
        _INSERT_STATE, {"instance_id": record.id, "state": state, "serializer_version": serializer_version}
    )


def save_instance(conn: Connection, record: InstanceRecord) -> None:
    """Writes the instance under the version it was read at: a writer that somehow got past the
    lock cannot overwrite a newer state (the lock makes this a belt to its braces)."""
    done = conn.execute(
        _SAVE_INSTANCE,
        {
            "b_id": record.id,
            "b_lock_version": record.lock_version,
            "status": record.status,
            "variables": record.variables,
            "error": record.error,
            "definition_id": record.definition_id,
            "version": record.version,
            "updated_at": record.updated_at,
            "ended_at": record.ended_at,
            "lock_version": record.lock_version + 1,
            "deferred_count": record.deferred_count,
        },
    )
    if done.rowcount != 1:
        raise Conflict("the instance changed meanwhile; try again", code="stale_state")
    record.lock_version += 1


def save_state(conn: Connection, record: InstanceRecord, state: str, serializer_version: str) -> None:
    conn.execute(_SAVE_STATE, {"b_id": record.id, "state": state, "serializer_version": serializer_version})


def complete_task(conn: Connection, task: TaskRecord) -> None:
    conn.execute(
        _COMPLETE_TASK,
        {
            "b_id": task.id,
            "state": task.state,
            "assignee": task.assignee,
            "completed_by": task.completed_by,
            "completed_at": task.completed_at,
            "result": task.result,
            "deferred_seq": task.deferred_seq,
        },
    )


def assign_task(conn: Connection, task_id: str, assignee: str | None) -> None:
    conn.execute(_ASSIGN_TASK, {"b_id": task_id, "assignee": assignee})


def close_tasks(conn: Connection, task_ids: Iterable[str], state: str) -> None:
    ids = list(task_ids)
    if ids:
        conn.execute(update(tasks).where(tasks.c.id.in_(ids)).values(state=state))


def open_tasks(conn: Connection, records: list[TaskRecord], reopened: set[str]) -> None:
    """Inserts new task rows (one statement for all siblings) and rewrites reopened ones."""
    values = [{f.name: getattr(r, f.name) for f in fields(TaskRecord)} for r in records]
    fresh = [v for v in values if v["id"] not in reopened]
    if fresh:
        conn.execute(_INSERT_TASKS, fresh)
    for v in values:
        if v["id"] in reopened:
            conn.execute(update(tasks).where(tasks.c.id == v["id"]).values(**v))
    if reopened:
        conn.execute(delete(candidates).where(candidates.c.task_id.in_(sorted(reopened))))
    rows = [
        {"task_id": r.id, "kind": kind, "principal": who}
        for r in records
        for kind, people in (
            ("group", r.candidate_groups),
            ("user", r.candidate_users),
            ("exclude", r.excluded_groups),
            ("ex_user", r.excluded_users),
        )
        for who in dict.fromkeys(people)
    ]
    if rows:
        conn.execute(_INSERT_CANDIDATES, rows)


def waiting_messages(conn: Connection, instance_id: str) -> set[str]:
    return set(conn.execute(_WAITS, {"instance_id": instance_id}).scalars())


def set_waiting_messages(
    conn: Connection, instance_id: str, business_key: str | None, gone: set[str], new: set[str]
) -> None:
    if gone:
        conn.execute(
            delete(waits).where(waits.c.instance_id == instance_id, waits.c.message_name.in_(sorted(gone)))
        )
    if new:
        conn.execute(
            _INSERT_WAITS,
            [
                {"instance_id": instance_id, "message_name": name, "business_key": business_key}
                for name in sorted(new)
            ],
        )


def append_events(conn: Connection, events: list[dict[str, Any]], messages: list[dict[str, Any]]) -> None:
    if events:
        conn.execute(_INSERT_EVENTS, events)
    if messages:
        conn.execute(_INSERT_OUTBOX, messages)
