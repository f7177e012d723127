"""Deferred unit completions: how a stage of 145 parallel units costs per unit what a stage of
16 does (DESIGN.md, "Cost per step").

Completing one copy of a parallel multi-instance user task changes nothing observable in the
workflow until the last copy is done: SpiffWorkflow only merges the copy's output and checks
whether all are complete. So while siblings remain, a unit's completion is recorded in SQL (the
task row, its submitted data and an order number) without loading the workflow at all. The
next step that does load the workflow first replays the recorded completions, in order, through
SpiffWorkflow itself, so the workflow ends exactly as if each had been applied at once.

Only units where that equivalence holds are deferred: copies of a parallel multi-instance human
task of the top-level process (its element id used nowhere else, since rows are counted by
element), without a completion condition (which could end the stage early), without a
post-script, input/output specification or data associations (each runs at completion, could
fail, and must fail at the completer's step; a pre-script has run already, when the unit became
ready). A stage that collects an output item fails the merge of a copy that lacks it, so such a
copy is deferred only when its completion carries the item; otherwise it takes the full path
and fails, as in SpiffWorkflow, at its own completion. Which units those are is read from the
spec once per version (definitions/deferrable.py); recording and replaying them is here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from ..persistence import store, timer_rows
from ..persistence.store import TaskRecord

if TYPE_CHECKING:  # unit_of_work imports this module
    from .unit_of_work import Step


def may_defer(step: Step, task: TaskRecord, cleaned: dict[str, Any]) -> bool:
    """Whether this completion may be recorded without the workflow: siblings remain."""
    deferrable = step.definition.deferrable
    if task.element_id not in deferrable or step.loaded:
        return False
    item = deferrable[task.element_id]
    if item is not None and item not in cleaned:
        return False  # its merge would fail: at this completion, as in SpiffWorkflow
    # the last unit closes the stage: it takes the full path
    return store.ready_siblings(step.conn, step.instance.id, task.element_id) > 1


def defer(step: Step, task: TaskRecord, cleaned: dict[str, Any]) -> None:
    """Records the completion (the task row, its data, its order) for the next replay. The data
    is the completion's whole data, a `completedBy` variable included (task_hooks.with_completer),
    so the replay runs the unit with its real completer's name as the completer's step would."""
    task.result, task.deferred_seq = cleaned, step.instance.lock_version
    store.complete_task(step.conn, task)
    timer_rows.remove_task_due_dates(step.conn, [task.id] if task.due_at else [])
    step.instance.deferred_count += 1


def replay(step: Step, workflow: BpmnWorkflow) -> None:
    """Applies recorded unit completions to a freshly loaded workflow, oldest first. If one
    fails (units recorded by an engine that deferred more than it should), the error is the
    caller's to turn into an incident; the units not applied are then ready again in the
    workflow, and the projection lists them again."""
    try:
        for row in store.deferred_completions(step.conn, step.instance.id):
            spiff_task = workflow.get_task_from_id(UUID(row.id))
            if spiff_task is None or not spiff_task.has_state(TaskState.READY):
                raise ReplayFailed(f"recorded completion of task {row.id} no longer applies")
            spiff_task.data.update(row.result or {})
            spiff_task.run()
    finally:
        store.clear_deferred(step.conn, step.instance.id)
        step.instance.deferred_count = 0


class ReplayFailed(Exception):
    """A recorded unit completion that the loaded workflow cannot take."""
