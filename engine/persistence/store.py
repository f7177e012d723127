"""Named statements for the runtime's hot path. A step is a handful of indexed statements on
SQLAlchemy Core: no identity map, no unit-of-work sorting, because every task completion pays
for them and the bar is a small multiple of SpiffWorkflow's own step (DESIGN.md)."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import Connection, delete, insert, select, update

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
    variables: dict
    error: dict | None
    started_by: str | None
    lock_version: int
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
    candidate_groups: list
    candidate_users: list
    assignee: str | None
    due_at: datetime | None
    form_key: str | None
    state: str
    data: dict
    created_at: datetime
    completed_at: datetime | None
    completed_by: str | None


_INSTANCE_COLUMNS = [instances.c[f.name] for f in fields(InstanceRecord)]
_TASK_COLUMNS = [tasks.c[f.name] for f in fields(TaskRecord)]
_LOCK = (select(*_INSTANCE_COLUMNS, states.c.state, states.c.serializer_version)
         .join(states, states.c.instance_id == instances.c.id)
         .with_for_update(of=instances))


def _instance(row) -> tuple[InstanceRecord, str, str]:
    values = row._mapping
    record = InstanceRecord(**{f.name: values[f.name] for f in fields(InstanceRecord)})
    return record, values["state"], values["serializer_version"]


def task_record(row) -> TaskRecord:
    values = row._mapping
    return TaskRecord(**{f.name: values[f.name] for f in fields(TaskRecord)})


def lock_instance(conn: Connection, instance_id: str):
    """The instance with its state, locked for this transaction (PostgreSQL FOR UPDATE; on
    SQLite the write transaction began IMMEDIATE and holds the database's write lock)."""
    row = conn.execute(_LOCK.where(instances.c.id == instance_id)).first()
    return _instance(row) if row is not None else None


def instance_of_task(conn: Connection, task_id: str) -> str | None:
    return conn.execute(select(tasks.c.instance_id).where(tasks.c.id == task_id)).scalar()


def get_task(conn: Connection, task_id: str) -> TaskRecord | None:
    row = conn.execute(select(*_TASK_COLUMNS).where(tasks.c.id == task_id)).first()
    return task_record(row) if row is not None else None


def ready_tasks(conn: Connection, instance_id: str) -> list[TaskRecord]:
    rows = conn.execute(select(*_TASK_COLUMNS).where(tasks.c.instance_id == instance_id,
                                                     tasks.c.state == "ready"))
    return [task_record(r) for r in rows]


def insert_instance(conn: Connection, record: InstanceRecord, state: str, serializer_version: str) -> None:
    conn.execute(insert(instances).values(**{f.name: getattr(record, f.name)
                                             for f in fields(InstanceRecord)}))
    conn.execute(insert(states).values(instance_id=record.id, state=state,
                                       serializer_version=serializer_version))


def save_instance(conn: Connection, record: InstanceRecord, state: str, serializer_version: str) -> None:
    """Writes the instance under the version it was read at: a writer that somehow got past the
    lock cannot overwrite a newer state (the lock makes this a belt to its braces)."""
    done = conn.execute(update(instances).where(instances.c.id == record.id,
                                                instances.c.lock_version == record.lock_version)
                        .values(status=record.status, variables=record.variables, error=record.error,
                                definition_id=record.definition_id, version=record.version,
                                updated_at=record.updated_at, ended_at=record.ended_at,
                                lock_version=record.lock_version + 1))
    if done.rowcount != 1:
        raise Conflict("the instance changed meanwhile; try again", code="stale_state")
    record.lock_version += 1
    conn.execute(update(states).where(states.c.instance_id == record.id)
                 .values(state=state, serializer_version=serializer_version))


def update_task(conn: Connection, task_id: str, **values: Any) -> None:
    conn.execute(update(tasks).where(tasks.c.id == task_id).values(**values))


def close_tasks(conn: Connection, task_ids: Iterable[str], state: str) -> None:
    ids = list(task_ids)
    if ids:
        conn.execute(update(tasks).where(tasks.c.id.in_(ids)).values(state=state))


def open_task(conn: Connection, record: TaskRecord, reopened: bool) -> None:
    values = {f.name: getattr(record, f.name) for f in fields(TaskRecord)}
    if reopened:
        conn.execute(update(tasks).where(tasks.c.id == record.id).values(**values))
        conn.execute(delete(candidates).where(candidates.c.task_id == record.id))
    else:
        conn.execute(insert(tasks).values(**values))
    rows = ([{"task_id": record.id, "kind": "group", "principal": g} for g in set(record.candidate_groups)]
            + [{"task_id": record.id, "kind": "user", "principal": u} for u in set(record.candidate_users)])
    if rows:
        conn.execute(insert(candidates), rows)


def task_exists(conn: Connection, task_id: str) -> bool:
    return conn.execute(select(tasks.c.id).where(tasks.c.id == task_id)).first() is not None


def waiting_messages(conn: Connection, instance_id: str) -> set[str]:
    return set(conn.execute(select(waits.c.message_name).where(waits.c.instance_id == instance_id)).scalars())


def set_waiting_messages(conn: Connection, instance_id: str, business_key: str | None,
                         gone: set[str], new: set[str]) -> None:
    if gone:
        conn.execute(delete(waits).where(waits.c.instance_id == instance_id,
                                         waits.c.message_name.in_(sorted(gone))))
    if new:
        conn.execute(insert(waits), [{"instance_id": instance_id, "message_name": name,
                                      "business_key": business_key} for name in sorted(new)])


def append_events(conn: Connection, events: list[dict], messages: list[dict]) -> None:
    if events:
        conn.execute(insert(audit_events), events)
    if messages:
        conn.execute(insert(outbox), messages)
