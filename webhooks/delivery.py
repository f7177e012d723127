"""Delivering: at least once, in order per subscription, never inside a state change.

Each pass takes, per subscription, the run of pending deliveries at the head of its queue that
are due, claims them with a lease (a conditional update: the same on SQLite and PostgreSQL; an
expired lease is claimable again, so a killed sender loses nothing), sends them in order on one
keep-alive connection and records every attempt. The first failure ends the run: what follows
waits behind it, so the receiver sees the subscription's events in order."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import requests
from sqlalchemy import Row, insert, select, update

from engine.errors import NotFound
from engine.persistence import queries
from engine.persistence.models import OutboxMessage
from engine.persistence.webhook_models import Webhook, WebhookAttempt, WebhookDelivery
from engine.runtime.runtime import Runtime

from .retry import next_attempt
from .secrets import SecretBox
from .sender import Outcome, send, signed_headers

deliveries, attempts = WebhookDelivery.__table__, WebhookAttempt.__table__
outbox, webhooks = OutboxMessage.__table__, Webhook.__table__
RUN = 50
LEASE = timedelta(minutes=5)


def deliver_due(rt: Runtime, http: requests.Session | None = None) -> int:
    http = http or requests.Session()
    with rt.db.connect() as conn:
        queues = (
            conn.execute(
                select(deliveries.c.webhook_id)
                .where(deliveries.c.status == "pending")
                .group_by(deliveries.c.webhook_id)
            )
            .scalars()
            .all()
        )
    return sum(_deliver_run(rt, http, webhook_id) for webhook_id in queues)


def _deliver_run(rt: Runtime, http: requests.Session, webhook_id: str) -> int:
    claimed, webhook = _claim_head(rt, webhook_id)
    if not claimed:
        return 0
    assert webhook is not None  # a claimed run's subscription: deliveries are deleted with it
    secret = SecretBox.from_settings(rt.settings).open(webhook.secret_encrypted)
    bodies = _bodies(rt, [d.outbox_id for d in claimed])
    sent = 0
    for position, delivery in enumerate(claimed):
        body = bodies[delivery.outbox_id]
        outcome = send(
            http, webhook.url, signed_headers(secret, delivery.message_id, body, rt.wall.now()), body
        )
        _record(rt, delivery, outcome)
        if not outcome.ok:
            _release(rt, [d.id for d in claimed[position + 1 :]])
            break
        sent += 1
    return sent


def _claim_head(rt: Runtime, webhook_id: str) -> tuple[list[Row[Any]], Row[Any] | None]:
    now = rt.wall.now()
    with rt.db.transaction() as conn:
        head = conn.execute(
            select(deliveries)
            .where(deliveries.c.webhook_id == webhook_id, deliveries.c.status == "pending")
            .order_by(deliveries.c.id)
            .limit(RUN)
        ).all()
        run = []
        for delivery in head:  # the due prefix only: order is kept by never skipping ahead
            if delivery.next_attempt_at > now or (delivery.claimed_until and delivery.claimed_until > now):
                break
            run.append(delivery)
        if not run:
            return [], None
        claimed = conn.execute(
            update(deliveries)
            .where(
                deliveries.c.id.in_([d.id for d in run]),
                (deliveries.c.claimed_until.is_(None)) | (deliveries.c.claimed_until <= now),
            )
            .values(claimed_until=now + LEASE)
        ).rowcount
        if claimed != len(run):  # another sender got there first: leave the run to it
            conn.rollback()
            return [], None
        webhook = conn.execute(select(webhooks).where(webhooks.c.id == webhook_id)).first()
    return run, webhook


def _bodies(rt: Runtime, outbox_ids: list[int]) -> dict[int, str]:
    with rt.db.connect() as conn:
        rows = conn.execute(select(outbox.c.id, outbox.c.payload).where(outbox.c.id.in_(outbox_ids)))
        return {row.id: json.dumps(row.payload, ensure_ascii=False, separators=(",", ":")) for row in rows}


def _record(rt: Runtime, delivery: Row[Any], outcome: Outcome) -> None:
    now = rt.wall.now()
    attempt = delivery.attempt + 1
    # The 24 hours run from when the delivery was queued (by hand, for a redelivery).
    retry_at = None if outcome.ok else next_attempt(attempt, delivery.created_at, now, random.random())
    status = "succeeded" if outcome.ok else ("pending" if retry_at else "failed")
    with rt.db.transaction() as conn:
        conn.execute(
            insert(attempts).values(
                delivery_id=delivery.id,
                attempted_at=now,
                response_status=outcome.status,
                latency_ms=outcome.latency_ms,
                response_excerpt=outcome.excerpt,
                error=outcome.error,
            )
        )
        conn.execute(
            update(deliveries)
            .where(deliveries.c.id == delivery.id)
            .values(
                status=status,
                attempt=attempt,
                next_attempt_at=retry_at,
                claimed_until=None,
                response_status=outcome.status,
                latency_ms=outcome.latency_ms,
            )
        )


def _release(rt: Runtime, ids: list[int]) -> None:
    if ids:
        with rt.db.transaction() as conn:
            conn.execute(update(deliveries).where(deliveries.c.id.in_(ids)).values(claimed_until=None))


def redeliver(rt: Runtime, delivery_id: int) -> WebhookDelivery:
    """By hand: the same message again, as a new delivery at the end of its subscription's queue."""
    with rt.db.write() as session:
        original = session.get(WebhookDelivery, delivery_id)
        if original is None:
            raise NotFound(f"delivery {delivery_id} not found", code="delivery_not_found")
        now = rt.wall.now()
        again = WebhookDelivery(
            webhook_id=original.webhook_id,
            outbox_id=original.outbox_id,
            message_id=original.message_id,
            event_type=original.event_type,
            status="pending",
            attempt=0,
            next_attempt_at=now,
            created_at=now,
        )
        session.add(again)
        session.flush()
        return again


def deliveries_of(rt: Runtime, webhook_id: str, *, limit: int, after: str | None) -> queries.Page:
    """A subscription's deliveries, oldest first, a page at a time."""
    with rt.db.read() as session:
        if session.get(Webhook, webhook_id) is None:
            raise NotFound(f"webhook {webhook_id} not found", code="webhook_not_found")
        return queries.list_deliveries(session, webhook_id, limit=limit, after=after)


def attempts_of(rt: Runtime, delivery_id: int) -> Sequence[Row[Any]]:
    """A delivery's attempts, in the order they were made."""
    with rt.db.connect() as conn:
        if conn.execute(select(deliveries.c.id).where(deliveries.c.id == delivery_id)).first() is None:
            raise NotFound(f"delivery {delivery_id} not found", code="delivery_not_found")
        return conn.execute(
            select(attempts).where(attempts.c.delivery_id == delivery_id).order_by(attempts.c.id)
        ).all()
