"""Tables of the webhooks: subscriptions and their deliveries (outbound), endpoints and the
receipts that make a replay harmless (inbound), and messages waiting for a catcher."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base
from .types import BigId, Json, UtcDateTime


class Webhook(Base):
    """A subscription. The signing secret is kept encrypted (HMAC needs it back; a hash would
    not sign anything) under KAOPING_SECRET_KEY."""

    __tablename__ = "webhooks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(Json)
    secret_encrypted: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WebhookDelivery(Base):
    """One message for one subscription, delivered at least once, in order per subscription."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_deliveries_subscription_pending", "webhook_id", "status", "id"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    webhook_id: Mapped[str] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    outbox_id: Mapped[int] = mapped_column(BigId)
    message_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # pending | succeeded | failed
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    response_status: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WebhookAttempt(Base):
    """Every attempt, as the log an operator reads when a receiver misbehaves."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_attempts_delivery", "delivery_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"))
    attempted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    response_status: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int] = mapped_column(Integer)
    response_excerpt: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(String(500))


class InboundEndpoint(Base):
    __tablename__ = "inbound_endpoints"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    message: Mapped[str] = mapped_column(String(255))
    business_key_path: Mapped[str | None] = mapped_column(String(255))
    correlation: Mapped[dict[str, str]] = mapped_column(Json, default=dict)
    ttl: Mapped[str | None] = mapped_column(String(32))
    secret_encrypted: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class InboundReceipt(Base):
    """A `webhook-id` seen on an endpoint: the primary key is what makes a replay a no-op."""

    __tablename__ = "inbound_receipts"

    endpoint: Mapped[str] = mapped_column(String(100), primary_key=True)
    webhook_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)


class BufferedMessage(Base):
    """A message nobody waited for yet, kept until its ttl runs out."""

    __tablename__ = "buffered_messages"
    __table_args__ = (
        Index("ix_buffered_name", "name", "business_key"),
        Index("ix_buffered_expiry", "expires_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255))
    business_key: Mapped[str | None] = mapped_column(String(255))
    correlation: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    payload: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    source: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
