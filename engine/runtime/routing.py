"""Who may do a task (DESIGN.md, "Routing"): the lane names a group; a `candidateGroups` or
`candidateUsers` property, an expression over the task's data, narrows it for one copy of a
multi-instance task and then replaces the lane's group. Who may see a task is access.py's."""
from __future__ import annotations

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from ..definitions import task_properties
from ..errors import Forbidden
from ..persistence.models import Task
from .principal import Principal


def candidates(spiff_task, script_engine: PythonScriptEngine) -> tuple[list[str], list[str], list[str]]:
    """(candidate groups, candidate users, excluded groups). An `excludeGroups` property names
    groups whose members may not do this copy (recusal: nobody checks their own prefecture)."""
    spec = spiff_task.task_spec
    props = task_properties.properties(spec)
    groups = _evaluate(spiff_task, script_engine, props.get("candidateGroups"))
    users = _evaluate(spiff_task, script_engine, props.get("candidateUsers"))
    excluded = _evaluate(spiff_task, script_engine, props.get("excludeGroups"))
    if groups is None:
        groups = [spec.lane] if getattr(spec, "lane", None) else []
    return groups, users or [], excluded or []


def _evaluate(spiff_task, script_engine, expression: str | None) -> list[str] | None:
    if not expression:
        return None
    value = script_engine.evaluate(spiff_task, expression)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def recused(principal: Principal, task) -> bool:
    return bool(principal.groups.intersection(getattr(task, "excluded_groups", None) or []))


def require_candidate(principal: Principal, task: Task) -> None:
    """The task is routed to the caller (an administrator may act on any), and the caller is
    not recused from it: recusal binds administrators too (Art. 11)."""
    if recused(principal, task):
        raise Forbidden("you may not do this task: it concerns your own unit (回避 / recusal)",
                        code="recused")
    if principal.is_admin or principal.username in (task.candidate_users or []):
        return
    if not principal.groups.intersection(task.candidate_groups or []):
        raise Forbidden("this task is not routed to you", code="not_a_candidate")


def require_unclaimed_by_others(principal: Principal, task: Task) -> None:
    """A claim makes a task its holder's alone until unclaimed."""
    if task.assignee is not None and task.assignee != principal.username:
        raise Forbidden(f"task is claimed by {task.assignee}", code="claimed_by_other")
