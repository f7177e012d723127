"""A task's data and the extensions' task hooks, seen from the tasks people do: a unit of one
multi-instance stage carries its own item, not the collections of every unit's work in either
stage; and a task hook runs for a task a person completes, in that step, with what they sent."""

from __future__ import annotations

from dataclasses import replace

import pytest

from engine.app import create_app
from engine.auth.users import create_user
from engine.extensions import Extension
from engine.runtime.runtime import Runtime

from ..conftest import Actor

NOTED: list[tuple[str, object, str]] = []


def _note(step, task, properties) -> None:
    if properties.get("noted"):
        NOTED.append((task.task_spec.bpmn_id, task.data.get(properties["noted"]), step.actor.username))


@pytest.fixture
def office(settings, clock):
    rt = Runtime.create(
        replace(settings, extensions=()),
        clock=clock,
        extensions=[Extension(name="notes", task_hooks=(_note,))],
    )
    client = create_app(runtime=rt).test_client()
    with rt.db.write() as session:
        admin = Actor(client, "root", create_user(session, "root", now=clock.now(), admin=True))
    NOTED.clear()
    yield admin
    rt.db.dispose()


def test_a_unit_carries_its_item_not_the_stages_collections(office):
    admin = office
    admin.deploy("two_stages.bpmn")
    units = [{"code": f"5301{n:02d}"} for n in range(1, 4)]
    checks = [{"code": "530102", "note": "x" * 100}]
    instance = admin.start("two_stages", variables={"units": units, "checks_due": checks}).json["id"]
    tasks = {t["element_id"]: t for t in admin.tasks(instance=instance)}
    rate = admin.get(f"/api/v1/tasks/{tasks['rate']['id']}").json["data"]
    check = admin.get(f"/api/v1/tasks/{tasks['check']['id']}").json["data"]
    assert "unit" in rate and not {"units", "ratings", "checks_due"} & set(rate)
    assert check["item"] == checks[0] and not {"units", "ratings", "checks_due"} & set(check)
    # the workflow itself keeps them: scripts and later steps read them as before
    assert admin.get(f"/api/v1/instances/{instance}").json["variables"]["units"] == units


def test_a_task_hook_runs_for_a_task_a_person_completes(office):
    admin = office
    admin.deploy("two_stages.bpmn")
    instance = admin.start("two_stages", variables={"units": [{"code": "530102"}], "checks_due": []}).json[
        "id"
    ]
    for task in admin.tasks(instance=instance):
        assert admin.complete(task["id"], {}).status_code == 200
    [draft] = admin.tasks(instance=instance)
    assert NOTED == []
    assert admin.complete(draft["id"], {"summary": "起草完毕 / drafted"}).status_code == 200
    assert NOTED == [("draft", "起草完毕 / drafted", "root")]
