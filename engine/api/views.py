"""Rows as the API shows them (API.md field names)."""
from __future__ import annotations

from ..persistence.models import AuditEvent


def task(row) -> dict:
    """A Task row or a TaskRecord: both carry the projection's columns."""
    return {"id": row.id, "instance_id": row.instance_id, "element_id": row.element_id,
            "name": row.name, "lane": row.lane, "candidate_groups": row.candidate_groups or [],
            "assignee": row.assignee, "due_at": row.due_at, "form_key": row.form_key,
            "created_at": row.created_at, "state": row.state}


def instance(row, active_tasks: list | None = None) -> dict:
    body = {"id": row.id, "definition_key": row.definition_key, "version": row.version,
            "business_key": row.business_key, "status": row.status,
            "variables": row.variables or {}, "error": row.error,
            "created_at": row.created_at, "ended_at": row.ended_at}
    if active_tasks is not None:
        body["active_tasks"] = [task(t) for t in active_tasks]
    return body


def event(row: AuditEvent) -> dict:
    return {"at": row.at, "type": row.type, "actor": row.actor, "element": row.element,
            "task_id": row.task_id, "data": row.data or {}}
