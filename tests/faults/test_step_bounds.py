"""No BPMN may hold a worker or a lock: a step that does not reach a wait state within its budget
(engine tasks run, seconds spent) ends as an incident and commits, which releases the lock. And
whatever SpiffWorkflow raises during a step is an incident too, never a 500.

Starts that would never return on an engine without the budget run on a daemon thread, so
such an engine fails these tests instead of hanging the suite."""

from __future__ import annotations

import threading
from dataclasses import replace
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from engine.config import Settings
from engine.persistence.models import AuditEvent, Instance
from engine.runtime.budget import StepBudget, StepBudgetExceeded

TASKS, SECONDS = 300, 5.0


@pytest.fixture
def settings(settings):
    # A script may take the whole step's time: the step's own bound is what these tests stop
    # at, not one slow script on a loaded machine (the suite's default script limit is 0.5 s).
    return replace(settings, step_task_limit=TASKS, step_time_limit=SECONDS, script_time_limit=SECONDS)


def _start_within(admin, seconds: float, key: str, variables: dict):
    answer = {}
    thread = threading.Thread(
        target=lambda: answer.update(r=admin.start(key, variables=variables)), daemon=True
    )
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"starting {key} did not finish within {seconds} s"
    return answer["r"]


def _incident(rt, admin, response) -> dict:
    assert response.status_code == 201, response.json
    instance = admin.get(f"/api/v1/instances/{response.json['id']}").json
    assert instance["status"] == "error", instance
    with rt.db.read() as session:
        recorded = session.scalars(
            select(AuditEvent.element).where(
                AuditEvent.instance_id == instance["id"], AuditEvent.type == "instance.error"
            )
        ).all()
    assert recorded == [instance["error"]["element"]]
    return instance["error"]


def test_a_loop_without_a_wait_state_ends_as_an_incident_and_frees_the_lock(rt, admin):
    admin.deploy("loops_without_wait.bpmn")
    response = _start_within(admin, 4 * SECONDS, "loops_without_wait", {"rounds": 0})
    error = _incident(rt, admin, response)
    assert error["element"] in ("tally", "settled")
    assert f"{TASKS} engine tasks" in error["message"]
    with rt.db.read() as session:  # the step's work up to the bound was kept, then it stopped
        rounds = session.get(Instance, response.json["id"]).variables["rounds"]
    assert 0 < rounds <= TASKS
    # the lock is free: another write goes through at once
    assert admin.deploy("panel_parallel.bpmn").status_code == 201
    assert admin.start("panel_parallel", variables={"panel_size": 2}).status_code == 201


def test_the_wall_clock_bounds_a_step_whose_tasks_are_slow(rt, admin):
    rt.settings = replace(rt.settings, step_task_limit=10_000_000, step_time_limit=0.5)
    admin.deploy("loops_without_wait.bpmn")
    response = _start_within(admin, 20, "loops_without_wait", {"rounds": 0})
    assert "more than 0.5 s" in _incident(rt, admin, response)["message"]


def test_a_huge_cardinality_is_refused_before_any_copy_is_created(rt, admin):
    admin.deploy("panel_parallel.bpmn")
    response = _start_within(admin, 4 * SECONDS, "panel_parallel", {"panel_size": 10**9})
    error = _incident(rt, admin, response)
    assert error["element"] == "score_seat"
    assert error["message"] == f"loop cardinality {10**9} is more than the {TASKS} tasks a step may create"
    assert admin.tasks() == []


@pytest.mark.parametrize(
    "variables, raised",
    [
        ({"panel_size": "three"}, "'str' object cannot be interpreted as an integer"),  # TypeError
        ({"panel_size": 3, "scores": ["kept"]}, "name 'data_ouput' is not defined"),  # NameError
    ],
    ids=["size_is_text", "output_already_filled"],
)
def test_whatever_spiffworkflow_raises_is_an_incident(rt, admin, variables, raised):
    """Neither is a SpiffWorkflow exception: a Python error inside the library (the second is
    SpiffWorkflow 3.2.0's own typo, on an output collection that already has items)."""
    admin.deploy("panel_parallel.bpmn")
    error = _incident(rt, admin, admin.start("panel_parallel", variables=variables))
    assert error == {"element": "score_seat", "message": raised, "type": error["type"]} and error["type"] in (
        "TypeError",
        "NameError",
    )


def test_a_start_event_that_fails_while_the_instance_is_created_is_an_incident(rt, admin):
    """A conditional start event is evaluated as the instance comes into being, before any
    engine step: its failure was a 500 that left nothing behind."""
    admin.deploy("starts_on_a_broken_condition.bpmn")
    response = admin.start("starts_on_a_broken_condition", variables={"threshold": 3})
    error = _incident(rt, admin, response)
    assert error["element"] == "begin" and "threshold / 0" in error["message"]


def test_by_default_a_loop_is_an_incident_before_spiffworkflow_loses_sight_of_it(rt, admin):
    """SpiffWorkflow 3.2.0 looks no deeper than 1000 levels into a workflow: a wait-free loop
    of ~500 rounds would pass for completed. The default budget stops it before that."""
    rt.settings = replace(
        rt.settings, step_task_limit=Settings().step_task_limit, step_time_limit=Settings().step_time_limit
    )
    admin.deploy("loops_without_wait.bpmn")
    response = _start_within(admin, 4 * SECONDS, "loops_without_wait", {"rounds": 0})
    assert "engine tasks" in _incident(rt, admin, response)["message"]


def test_the_time_bound_counts_from_the_first_engine_task_not_from_loading():
    """Waiting for the lock and loading a large state on a busy machine are not the BPMN's
    doing: a step whose load took longer than its bound still runs its engine tasks."""
    workflow = SimpleNamespace(spec=SimpleNamespace(file="loop.bpmn"))
    workflow.top_workflow = workflow
    task = SimpleNamespace(task_spec=SimpleNamespace(bpmn_name="循环 / Loop"), workflow=workflow, data={})
    now = [100.0]
    budget = StepBudget(max_tasks=10, seconds=2.0, clock=lambda: now[0])
    now[0] += 5.0  # the lock and the state took five seconds
    budget.charge(task)
    now[0] += 1.5
    budget.charge(task)  # within two seconds of the first engine task
    now[0] += 1.0
    with pytest.raises(StepBudgetExceeded):
        budget.charge(task)
