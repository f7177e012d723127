"""Named read queries: every list the API serves, from indexed projection tables, paged by an
opaque cursor over a stable order. No workflow is deserialized here."""
from __future__ import annotations

import base64
import json
from datetime import datetime
from dataclasses import dataclass
from typing import Any, Sequence

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from ..errors import BadRequest
from ..runtime.principal import Principal
from .models import AuditEvent, Definition, Instance, Task, TaskCandidate, Timer
from .webhook_models import WebhookDelivery

MAX_LIMIT = 1000


@dataclass
class Page:
    items: Sequence[Any]
    next: str | None


def limit_of(value: int | None) -> int:
    if value is None:
        return 100
    if not 1 <= value <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}", code="bad_limit")
    return value


def _cursor(*values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode()


def _uncursor(cursor: str | None) -> list | None:
    if not cursor:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError:
        raise BadRequest("malformed cursor", code="bad_cursor") from None


def _page(rows: list, limit: int, key) -> Page:
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, _cursor(*key(rows[-1])) if more and rows else None)


def visible_tasks(principal: Principal):
    """Tasks routed to the caller: one of their groups or their name is a candidate, or they
    hold or completed it. Administrators see everything."""
    if principal.is_admin:
        return None
    groups = sorted(principal.groups)
    candidate = exists().where(TaskCandidate.task_id == Task.id, or_(
        and_(TaskCandidate.kind == "group", TaskCandidate.principal.in_(groups)),
        and_(TaskCandidate.kind == "user", TaskCandidate.principal == principal.username)))
    recused = exists().where(TaskCandidate.task_id == Task.id, TaskCandidate.kind == "exclude",
                             TaskCandidate.principal.in_(groups))
    return or_(and_(candidate, ~recused), Task.assignee == principal.username,
               Task.completed_by == principal.username)


def list_tasks(session: Session, principal: Principal, *, state: str = "ready",
               instance: str | None = None, assigned: str | None = None,
               limit: int = 100, after: str | None = None) -> Page:
    query = select(Task).where(Task.state == state)
    visible = visible_tasks(principal)
    if visible is not None:
        query = query.where(visible)
    if state == "ready" and not principal.is_admin:
        # A claim makes a task its holder's alone: others no longer see it in their lists.
        query = query.where(or_(Task.assignee.is_(None), Task.assignee == principal.username))
    if instance:
        query = query.where(Task.instance_id == instance)
    if assigned == "me":
        query = query.where(Task.assignee == principal.username)
    elif assigned == "candidate":
        query = query.where(Task.assignee.is_(None))
    position = _uncursor(after)
    if position:
        query = query.where(or_(Task.created_at > _dt(position[0]),
                                and_(Task.created_at == _dt(position[0]), Task.id > position[1])))
    rows = session.scalars(query.order_by(Task.created_at, Task.id).limit(limit + 1)).all()
    return _page(list(rows), limit, lambda t: (t.created_at.isoformat(), t.id))


def list_instances(session: Session, *, definition: str | None = None, status: str | None = None,
                   business_key: str | None = None, limit: int = 100,
                   after: str | None = None) -> Page:
    query = select(Instance)
    if definition:
        query = query.where(Instance.definition_key == definition)
    if status:
        query = query.where(Instance.status == status)
    if business_key:
        query = query.where(Instance.business_key == business_key)
    position = _uncursor(after)
    if position:
        query = query.where(or_(Instance.created_at > _dt(position[0]),
                                and_(Instance.created_at == _dt(position[0]),
                                     Instance.id > position[1])))
    rows = session.scalars(query.order_by(Instance.created_at, Instance.id).limit(limit + 1)).all()
    return _page(list(rows), limit, lambda i: (i.created_at.isoformat(), i.id))


def list_events(session: Session, instance_id: str, *, limit: int = 100,
                after: str | None = None) -> Page:
    query = select(AuditEvent).where(AuditEvent.instance_id == instance_id)
    position = _uncursor(after)
    if position:
        query = query.where(AuditEvent.id > int(position[0]))
    rows = session.scalars(query.order_by(AuditEvent.id).limit(limit + 1)).all()
    return _page(list(rows), limit, lambda e: (e.id,))


def all_events(session: Session, instance_id: str | None = None):
    """Every audit row, oldest first, streamed (for the JSON-lines export)."""
    query = select(AuditEvent).order_by(AuditEvent.id)
    if instance_id:
        query = query.where(AuditEvent.instance_id == instance_id)
    return session.scalars(query.execution_options(yield_per=1000))


def latest_definitions(session: Session, *, limit: int = 100, after: str | None = None) -> Page:
    top = (select(Definition.key, func.max(Definition.version).label("version"))
           .group_by(Definition.key).subquery())
    query = select(Definition).join(top, and_(Definition.key == top.c.key,
                                              Definition.version == top.c.version))
    position = _uncursor(after)
    if position:
        query = query.where(Definition.key > position[0])
    rows = session.scalars(query.order_by(Definition.key).limit(limit + 1)).all()
    return _page(list(rows), limit, lambda d: (d.key,))


def definition_versions(session: Session, key: str, *, limit: int = 100,
                        after: str | None = None) -> Page:
    query = select(Definition).where(Definition.key == key)
    position = _uncursor(after)
    if position:
        query = query.where(Definition.version > int(position[0]))
    rows = session.scalars(query.order_by(Definition.version).limit(limit + 1)).all()
    return _page(list(rows), limit, lambda d: (d.version,))


def instance_tasks(session: Session, instance_id: str) -> list[Task]:
    return list(session.scalars(select(Task).where(Task.instance_id == instance_id,
                                                   Task.state == "ready")
                                .order_by(Task.created_at, Task.id)))


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def participates(session: Session, principal: Principal, instance_id: str) -> bool:
    """Whether the caller can see any task of the instance, or started it."""
    visible = visible_tasks(principal)
    query = select(Task.id).where(Task.instance_id == instance_id)
    if visible is not None:
        query = query.where(visible)
    if session.scalar(query.limit(1)) is not None:
        return True
    return session.scalar(select(Instance.id).where(Instance.id == instance_id,
                                                    Instance.started_by == principal.username)) is not None


def list_timers(session: Session, *, limit: int = 100, after: str | None = None) -> Page:
    query = select(Timer).where(Timer.kind.in_(("timer", "start")))
    position = _uncursor(after)
    if position:
        query = query.where(or_(Timer.due_at > _dt(position[0]),
                                and_(Timer.due_at == _dt(position[0]), Timer.id > position[1])))
    rows = session.scalars(query.order_by(Timer.due_at, Timer.id).limit(limit + 1)).all()
    return _page(list(rows), limit, lambda t: (t.due_at.isoformat(), t.id))


def list_deliveries(session: Session, webhook_id: str, *, limit: int = 100, after: str | None = None) -> Page:
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
    position = _uncursor(after)
    if position:
        query = query.where(WebhookDelivery.id > int(position[0]))
    rows = session.scalars(query.order_by(WebhookDelivery.id).limit(limit + 1)).all()
    return _page(list(rows), limit, lambda d: (d.id,))
