"""Named read queries: the lists the API serves whoever asks, from indexed projection tables,
paged by an opaque cursor over a stable order (paging.py). No workflow is deserialized here. The
lists whose rows depend on who asks are the runtime's (runtime/listings.py), beside the reading
rules they apply."""

from __future__ import annotations

from sqlalchemy import ScalarResult, Select, and_, func, select, text
from sqlalchemy.orm import Session

from .models import AuditEvent, Definition, Instance, Timer
from .paging import Page, keyset_page, limit_of
from .webhook_models import WebhookDelivery

# Page and limit_of are what every caller of these queries also needs: one import for both.
__all__ = [
    "Page",
    "limit_of",
    "list_instances",
    "list_events",
    "all_events",
    "latest_definitions",
    "definition_versions",
    "list_timers",
    "list_deliveries",
    "latest_versions",
]


def list_instances(
    session: Session,
    *,
    definition: str | None = None,
    status: str | None = None,
    business_key: str | None = None,
    limit: int = 100,
    after: str | None = None,
) -> Page:
    query = select(Instance)
    if definition:
        query = query.where(Instance.definition_key == definition)
    if status:
        query = query.where(Instance.status == status)
    if business_key:
        query = query.where(Instance.business_key == business_key)
    return keyset_page(session, query, [Instance.created_at, Instance.id], limit, after)


def list_events(session: Session, instance_id: str, *, limit: int = 100, after: str | None = None) -> Page:
    query = select(AuditEvent).where(AuditEvent.instance_id == instance_id)
    return keyset_page(session, query, [AuditEvent.id], limit, after)


def all_events(session: Session, instance_id: str | None = None) -> ScalarResult[AuditEvent]:
    """Every audit row, oldest first, streamed (for the JSON-lines export)."""
    query = select(AuditEvent).order_by(AuditEvent.id)
    if instance_id:
        query = query.where(AuditEvent.instance_id == instance_id)
    return session.scalars(query.execution_options(yield_per=1000))


def latest_versions() -> Select[Definition]:
    top = (
        select(Definition.key, func.max(Definition.version).label("version"))
        .group_by(Definition.key)
        .subquery()
    )
    return select(Definition).join(
        top, and_(Definition.key == top.c.key, Definition.version == top.c.version)
    )


def latest_definitions(session: Session, *, limit: int = 100, after: str | None = None) -> Page:
    return keyset_page(session, latest_versions(), [Definition.key], limit, after)


def definition_versions(session: Session, key: str, *, limit: int = 100, after: str | None = None) -> Page:
    query = select(Definition).where(Definition.key == key)
    return keyset_page(session, query, [Definition.version], limit, after)


def definition_version(session: Session, key: str, version: int) -> Definition | None:
    return session.scalars(
        select(Definition).where(Definition.key == key, Definition.version == version)
    ).first()


def definition_of(session: Session, instance_id: str) -> Definition:
    """The definition version an instance runs on; every instance has one (a foreign key)."""
    return session.scalars(
        select(Definition)
        .join(Instance, Instance.definition_id == Definition.id)
        .where(Instance.id == instance_id)
    ).one()


def database_answers(session: Session) -> bool:
    """Whether the database answers a trivial query: the health check's question."""
    try:
        session.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - whatever the driver raises, the answer is "no"
        return False


def list_timers(session: Session, *, limit: int = 100, after: str | None = None) -> Page:
    query = select(Timer).where(Timer.kind.in_(("timer", "start")))
    return keyset_page(session, query, [Timer.due_at, Timer.id], limit, after)


def list_deliveries(session: Session, webhook_id: str, *, limit: int = 100, after: str | None = None) -> Page:
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
    return keyset_page(session, query, [WebhookDelivery.id], limit, after)
