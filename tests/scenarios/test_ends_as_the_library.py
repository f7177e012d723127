"""Models shaped like three of SpiffWorkflow's own tests (a transaction left by cancel and by
errors, data objects read and written across a sub-process, escalations caught on call
activities) run twice: through the API, and by SpiffWorkflow 3.2.0 alone in this process. Each
run must end the same: the same status, the same final variables, the same tasks ready along
the way and the same elements reached."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.runtime.inspect import element_states

from ..conftest import FIXTURES


@dataclass
class Ending:
    status: str
    variables: dict
    ready: list[list[str]]  # the ready human tasks before each completion, and at the end
    reached: list[str]  # elements completed, sub-processes' and called processes' included


def _json(data: dict) -> dict:
    return json.loads(json.dumps(data, default=str, sort_keys=True))


def by_the_library(
    files: tuple[str, ...], process: str, start: dict, steps: list[tuple[str, dict]]
) -> Ending:
    """SpiffWorkflow as its own tests drive it: data on the start, engine steps, then each human
    task completed with its data; the workflow's final data is what the library keeps in
    `workflow.data` once it has completed."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_files([str(FIXTURES / name) for name in files])
    workflow = BpmnWorkflow(parser.get_spec(process), parser.get_subprocess_specs(process))
    workflow.get_next_task(state=TaskState.READY).data.update(start)
    workflow.do_engine_steps()
    ready = []
    for element, data in steps:
        tasks = workflow.get_tasks(state=TaskState.READY, manual=True)
        ready.append(sorted(t.task_spec.bpmn_id for t in tasks))
        task = next(t for t in tasks if t.task_spec.bpmn_id == element)
        task.data.update(data)
        task.run()
        workflow.do_engine_steps()
    ready.append(sorted(t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY, manual=True)))
    assert workflow.is_completed(), "each story runs to the end"
    reached = sorted(
        {
            t.task_spec.bpmn_id
            for t in workflow.get_tasks(state=TaskState.COMPLETED)
            if getattr(t.task_spec, "bpmn_id", None)
        }
    )
    return Ending("completed", _json(workflow.data), ready, reached)


def through_the_api(
    rt, admin, files: tuple[str, ...], process: str, start: dict, steps: list[tuple[str, dict]]
) -> Ending:
    deployed = admin.deploy(*files)
    assert deployed.status_code == 201, deployed.json
    started = admin.start(process, variables=start)
    assert started.status_code == 201, started.json
    url = f"/api/v1/instances/{started.json['id']}"
    ready = []
    for element, data in steps:
        active = admin.get(url).json["active_tasks"]
        ready.append(sorted(t["element_id"] for t in active))
        [task] = [t for t in active if t["element_id"] == element]
        assert admin.complete(task["id"], data).status_code == 200
    final = admin.get(url).json
    ready.append(sorted(t["element_id"] for t in final["active_tasks"]))
    reached = element_states(rt, started.json["id"])["completed"]
    return Ending(final["status"], _json(final["variables"]), ready, reached)


TRANSACTION = ("transaction.bpmn",)


@pytest.mark.parametrize(
    "steps, path",
    [
        ([("enter_name", {"name": "Lu"}), ("enter_count", {"count": 3})], "summarise"),
        ([("enter_name", {"name": ""})], "note_cancel"),
        ([("enter_name", {"name": "Lu"}), ("enter_count", {"count": -1})], "note_rejected"),
        ([("enter_name", {"name": "Lu"}), ("enter_count", {"count": 0})], "note_error"),
    ],
    ids=["normal", "cancel", "error-with-code", "error-without-code"],
)
def test_a_transaction_ends_as_the_library_ends_it(rt, admin, steps, path):
    library = by_the_library(TRANSACTION, "collect_in_transaction", {}, steps)
    ours = through_the_api(rt, admin, TRANSACTION, "collect_in_transaction", {}, steps)
    assert path in library.reached
    assert ours == library


@pytest.mark.parametrize(
    "steps",
    [
        [("decide", {"verdict": "pass"}), ("confirm", {"remark": "fine"})],
        [("decide", {"verdict": "fail"}), ("confirm", {})],
    ],
    ids=["archived", "failed"],
)
def test_data_objects_end_in_the_variables_as_the_library_keeps_them(rt, admin, steps):
    library = by_the_library(("data_objects.bpmn",), "verdict_as_data_object", {}, steps)
    ours = through_the_api(rt, admin, ("data_objects.bpmn",), "verdict_as_data_object", {}, steps)
    assert "verdict" in library.variables["data_objects"]
    assert ours == library


def test_data_objects_show_while_the_instance_runs(admin):
    admin.deploy("data_objects.bpmn")
    instance = admin.start("verdict_as_data_object").json
    assert instance["variables"] == {"data_objects": {"verdict": None}}  # declared, not yet written
    [decide] = instance["active_tasks"]
    assert admin.complete(decide["id"], {"verdict": "pass"}).status_code == 200
    running = admin.get(f"/api/v1/instances/{instance['id']}").json
    assert running["variables"]["data_objects"] == {"verdict": "pass"}
    assert "verdict" not in running["variables"]  # a data object, not task data


ESCALATION = ("escalation_caller.bpmn", "escalation_callee.bpmn")


@pytest.mark.parametrize(
    "start",
    [{"should_escalate": True}, {"should_escalate": False}, {}],
    ids=["escalates", "does-not-escalate", "variable-missing"],
)
def test_escalations_from_call_activities_end_as_the_library_ends_them(rt, admin, start):
    library = by_the_library(ESCALATION, "escalation_caller", start, [])
    ours = through_the_api(rt, admin, ESCALATION, "escalation_caller", start, [])
    assert ours == library
