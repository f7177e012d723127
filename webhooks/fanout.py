"""From the outbox to deliveries: each undispatched event becomes one delivery per subscription
that wants it. Done by the scheduler, after the state change has committed, so a task
completion pays for one outbox row whatever the number of subscriptions."""

from __future__ import annotations

from sqlalchemy import insert, select, update

from engine.persistence.models import OutboxMessage
from engine.persistence.webhook_models import Webhook, WebhookDelivery
from engine.runtime.runtime import Runtime

from .subscriptions import wants

outbox, webhooks, deliveries = OutboxMessage.__table__, Webhook.__table__, WebhookDelivery.__table__
BATCH = 500

# Plain FOR UPDATE, not SKIP LOCKED: two fan-outs in parallel could commit out of order and
# break each subscription's order; the second one waits and then takes what is left.
_UNDISPATCHED = (
    select(outbox.c.id, outbox.c.message_id, outbox.c.event_type)
    .where(outbox.c.dispatched_at.is_(None))
    .order_by(outbox.c.id)
    .limit(BATCH)
    .with_for_update()
)


_ANY = select(outbox.c.id).where(outbox.c.dispatched_at.is_(None)).limit(1)


def fan_out(rt: Runtime) -> int:
    with rt.db.connect() as conn:  # a read first: an idle tick takes no write lock
        if conn.execute(_ANY).first() is None:
            return 0
    with rt.db.transaction() as conn:
        events = conn.execute(_UNDISPATCHED).all()
        if not events:
            return 0
        now = rt.wall.now()
        subscriptions = conn.execute(select(webhooks.c.id, webhooks.c.events)).all()
        rows = [
            {
                "webhook_id": sub.id,
                "outbox_id": event.id,
                "message_id": event.message_id,
                "event_type": event.event_type,
                "status": "pending",
                "attempt": 0,
                "next_attempt_at": now,
                "claimed_until": None,
                "created_at": now,
            }
            for event in events
            for sub in subscriptions
            if wants(sub.events, event.event_type)
        ]
        if rows:
            conn.execute(insert(deliveries), rows)
        conn.execute(update(outbox).where(outbox.c.id.in_([e.id for e in events])).values(dispatched_at=now))
    return len(events)
