"""Named read queries: every list the API serves, from indexed projection tables, paged by an
opaque cursor over a stable order. No workflow is deserialized here."""
from __future__ import annotations

import base64
import json
from datetime import datetime
from dataclasses import dataclass
from typing import Any, Sequence

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..errors import BadRequest
from ..runtime import access
from ..runtime.principal import Principal
from .models import AuditEvent, Definition, Instance, Task, Timer
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


def _keyset_page(session: Session, query, columns: list, limit: int, after: str | None) -> Page:
    """A page in the stable order of `columns`, resumed after the cursor's values."""
    position = _uncursor(after)
    if position:
        try:
            values = [_restore(column, value) for column, value in zip(columns, position, strict=True)]
        except (TypeError, ValueError):
            raise BadRequest("malformed cursor", code="bad_cursor") from None
        first = columns[0] > values[0]
        query = query.where(first if len(columns) == 1 else
                            or_(first, and_(columns[0] == values[0], columns[1] > values[1])))
    rows = session.scalars(query.order_by(*columns).limit(limit + 1)).all()
    return _page(list(rows), limit, lambda row: tuple(_plain(getattr(row, c.key)) for c in columns))


def _restore(column, value):
    kind = getattr(column.type, "impl", column.type).python_type  # a TypeDecorator says `object`
    return datetime.fromisoformat(value) if kind is datetime else kind(value)


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def list_tasks(session: Session, principal: Principal, *, state: str = "ready",
               instance: str | None = None, assigned: str | None = None,
               limit: int = 100, after: str | None = None) -> Page:
    query = select(Task).where(Task.state == state)
    visible = access.visible_tasks(principal)
    if visible is not None:
        query = query.where(visible)
    if instance:
        query = query.where(Task.instance_id == instance)
    if assigned == "me":
        query = query.where(Task.assignee == principal.username)
    elif assigned == "candidate":
        query = query.where(Task.assignee.is_(None))
    return _keyset_page(session, query, [Task.created_at, Task.id], limit, after)


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
    return _keyset_page(session, query, [Instance.created_at, Instance.id], limit, after)


def list_events(session: Session, instance_id: str, *, limit: int = 100,
                after: str | None = None) -> Page:
    query = select(AuditEvent).where(AuditEvent.instance_id == instance_id)
    return _keyset_page(session, query, [AuditEvent.id], limit, after)


def all_events(session: Session, instance_id: str | None = None):
    """Every audit row, oldest first, streamed (for the JSON-lines export)."""
    query = select(AuditEvent).order_by(AuditEvent.id)
    if instance_id:
        query = query.where(AuditEvent.instance_id == instance_id)
    return session.scalars(query.execution_options(yield_per=1000))


def _latest_versions():
    top = (select(Definition.key, func.max(Definition.version).label("version"))
           .group_by(Definition.key).subquery())
    return select(Definition).join(top, and_(Definition.key == top.c.key,
                                             Definition.version == top.c.version))


def latest_definitions(session: Session, *, limit: int = 100, after: str | None = None) -> Page:
    return _keyset_page(session, _latest_versions(), [Definition.key], limit, after)


def startable_definitions(session: Session, principal: Principal, *, limit: int = 100,
                          after: str | None = None) -> Page:
    """The latest version of each definition the caller may start, by key. The start groups
    are a JSON list, filtered here rather than in SQL: there are tens of keys, not thousands."""
    position = _uncursor(after)
    query = _latest_versions().order_by(Definition.key)
    if position:
        if len(position) != 1 or not isinstance(position[0], str):
            raise BadRequest("malformed cursor", code="bad_cursor")
        query = query.where(Definition.key > position[0])
    rows = [row for row in session.scalars(query)
            if access.may_start(principal, row.start_groups or ())]
    return _page(rows[:limit + 1], limit, lambda row: (row.key,))


def definition_versions(session: Session, key: str, *, limit: int = 100,
                        after: str | None = None) -> Page:
    query = select(Definition).where(Definition.key == key)
    return _keyset_page(session, query, [Definition.version], limit, after)


def list_timers(session: Session, *, limit: int = 100, after: str | None = None) -> Page:
    query = select(Timer).where(Timer.kind.in_(("timer", "start")))
    return _keyset_page(session, query, [Timer.due_at, Timer.id], limit, after)


def list_deliveries(session: Session, webhook_id: str, *, limit: int = 100, after: str | None = None) -> Page:
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
    return _keyset_page(session, query, [WebhookDelivery.id], limit, after)
