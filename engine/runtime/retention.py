"""What an instance's state keeps of the data its tasks saw.

SpiffWorkflow gives every task its own copy of the process data and keeps it after the task
has finished, so a state grows with every task ever run: after one assessment cycle (145 units,
each filling several forms, each copy holding the plan and the proposal) it was 93 MB, and every
step read and wrote all of it. A finished task's copy is read again only

- by a child that has not taken it yet: a child still to come, or one in error (a retry starts
  it again from its parent's data);
- by a join, which merges the data of each branch's last task, again if a loop comes back;
- as its workflow's last task: a sub-process hands it to its calling task when it ends, and the
  instance's variables are the last task's data while it runs.

Everything else is emptied before the state is written, so a step's cost follows the work still
open, not the history. A sub-process whose calling task has finished has nothing more to give.
This is the library's own reading of data, so an instance runs exactly as it would without it."""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
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
    for task in workflow.tasks.values():
        if task.data and (everything or _spent(task, workflow)):
            task.data = {}


def _spent(task: Task, workflow: Workflow) -> bool:
    return (
        task.has_state(_SPENT)
        and task is not workflow.last_task
        and all(
            child.has_state(_SPENT) and not isinstance(child.task_spec, UnstructuredJoin)
            for child in task.children
        )
    )
