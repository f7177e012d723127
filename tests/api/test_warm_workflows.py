"""A step takes the workflow its instance's last step saved in this process, instead of
restoring it from JSON, only when the stored state is exactly what that step saved: a step of
another process, a rolled-back step, or data JSON would give back changed, and the state is
restored from the database; in every case the process sees what is stored."""

from __future__ import annotations

import pytest

from engine.app import create_app
from engine.auth.users import create_user
from engine.runtime.runtime import Runtime

from ..conftest import Actor


@pytest.fixture
def restores(rt, monkeypatch):
    """How many times this runtime restored a workflow from its stored JSON."""
    counted = []
    restore = rt.serializer.workflow_from_text
    monkeypatch.setattr(
        rt.serializer, "workflow_from_text", lambda *args: counted.append(1) or restore(*args)
    )
    return counted


def _started(admin: Actor) -> str:
    deployed = admin.deploy("three_turns.bpmn")
    assert deployed.status_code == 201, deployed.json
    started = admin.start("three_turns")
    assert started.status_code == 201, started.json
    return started.json["id"]


def _turn(actor: Actor, instance: str, element: str, note: str) -> None:
    [task] = [t for t in actor.tasks(instance=instance) if t["element_id"] == element]
    answer = actor.complete(task["id"], {"note": note})
    assert answer.status_code == 200, answer.json


def _variables(actor: Actor, instance: str) -> dict:
    return actor.get(f"/api/v1/instances/{instance}").json["variables"]


def test_the_next_step_takes_the_workflow_its_last_step_saved(admin, restores):
    instance = _started(admin)
    _turn(admin, instance, "first", "a")
    assert len(restores) == 1  # the start is not kept: its transaction is the caller's
    _turn(admin, instance, "second", "b")
    assert len(restores) == 1 and _variables(admin, instance)["tally"] == {"seen": ["a", "b"]}


def test_a_step_of_another_process_is_seen_by_the_next(admin, restores, settings, clock):
    instance = _started(admin)
    _turn(admin, instance, "first", "a")  # this process keeps the workflow as it saved it

    other = Runtime.create(settings, clock=clock)  # another worker on the same database
    try:
        with other.db.write() as session:
            token = create_user(session, "other.worker", now=clock.now(), admin=True)
        worker = Actor(create_app(runtime=other).test_client(), "other.worker", token)
        _turn(worker, instance, "second", "b")
    finally:
        other.db.dispose()

    before = len(restores)
    _turn(admin, instance, "third", "c")  # what it kept is stale: restored from what is stored
    assert len(restores) == before + 1
    assert _variables(admin, instance)["tally"] == {"seen": ["a", "b", "c"]}


def test_a_rolled_back_step_leaves_nothing_kept(admin, restores, rt):
    instance = _started(admin)
    _turn(admin, instance, "first", "a")

    def crash():
        raise RuntimeError("the machine goes down before the commit")

    rt.before_save = crash
    crashed = admin.complete(next(t["id"] for t in admin.tasks(instance=instance)), {"note": "lost"})
    rt.before_save = None
    assert crashed.status_code == 500

    before = len(restores)
    _turn(admin, instance, "second", "b")
    assert len(restores) == before + 1  # the workflow the crashed step changed was not kept
    assert _variables(admin, instance)["tally"] == {"seen": ["a", "b"]}


def test_data_json_would_change_is_restored_as_a_restart_would_see_it(admin, restores):
    """A tuple and a number key, made by a script: the next step sees a list and a string key,
    as it would after a restart, not the objects the script made."""
    instance = _started(admin)
    _turn(admin, instance, "first", "a")
    _turn(admin, instance, "second", "b")
    before = len(restores)
    _turn(admin, instance, "third", "c")
    assert len(restores) == before + 1
    variables = _variables(admin, instance)
    assert variables["pair_is_list"] and variables["year_key_is_text"]
