"""Rows as the API shows them (API.md field names): plain dicts for the schemas to write. No
queries here: a view reads, a presenter only reshapes what it was handed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..persistence.paging import Page

if TYPE_CHECKING:
    from ..persistence.models import AuditEvent, Definition


def page(found: Page | Sequence, present: Callable[[Any], Any] | None = None) -> dict:
    """A list's answer (schemas.page_of): a Page with its cursor, or a whole list (no next)."""
    items, next_ = (found.items, found.next) if isinstance(found, Page) else (found, None)
    return {"items": [present(i) for i in items] if present else list(items), "next": next_}


def task(row) -> dict:
    """A Task row or a TaskRecord: both carry the projection's columns."""
    return {
        "id": row.id,
        "instance_id": row.instance_id,
        "element_id": row.element_id,
        "name": row.name,
        "lane": row.lane,
        "candidate_groups": row.candidate_groups or [],
        "assignee": row.assignee,
        "due_at": row.due_at,
        "form_key": row.form_key,
        "created_at": row.created_at,
        "state": row.state,
    }


def task_detail(row, form: dict | None) -> dict:
    return {**task(row), "form": form, "data": row.data or {}}


def instance(row, active_tasks: list | None = None) -> dict:
    body = {
        "id": row.id,
        "definition_key": row.definition_key,
        "version": row.version,
        "business_key": row.business_key,
        "status": row.status,
        "variables": row.variables or {},
        "error": row.error,
        "created_at": row.created_at,
        "ended_at": row.ended_at,
    }
    if active_tasks is not None:
        body["active_tasks"] = [task(t) for t in active_tasks]
    return body


def event(row: AuditEvent) -> dict:
    return {
        "at": row.at,
        "type": row.type,
        "actor": row.actor,
        "element": row.element,
        "task_id": row.task_id,
        "data": row.data or {},
    }


def definition(row: Definition) -> dict:
    return {
        "key": row.key,
        "version": row.version,
        "id": row.id,
        "name": row.name,
        "created_at": row.created_at,
        "deployed_by": row.deployed_by,
    }


def webhook(row, secret: str) -> dict:
    """A new subscription, with its secret: the only answer that shows it."""
    return {
        "id": row.id,
        "url": row.url,
        "events": row.events,
        "created_at": row.created_at,
        "secret": secret,
    }


def endpoint(row, secret: str) -> dict:
    """A new inbound endpoint, with its secret: the only answer that shows it."""
    return {
        "name": row.name,
        "message": row.message,
        "business_key_path": row.business_key_path,
        "correlation": row.correlation,
        "ttl": row.ttl,
        "created_at": row.created_at,
        "secret": secret,
    }
