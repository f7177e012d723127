"""What an instance's state keeps of the data its tasks saw.

SpiffWorkflow gives every task its own copy of the process data and keeps it after the task
has finished, so a state grows with every task ever run: after one assessment cycle (145 units,
each filling several forms, each copy holding the plan and the proposal) it was 93 MB, and every
step read and wrote all of it. A finished task's copy is read again only

- by a child that has not taken it yet: a child still to come, or one in error (a retry starts
  it again from its parent's data);
- by a join, which merges the data of each branch's last task: until it has fired, and for
  good if a loop can bring the flow back to it (it then merges them again);
- as its workflow's last task: a sub-process hands it to its calling task when it ends, and the
  instance's variables are the last task's data while it runs.

Everything else is emptied before the state is written, so a step's cost follows the work still
open, not the history. A sub-process whose calling task has finished has nothing more to give.
This is the library's own reading of data, so an instance runs exactly as it would without it."""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from SpiffWorkflow.workflow import Workflow

_SPENT = TaskState.COMPLETED | TaskState.CANCELLED


def drop_spent_data(workflow: BpmnWorkflow) -> None:
    workflows = [workflow, *workflow.subprocesses.values()]
    every_task = {task_id: task for each in workflows for task_id, task in each.tasks.items()}
    _drop(workflow, everything=False)
    for subprocess in workflow.subprocesses.values():
        caller = every_task.get(subprocess.parent_task_id)
        _drop(subprocess, everything=caller is not None and caller.has_state(_SPENT))


def _drop(workflow: Workflow, *, everything: bool) -> None:
    if everything:
        workflow.data = {}  # what its end event left there, already handed to the caller
    spent_joins = set() if everything else _spent_joins(workflow)
    for task in workflow.tasks.values():
        if task.data and (everything or _spent(task, workflow, spent_joins)):
            task.data = {}


def _spent(task: Task, workflow: Workflow, spent_joins: set[TaskSpec]) -> bool:
    return (
        task.has_state(_SPENT)
        and task is not workflow.last_task
        and all(
            child.has_state(_SPENT)
            and (not isinstance(child.task_spec, UnstructuredJoin) or child.task_spec in spent_joins)
            for child in task.children
        )
    )


def _spent_joins(workflow: Workflow) -> set[TaskSpec]:
    """The joins that have fired and that no path leads back to."""
    fired = {
        task.task_spec
        for task in workflow.tasks.values()
        if isinstance(task.task_spec, UnstructuredJoin) and task.has_state(TaskState.COMPLETED)
    }
    return {spec for spec in fired if not _on_a_loop(spec)}


def _on_a_loop(spec: TaskSpec) -> bool:
    seen: set[str] = set()
    ahead = list(spec.outputs)
    while ahead:
        step = ahead.pop()
        if step is spec:
            return True
        if step.name not in seen:
            seen.add(step.name)
            ahead.extend(step.outputs)
    return False
