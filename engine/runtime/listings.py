"""The named read queries whose rows depend on who asks: a caller's tasks and the definitions
they may start. They apply the reading rules of access.py in SQL (or, for the few start groups,
in Python), so a list and a lookup by id never disagree; paging is persistence's."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import BadRequest
from ..persistence.models import Definition, Task
from ..persistence.paging import Page, keyset_page, page_of, uncursor
from ..persistence.queries import latest_versions
from . import access
from .principal import Principal


def list_tasks(
    session: Session,
    principal: Principal,
    *,
    state: str = "ready",
    instance: str | None = None,
    assigned: str | None = None,
    limit: int = 100,
    after: str | None = None,
) -> Page:
    query = select(Task).where(Task.state == state, access.visible_tasks(principal))
    if instance:
        query = query.where(Task.instance_id == instance)
    if assigned == "me":
        query = query.where(Task.assignee == principal.username)
    elif assigned == "candidate":
        query = query.where(Task.assignee.is_(None))
    return keyset_page(session, query, [Task.created_at, Task.id], limit, after)


def startable_definitions(
    session: Session, principal: Principal, *, limit: int = 100, after: str | None = None
) -> Page:
    """The latest version of each definition the caller may start, by key. The start groups
    are a JSON list, filtered here rather than in SQL: there are tens of keys, not thousands."""
    position = uncursor(after)
    query = latest_versions().order_by(Definition.key)
    if position:
        if len(position) != 1 or not isinstance(position[0], str):
            raise BadRequest("malformed cursor", code="bad_cursor")
        query = query.where(Definition.key > position[0])
    rows = [row for row in session.scalars(query) if access.may_start(principal, row.start_groups or ())]
    return page_of(rows[: limit + 1], limit, lambda row: (row.key,))
