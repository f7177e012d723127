"""Subscriptions (administrators): where events go, which events, and the secret they are
signed with (shown once, at creation)."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from sqlalchemy import delete, select

from engine.errors import Invalid, NotFound
from engine.persistence.webhook_models import Webhook, WebhookDelivery
from engine.runtime.audit import WEBHOOK_EVENTS
from engine.runtime.runtime import Runtime

from .secrets import SecretBox, new_secret


def validate_url(url: str) -> str:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(
            "a webhook URL is http:// or https:// with a host",
            code="invalid_url",
            details={"url": ["须为 http(s) 地址 / must be an http(s) URL"]},
        )
    return url


def validate_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - WEBHOOK_EVENTS - {"*"})
    if not events or unknown:
        raise Invalid(
            "unknown event types" if unknown else "name at least one event type",
            code="invalid_events",
            details={"events": unknown or ["required"]},
        )
    return sorted(set(events))


def create(rt: Runtime, actor: str, url: str, events: list[str]) -> tuple[Webhook, str]:
    secret = new_secret()
    webhook = Webhook(
        id=uuid.uuid4().hex,
        url=validate_url(url),
        events=validate_events(events),
        secret_encrypted=SecretBox.from_settings(rt.settings).seal(secret),
        created_by=actor,
        created_at=rt.clock.now(),
    )
    with rt.db.write() as session:
        session.add(webhook)
    return webhook, secret


def listed(rt: Runtime) -> list[Webhook]:
    with rt.db.read() as session:
        return list(session.scalars(select(Webhook).order_by(Webhook.created_at, Webhook.id)))


def remove(rt: Runtime, webhook_id: str) -> None:
    with rt.db.write() as session:
        if session.get(Webhook, webhook_id) is None:
            raise NotFound(f"webhook {webhook_id} not found", code="webhook_not_found")
        session.execute(delete(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id))
        session.execute(delete(Webhook).where(Webhook.id == webhook_id))


def wants(webhook_events: list[str], event_type: str) -> bool:
    return "*" in webhook_events or event_type in webhook_events
