"""Who may read what: each reading rule once, used alike by the API, the page and the named
queries, so a list and a lookup by id can never disagree. (Who may *do* a task is routing's.)

Something a caller may not read is answered exactly as something that does not exist: its
existence is not theirs to know. Acting on something that exists but is not theirs is refused
(403), as API.md asks for tasks."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ..errors import Forbidden, NotFound
from ..persistence.models import Instance, Task, TaskCandidate
from .principal import Principal


# --- definitions ---------------------------------------------------------------------------------

def may_start(principal: Principal, start_groups: Iterable[str]) -> bool:
    """A definition's start is open to the groups whose lane holds its start event."""
    return principal.is_admin or bool(principal.groups.intersection(start_groups))


# --- tasks ---------------------------------------------------------------------------------------

def routed_tasks(principal: Principal) -> ColumnElement[bool] | None:
    """Tasks routed to the caller: one of their groups or their name is a candidate and they
    are not recused from it (recusal hides a task before and after it is done), or they hold or
    completed it. None for administrators, who are routed everything."""
    if principal.is_admin:
        return None
    groups = sorted(principal.groups)
    candidate = exists().where(TaskCandidate.task_id == Task.id, or_(
        and_(TaskCandidate.kind == "group", TaskCandidate.principal.in_(groups)),
        and_(TaskCandidate.kind == "user", TaskCandidate.principal == principal.username)))
    recused = exists().where(TaskCandidate.task_id == Task.id, TaskCandidate.kind == "exclude",
                             TaskCandidate.principal.in_(groups))
    return or_(and_(candidate, ~recused), Task.assignee == principal.username,
               Task.completed_by == principal.username)


def visible_tasks(principal: Principal) -> ColumnElement[bool] | None:
    """Tasks the caller sees, in their lists and by id: those routed to them, except a ready
    task someone else has claimed (a claim makes it its holder's alone until unclaimed)."""
    routed = routed_tasks(principal)
    if routed is None:
        return None
    return and_(routed, or_(Task.state != "ready", Task.assignee.is_(None),
                            Task.assignee == principal.username))


def visible_task(session: Session, principal: Principal, task_id: str) -> Task:
    query = select(Task).where(Task.id == task_id)
    visible = visible_tasks(principal)
    if visible is not None:
        query = query.where(visible)
    row = session.scalars(query).first()
    if row is None:
        raise NotFound(f"task {task_id} not found", code="task_not_found")
    return row


# --- instances -----------------------------------------------------------------------------------

def participates(session: Session, principal: Principal, instance_id: str) -> bool:
    """Whether the caller started the instance or has one of its tasks routed to them."""
    routed = routed_tasks(principal)
    query = select(Task.id).where(Task.instance_id == instance_id)
    if routed is not None:
        query = query.where(routed)
    if session.scalar(query.limit(1)) is not None:
        return True
    return session.scalar(select(Instance.id).where(Instance.id == instance_id,
                                                    Instance.started_by == principal.username)) is not None


def readable_instance(session: Session, principal: Principal, instance_id: str) -> Instance:
    """The instance, for administrators and its participants; for anyone else it does not exist."""
    row = session.get(Instance, instance_id)
    if row is None or not (principal.is_admin or participates(session, principal, instance_id)):
        raise NotFound(f"instance {instance_id} not found", code="instance_not_found")
    return row


def require_instance_admin(conn, principal: Principal, instance_id: str) -> None:
    """Cancel, suspend, resume and retry are administrators'. As with tasks, an unknown id is
    404 for everyone and an instance that exists is 403 for anyone else."""
    if principal.is_admin:
        return
    if conn.execute(select(Instance.id).where(Instance.id == instance_id)).first() is None:
        raise NotFound(f"instance {instance_id} not found", code="instance_not_found")
    raise Forbidden("only administrators may do this", code="admin_only")


def may_list_instances(principal: Principal) -> bool:
    return principal.is_admin
