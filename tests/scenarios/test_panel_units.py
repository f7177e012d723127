"""A panel of experts scores a draft, one copy of the task per seat (`loopCardinality`, no input
collection). Whatever the engine does to save work (deferring the completion of parallel copies
while siblings remain), the instance ends exactly as SpiffWorkflow in-process ends the same
BPMN with the same completions in the same order: same status, same final variables, and the
same failure where SpiffWorkflow fails."""

from __future__ import annotations

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.definitions.parser import new_parser
from engine.definitions.xml import parse_xml
from engine.runtime.jsonable import public_data
from tests.conftest import FIXTURES

PANEL = {"panel_size": 3}
ORDER = [2, 0, 1]  # seats complete out of their creation order: merge order must be kept


def with_score(seat: int) -> dict:
    return {"score": 60 + seat * 10, "note": f"seat {seat}"}


def without_score(seat: int) -> dict:
    return {"note": f"seat {seat}"}


def in_process(fixture: str, submit) -> dict:
    """SpiffWorkflow alone: parse, start, complete each seat's copy in ORDER, run engine steps."""
    parser = new_parser()
    parser.add_bpmn_xml(parse_xml((FIXTURES / fixture).read_bytes(), fixture), filename=fixture)
    pid = fixture.removesuffix(".bpmn")
    workflow = BpmnWorkflow(parser.get_spec(pid), parser.get_subprocess_specs(pid))
    workflow.get_next_task(state=TaskState.READY).data.update(PANEL)
    try:
        workflow.do_engine_steps()
        for seat in ORDER:
            ready = {
                t.data.get("seat"): t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.manual
            }
            if seat not in ready:  # a sequential panel offers one seat at a time, in order
                seat = min(ready)
            task = ready[seat]
            task.data.update(submit(seat))
            task.run()
            workflow.do_engine_steps()
    except Exception as exc:  # noqa: BLE001 - whatever SpiffWorkflow raises is the reference
        return {"status": "error", "message": str(exc.args[0])}
    assert workflow.is_completed()
    return {"status": "completed", "variables": public_data(workflow.last_task.data)}


def in_engine(admin, fixture: str, submit) -> dict:
    assert admin.deploy(fixture).status_code == 201
    instance = admin.start(fixture.removesuffix(".bpmn"), variables=PANEL).json
    done = instance
    for seat in ORDER:
        if done["status"] != "running":
            break  # an incident stopped the panel, as SpiffWorkflow's exception stops it
        ready = {admin.get(f"/api/v1/tasks/{t['id']}").json["data"]["seat"]: t for t in admin.tasks()}
        if seat not in ready:
            seat = min(ready)
        answer = admin.complete(ready[seat]["id"], submit(seat))
        assert answer.status_code == 200, answer.json
        done = admin.get(f"/api/v1/instances/{instance['id']}").json
    if done["status"] == "error":
        return {"status": "error", "message": done["error"]["message"]}
    return {"status": done["status"], "variables": done["variables"]}


@pytest.mark.parametrize("fixture", ["panel_parallel.bpmn", "panel_sequential.bpmn", "panel_merged.bpmn"])
@pytest.mark.parametrize("submit", [with_score, without_score], ids=["with_score", "without_score"])
def test_a_panel_ends_as_spiffworkflow_ends_it_in_process(admin, fixture, submit):
    assert in_engine(admin, fixture, submit) == in_process(fixture, submit)


def test_a_seat_without_its_score_is_an_incident_at_that_seat(admin):
    """SpiffWorkflow cannot merge a copy that lacks the output item: the first such completion
    fails, so the engine may not record it for later; the instance stops there, with an
    incident, and the seats still open stay listed for the retry."""
    admin.deploy("panel_parallel.bpmn")
    instance = admin.start("panel_parallel", variables=PANEL).json
    first, *others = admin.tasks()
    assert admin.complete(first["id"], {"note": "no score"}).status_code == 200
    broken = admin.get(f"/api/v1/instances/{instance['id']}").json
    assert broken["status"] == "error"
    assert broken["error"]["element"] == "score_seat"
    assert broken["error"]["message"] == "Expected an output item"
    events = admin.get(f"/api/v1/instances/{instance['id']}/events").json["items"]
    assert events[-1]["type"] == "instance.error" and events[-1]["element"] == "score_seat"
    assert sorted(t["id"] for t in admin.tasks()) == sorted(t["id"] for t in others)
