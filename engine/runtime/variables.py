"""An instance's variables: what SpiffWorkflow itself holds as the workflow's data.

While the instance runs, that is the data of the last task that ran (what the next task starts
from). Once it has completed, it is `workflow.data`, which the library fills only from what
reaches an end of the process: a path that ends at a task with no outgoing flow, such as a
handler after a transaction's cancel or error boundary event, leaves nothing there, so what
such a path set is not part of the final data. Data objects are never task data: SpiffWorkflow
keeps the process's own under `workflow.data["data_objects"]`, and they show under that key
throughout (a sub-process's own data objects stay inside it, as its task data does)."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow

from .jsonable import public_data

DATA_OBJECTS = "data_objects"  # SpiffWorkflow's key in workflow.data


def instance_variables(workflow: BpmnWorkflow, *, ended: bool) -> dict[str, Any]:
    """`ended`: the process ran to its end (an instance cancelled by an administrator did not,
    and keeps the data it had)."""
    if ended:
        return public_data(workflow.data)
    last = workflow.last_task
    data = dict(last.data) if last is not None else dict(workflow.data)
    if DATA_OBJECTS in workflow.data:
        data[DATA_OBJECTS] = workflow.data[DATA_OBJECTS]
    return public_data(data)
