"""The record of what happened: an append-only audit row for every event, and an outbox row for
every event a webhook subscriber may want, both written in the step's own transaction."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

# API.md's webhook event types; audit-only types (claims, suspensions...) stay out of the outbox.
WEBHOOK_EVENTS = frozenset(
    {
        "instance.started",
        "instance.completed",
        "instance.cancelled",
        "instance.error",
        "task.created",
        "task.completed",
        "task.overdue",
        "timer.fired",
        "approval.decided",
        "results.published",
        "deadline.escalated",
    }
)


class Journal:
    """Events of one step, inserted together when the step is saved."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []

    def record(
        self,
        *,
        instance_id: str | None,
        at: datetime,
        type: str,
        actor: str,
        element: str | None = None,
        task_id: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        data = data or {}
        self.events.append(
            {
                "instance_id": instance_id,
                "at": at,
                "type": type,
                "actor": actor,
                "element": element,
                "task_id": task_id,
                "data": data,
            }
        )
        if type in WEBHOOK_EVENTS:
            payload = {
                "type": type,
                "timestamp": at.isoformat(),
                "data": {
                    "instance_id": instance_id,
                    "element": element,
                    "task_id": task_id,
                    "actor": actor,
                    **data,
                },
            }
            self.messages.append(
                {
                    "message_id": f"msg_{uuid.uuid4().hex}",
                    "event_type": type,
                    "instance_id": instance_id,
                    "payload": payload,
                    "created_at": at,
                    "dispatched_at": None,
                }
            )
