"""The tables. Workflow state is kept apart from the instance row so that lists and locks never
drag the serialized workflow along; readers use the projection tables (tasks, task candidates,
message waits) and never deserialize a workflow."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .types import BigId, Json, UtcDateTime


class Base(DeclarativeBase):
    # Every model is mapped to a Table (no model maps a join or a select), so `Model.__table__`
    # is typed as the Table that insert/update/delete take, not DeclarativeBase's FromClause.
    __table__: ClassVar[Table]


class Definition(Base):
    __tablename__ = "definitions"
    __table_args__ = (
        UniqueConstraint("key", "version", name="uq_definitions_key_version"),
        Index("ix_definitions_key_hash", "key", "content_hash"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    # The other files this version needs (DMN, forms, called processes), by file name: a
    # version is immutable, so later deployments of a form never change a running instance.
    files: Mapped[dict[str, dict[str, str]]] = mapped_column(Json, default=dict)
    spec_cache: Mapped[str] = mapped_column(Text)
    start_groups: Mapped[list[str]] = mapped_column(Json, default=list)
    deployed_by: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Instance(Base):
    __tablename__ = "instances"
    __table_args__ = (
        UniqueConstraint("definition_key", "business_key", name="uq_instances_key_business_key"),
        Index("ix_instances_status", "status"),
        Index("ix_instances_definition_status", "definition_key", "status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    definition_id: Mapped[str] = mapped_column(ForeignKey("definitions.id"))
    definition_key: Mapped[str] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(Integer)
    business_key: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    variables: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    error: Mapped[dict[str, Any] | None] = mapped_column(Json)
    started_by: Mapped[str | None] = mapped_column(String(255))
    # Bumped by every step: an optimistic check behind the row lock, so a writer that somehow
    # skipped the lock still cannot overwrite a newer state.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    # Unit completions recorded but not yet applied to the workflow (see runtime/deferral.py).
    deferred_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __mapper_args__ = {"version_id_col": lock_version}


class WorkflowState(Base):
    __tablename__ = "workflow_states"

    instance_id: Mapped[str] = mapped_column(ForeignKey("instances.id"), primary_key=True)
    serializer_version: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(Text)


class Task(Base):
    """The human-task projection: one row per user/manual task that became ready."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_instance_state", "instance_id", "state"),
        Index("ix_tasks_state_created", "state", "created_at"),
        Index("ix_tasks_assignee_state", "assignee", "state"),
        Index("ix_tasks_instance_element_state", "instance_id", "element_id", "state"),
        Index("ix_tasks_instance_deferred", "instance_id", "deferred_seq"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("instances.id"))
    element_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    lane: Mapped[str | None] = mapped_column(String(255))
    candidate_groups: Mapped[list[str]] = mapped_column(Json, default=list)
    candidate_users: Mapped[list[str]] = mapped_column(Json, default=list)
    # Recusal (Art. 11): members of these groups may not do the task, even if candidates.
    excluded_groups: Mapped[list[str]] = mapped_column(Json, default=list, server_default="[]")
    # Separation of duties: these users may not do the task, even if candidates or administrators.
    excluded_users: Mapped[list[str]] = mapped_column(Json, default=list, server_default="[]")
    assignee: Mapped[str | None] = mapped_column(String(255))
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    form_key: Mapped[str | None] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(Json)  # what its completer submitted
    # Set while a unit's completion waits to be applied to the workflow, in completion order.
    deferred_seq: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(255))


class TaskCandidate(Base):
    """Who may see a task, one row per group or user, so visibility is an indexed join."""

    __tablename__ = "task_candidates"
    __table_args__ = (Index("ix_task_candidates_principal", "kind", "principal", "task_id"),)

    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    # "group" | "user" (candidates) | "exclude" (a group recused) | "ex_user" (a user excluded)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    principal: Mapped[str] = mapped_column(String(255), primary_key=True)


class MessageWait(Base):
    """The waiting-message projection: which instance waits for which message name."""

    __tablename__ = "message_waits"
    __table_args__ = (Index("ix_message_waits_name", "message_name", "business_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("instances.id"), index=True)
    message_name: Mapped[str] = mapped_column(String(255))
    element_id: Mapped[str | None] = mapped_column(String(255))
    business_key: Mapped[str | None] = mapped_column(String(255))


class AuditEvent(Base):
    """Append-only: rows are inserted by the runtime and never updated or deleted."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_instance", "instance_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    instance_id: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    type: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(255))
    element: Mapped[str | None] = mapped_column(String(255))
    task_id: Mapped[str | None] = mapped_column(String(36))
    data: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)


class OutboxMessage(Base):
    """Webhook events written in the state change's transaction; delivered later (issue 5)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_undispatched", "dispatched_at", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    event_type: Mapped[str] = mapped_column(String(64))
    instance_id: Mapped[str | None] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Group(Base):
    __tablename__ = "groups"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(255))


class UserGroup(Base):
    __tablename__ = "user_groups"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    group_key: Mapped[str] = mapped_column(ForeignKey("groups.key"), primary_key=True)


class ApiToken(Base):
    """Only the SHA-256 of a token is kept: tokens are 256 random bits, so a fast hash is as
    safe as a slow one and keeps every request's check to one indexed lookup."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Timer(Base):
    """The timer projection: everything that falls due, by due time, so the scheduler's scan is
    one indexed query. Kinds: `timer` (a BPMN timer an instance waits on), `start` (the next
    occurrence of a timer start event; no instance yet), `due` (a task's due date)."""

    __tablename__ = "timers"
    __table_args__ = (
        Index("ix_timers_due", "due_at", "id"),
        Index("ix_timers_instance", "instance_id", "kind"),
        Index("ix_timers_task", "task_id"),
        Index("ix_timers_definition_key", "definition_key", "kind"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8))
    definition_id: Mapped[str] = mapped_column(String(32))
    definition_key: Mapped[str] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(Integer)
    instance_id: Mapped[str | None] = mapped_column(String(32))
    task_id: Mapped[str | None] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(255))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ClockSetting(Base):
    """The controlled clock (KAOPING_CONTROLLED_CLOCK=1): one row that every web worker and
    scheduler process reads, so they all agree on the time."""

    __tablename__ = "clock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    now: Mapped[datetime] = mapped_column(UtcDateTime)
