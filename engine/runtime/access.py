"""Who may see, read and act on what: every access decision of the engine, each rule once,
used alike by the API, the page, the named queries and the commands, so that a list, a lookup
by id and an action can never disagree. (Who a task's candidates are is routing's: it reads
them from the BPMN; what they are allowed is decided here.)

Something a caller may not read is answered exactly as something that does not exist: its
existence is not theirs to know. Acting on something that exists but is not theirs is refused
(403), as API.md asks for tasks; an unknown id is 404 for everyone.

The rules about tasks come twice, by necessity side by side: as SQL filters for the lists and
lookups, and in Python for a task already loaded by a command. Each pair is written together
below so they are changed together."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, and_, exists, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from ..errors import Forbidden, NotFound
from ..persistence.models import Instance, Task, TaskCandidate
from ..persistence.store import TaskRecord
from .principal import Principal

# --- administrators ------------------------------------------------------------------------------


def require_admin(principal: Principal) -> Principal:
    """The one check of what only administrators do (definitions, the clock, webhooks, timers,
    listing and steering instances), in the API and on the page alike."""
    if not principal.is_admin:
        raise Forbidden("only administrators may do this", code="admin_only")
    return principal


# --- definitions ---------------------------------------------------------------------------------


def may_start(principal: Principal, start_groups: Iterable[str]) -> bool:
    """A definition's start is open to the groups whose lane holds its start event."""
    return principal.is_admin or bool(principal.groups.intersection(start_groups))


# --- tasks: seeing -------------------------------------------------------------------------------


def routed_tasks(principal: Principal) -> ColumnElement[bool]:
    """Tasks routed to the caller: one of their groups or their name is a candidate and they
    are not recused from it (recusal hides a task before and after it is done), or they hold or
    completed it. Administrators are routed every task. A task that excludes the caller by name
    is routed to nobody of that name, administrators included. (`may_do` is this rule for one
    loaded task.)"""
    not_excluded = ~exists().where(
        TaskCandidate.task_id == Task.id,
        TaskCandidate.kind == "ex_user",
        TaskCandidate.principal == principal.username,
    )
    if principal.is_admin:
        return not_excluded
    groups = sorted(principal.groups)
    candidate = exists().where(
        TaskCandidate.task_id == Task.id,
        or_(
            and_(TaskCandidate.kind == "group", TaskCandidate.principal.in_(groups)),
            and_(TaskCandidate.kind == "user", TaskCandidate.principal == principal.username),
        ),
    )
    recused = exists().where(
        TaskCandidate.task_id == Task.id, TaskCandidate.kind == "exclude", TaskCandidate.principal.in_(groups)
    )
    routed = or_(
        and_(candidate, ~recused),
        Task.assignee == principal.username,
        Task.completed_by == principal.username,
    )
    return and_(routed, not_excluded)


def visible_tasks(principal: Principal) -> ColumnElement[bool]:
    """Tasks the caller sees, in every list and by id: those routed to them, except, for anyone
    but an administrator, a ready task someone else has claimed (a claim makes it its holder's
    alone until unclaimed)."""
    routed = routed_tasks(principal)
    if principal.is_admin:
        return routed
    return and_(
        routed, or_(Task.state != "ready", Task.assignee.is_(None), Task.assignee == principal.username)
    )


def visible_task(session: Session, principal: Principal, task_id: str) -> Task:
    row = session.scalars(select(Task).where(Task.id == task_id, visible_tasks(principal))).first()
    if row is None:
        raise NotFound(f"task {task_id} not found", code="task_not_found")
    return row


def open_tasks(session: Session, principal: Principal, instance_id: str) -> list[Task]:
    """An instance's ready tasks, as far as the caller sees them: an instance's page or answer
    is one more list of tasks, and shows no task its reader could not look up."""
    query = select(Task).where(
        Task.instance_id == instance_id, Task.state == "ready", visible_tasks(principal)
    )
    return list(session.scalars(query.order_by(Task.created_at, Task.id)))


# --- tasks: acting -------------------------------------------------------------------------------


def recused(principal: Principal, task: TaskRecord | Task) -> bool:
    """A member of a group the task excludes may not do it (回避 / recusal)."""
    return bool(principal.groups.intersection(getattr(task, "excluded_groups", None) or []))


def excluded(principal: Principal, task: TaskRecord | Task) -> bool:
    """A user the task names as excluded may not do it (职责分离 / separation of duties)."""
    return principal.username in (getattr(task, "excluded_users", None) or [])


def may_do(principal: Principal, task: TaskRecord | Task) -> bool:
    """Whether the task is the caller's to do, held by nobody else aside: they are neither
    recused nor excluded (which binds administrators too, Art. 11), and they are an
    administrator or a candidate."""
    if recused(principal, task) or excluded(principal, task):
        return False
    return (
        principal.is_admin
        or principal.username in (task.candidate_users or [])
        or bool(principal.groups.intersection(task.candidate_groups or []))
    )


def require_candidate(principal: Principal, task: TaskRecord | Task) -> None:
    if recused(principal, task):
        raise Forbidden(
            "you may not do this task: it concerns your own unit (回避 / recusal)", code="recused"
        )
    if excluded(principal, task):
        raise Forbidden(
            "you may not do this task: you did the work it decides on (职责分离 / separation of duties)",
            code="excluded_user",
        )
    if not may_do(principal, task):
        raise Forbidden("this task is not routed to you", code="not_a_candidate")


def require_unclaimed_by_others(principal: Principal, task: TaskRecord | Task) -> None:
    """A claim makes a task its holder's alone until unclaimed: nobody else claims or completes
    it, administrators included."""
    if task.assignee is not None and task.assignee != principal.username:
        raise Forbidden(f"task is claimed by {task.assignee}", code="claimed_by_other")


def require_may_unclaim(principal: Principal, task: TaskRecord | Task) -> None:
    """A claim is given back by its holder, or taken back by an administrator (someone away
    must not block a task)."""
    if not principal.is_admin:
        require_unclaimed_by_others(principal, task)


# --- instances -----------------------------------------------------------------------------------


def participates(session: Session, principal: Principal, instance_id: str) -> bool:
    """Whether the caller started the instance or sees one of its tasks: an instance is read by
    whoever can reach it from their task lists (or from starting it), and by nobody else."""
    query = select(Task.id).where(Task.instance_id == instance_id, visible_tasks(principal))
    if session.scalar(query.limit(1)) is not None:
        return True
    return (
        session.scalar(
            select(Instance.id).where(Instance.id == instance_id, Instance.started_by == principal.username)
        )
        is not None
    )


def readable_instance(session: Session, principal: Principal, instance_id: str) -> Instance:
    """The instance, for administrators and its participants; for anyone else it does not exist."""
    row = session.get(Instance, instance_id)
    if row is None or not (principal.is_admin or participates(session, principal, instance_id)):
        raise NotFound(f"instance {instance_id} not found", code="instance_not_found")
    return row


def require_instance_admin(conn: Connection, principal: Principal, instance_id: str) -> None:
    """Cancel, suspend, resume and retry are administrators'. As with tasks, an unknown id is
    404 for everyone and an instance that exists is 403 for anyone else."""
    if principal.is_admin:
        return
    if conn.execute(select(Instance.id).where(Instance.id == instance_id)).first() is None:
        raise NotFound(f"instance {instance_id} not found", code="instance_not_found")
    require_admin(principal)
