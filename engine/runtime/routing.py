"""Who a task's candidates are (DESIGN.md, "Routing"): the lane names a group; a `candidateGroups` or
`candidateUsers` property, an expression over the task's data, narrows it for one copy of a
multi-instance task and then replaces the lane's group; `excludeGroups` and `excludeUsers` name
who may not do it all the same. What candidates (and anyone else) may see or do is decided in
access.py alone."""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.task import Task as SpiffTask

from ..definitions import task_properties


@dataclass(frozen=True)
class Candidates:
    groups: list[str]
    users: list[str]
    excluded_groups: list[str]
    excluded_users: list[str]


def candidates(spiff_task: SpiffTask, script_engine: PythonScriptEngine) -> Candidates:
    """An `excludeGroups` property names groups whose members may not do this copy (recusal:
    nobody checks their own prefecture); `excludeUsers` names users who may not (separation of
    duties: nobody decides a gate on a draft they wrote, e.g. `excludeUsers="drafted_by"` after
    a drafting task with `completedBy="drafted_by"`)."""
    spec = spiff_task.task_spec
    props = task_properties.properties(spec)
    groups = _evaluate(spiff_task, script_engine, props.get("candidateGroups"))
    users = _evaluate(spiff_task, script_engine, props.get("candidateUsers"))
    if groups is None:
        groups = [spec.lane] if getattr(spec, "lane", None) else []
    return Candidates(
        groups,
        users or [],
        _evaluate(spiff_task, script_engine, props.get("excludeGroups")) or [],
        _evaluate(spiff_task, script_engine, props.get("excludeUsers")) or [],
    )


def _evaluate(
    spiff_task: SpiffTask, script_engine: PythonScriptEngine, expression: str | None
) -> list[str] | None:
    if not expression:
        return None
    value = script_engine.evaluate(spiff_task, expression)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]
