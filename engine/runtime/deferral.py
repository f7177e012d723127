"""Deferred unit completions: how a stage of 145 parallel units costs per unit what a stage of
16 does (DESIGN.md, "Cost per step").

Completing one copy of a parallel multi-instance user task changes nothing observable in the
workflow until the last copy is done: SpiffWorkflow only merges the copy's output and checks
whether all are complete. So while siblings remain, a unit's completion is recorded in SQL (the
task row, its submitted data and an order number) without loading the workflow at all. The
next step that does load the workflow first replays the recorded completions, in order, through
SpiffWorkflow itself, so the workflow ends exactly as if each had been applied at once.

Only units where that equivalence holds are deferred: copies of a parallel multi-instance human
task of the top-level process, without a completion condition (which could end the stage early)
and without a post-script (which runs at completion, could fail, and must fail at the
completer's step; a pre-script has run already, when the unit became ready)."""
from __future__ import annotations

from uuid import UUID

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import ParallelMultiInstanceTask

from ..definitions import task_properties
from ..persistence import store, timer_rows
from ..persistence.store import TaskRecord


def deferrable_elements(spec) -> frozenset[str]:
    found = set()
    for task_spec in spec.task_specs.values():
        if not isinstance(task_spec, ParallelMultiInstanceTask) or task_spec.condition:
            continue
        child = spec.task_specs.get(task_spec.task_spec)
        if child is not None and task_properties.is_human(child) and not getattr(child, "postscript", None):
            found.add(child.bpmn_id)
    return frozenset(found)


def try_defer(step, task: TaskRecord, cleaned: dict) -> bool:
    """Records the completion without the workflow when siblings remain; False otherwise."""
    if task.element_id not in step.definition.deferrable or step.loaded:
        return False
    if store.ready_siblings(step.conn, step.instance.id, task.element_id) <= 1:
        return False  # the last unit closes the stage: it takes the full path
    task.result, task.deferred_seq = cleaned, step.instance.lock_version
    store.complete_task(step.conn, task)
    timer_rows.remove_task_due_dates(step.conn, [task.id] if task.due_at else [])
    step.instance.deferred_count += 1
    return True


def replay(step, workflow) -> None:
    """Applies recorded unit completions to a freshly loaded workflow, oldest first."""
    for row in store.deferred_completions(step.conn, step.instance.id):
        spiff_task = workflow.get_task_from_id(UUID(row.id))
        spiff_task.data.update(row.result or {})
        spiff_task.run()
    store.clear_deferred(step.conn, step.instance.id)
    step.instance.deferred_count = 0
