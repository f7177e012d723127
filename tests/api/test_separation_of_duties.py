"""Separation of duties (职责分离): a task's `completedBy` property names, in its data, the user who
completed it, whatever the submission said; a later task's `excludeUsers` keeps that user from
it, administrators included, while the rest of its lane may do it. A `completedBy` that names no
variable is refused at deploy."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from engine.persistence.models import Definition, Instance

EXCLUDED = (403, "excluded_user")


def _refusal(response):
    return response.status_code, (response.json or {}).get("error", {}).get("code")


def _ready(actor, instance_id, element_id):
    [task] = [t for t in actor.tasks(instance=instance_id) if t["element_id"] == element_id]
    return task["id"]


def _shut_out(actor, task_id):
    """The task is as absent to `actor` as one that never existed, and every act on it is 403."""
    assert task_id not in {t["id"] for state in ("ready", "completed") for t in actor.tasks(state=state)}
    assert actor.get(f"/api/v1/tasks/{task_id}").status_code == 404
    for act in ("claim", "unclaim"):
        assert _refusal(actor.post(f"/api/v1/tasks/{task_id}/{act}")) == EXCLUDED, act
    refused = actor.complete(task_id, {"decision": "approve"})
    assert _refusal(refused) == EXCLUDED
    assert "separation of duties" in refused.json["error"]["message"]


def test_nobody_decides_a_draft_they_wrote_and_the_draft_names_its_real_author(admin, people):
    drafter = people("li.office", groups=["provincial_office"])
    colleague = people("wu.office", groups=["provincial_office"])
    assert admin.deploy("separation_of_duties.bpmn", "signed-draft.json").status_code == 201
    instance = drafter.start("separation").json["id"]

    draft = _ready(drafter, instance, "draft")
    # the form declares `drafted_by`: the drafter tries to put it on a colleague
    done = drafter.complete(draft, {"title": "2026 plan", "drafted_by": "wu.office"})
    assert done.status_code == 200, done.json

    gate = _ready(colleague, instance, "gate")
    assert colleague.get(f"/api/v1/tasks/{gate}").json["data"]["drafted_by"] == "li.office"
    _shut_out(drafter, gate)
    assert gate in {t["id"] for t in admin.tasks()}  # the administrator wrote nothing here

    # no form: the raw data reaches the task, and still cannot name another decider
    assert colleague.complete(gate, {"decided_by": "li.office"}).status_code == 200
    filed = colleague.get(f"/api/v1/tasks/{_ready(colleague, instance, 'file')}").json["data"]
    assert filed["drafted_by"] == "li.office" and filed["decided_by"] == "wu.office"
    assert filed["record"] == "li.office drafted, wu.office decided"  # a script read both
    completed = [
        e["data"]["data"]
        for e in admin.get(f"/api/v1/instances/{instance}/events").json["items"]
        if e["type"] == "task.completed"
    ]
    assert completed == [
        {"title": "2026 plan", "drafted_by": "li.office"},
        {"decided_by": "wu.office"},
    ]


def test_an_administrator_who_drafted_is_excluded_too(admin, people):
    office = people("li.office", groups=["provincial_office"])
    admin.deploy("separation_of_duties.bpmn", "signed-draft.json")
    instance = admin.start("separation").json["id"]
    assert admin.complete(_ready(admin, instance, "draft"), {"title": "t"}).status_code == 200

    gate = _ready(office, instance, "gate")
    _shut_out(admin, gate)
    shown = admin.get(f"/api/v1/instances/{instance}").json
    assert shown["active_tasks"] == []  # the instance lists no task its reader could not look up
    assert office.complete(gate).status_code == 200
    assert _ready(office, instance, "file")


def test_a_deferred_unit_names_its_completer_too(rt, admin, people):
    units = [{"code": "530100"}, {"code": "532500"}]
    kunming = people("kunming", groups=["prefecture:530100"])
    honghe = people("honghe", groups=["prefecture:532500"])
    admin.deploy("signed_units.bpmn")
    instance = admin.start("signed_units", variables={"units": units}).json["id"]

    [first] = honghe.tasks()
    assert honghe.complete(first["id"], {"signer": "kunming"}).status_code == 200
    with rt.db.read() as session:
        assert session.get(Instance, instance).deferred_count == 1  # recorded, not yet applied
    [last] = kunming.tasks()
    assert kunming.complete(last["id"], {"signer": "honghe"}).status_code == 200
    finished = admin.get(f"/api/v1/instances/{instance}").json
    assert finished["status"] == "completed"
    assert finished["variables"]["signers"] == ["honghe", "kunming"]  # in completion order


BAD_NAME = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="d" targetNamespace="http://kaoping.test/bad_completed_by">
  <bpmn:process id="bad_completed_by" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:{kind} id="work">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="completedBy" value="{name}" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:{kind}>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.mark.parametrize(
    "kind, name, fragment",
    [
        ("userTask", "drafted by", "not a variable name"),
        ("userTask", "class", "not a variable name"),
        ("userTask", "_drafter", "not a variable name"),
        ("userTask", "", "not a variable name"),
        ("scriptTask", "drafted_by", "tasks people complete"),
    ],
)
def test_a_completed_by_that_names_no_variable_is_refused_at_deploy(rt, admin, kind, name, fragment):
    bpmn = BAD_NAME.replace("{kind}", kind).replace("{name}", name).encode()
    response = admin.post(
        "/api/v1/definitions",
        data={"file": [(io.BytesIO(bpmn), "bad_completed_by.bpmn")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid_definition"
    [detail] = response.json["error"]["details"]
    assert detail["file"] == "bad_completed_by.bpmn" and detail["element"] == "work"
    assert detail["line"] is not None and fragment in detail["message"]
    with rt.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Definition)) == 0


def test_a_completed_by_is_read_without_the_spaces_around_it(admin):
    bpmn = BAD_NAME.replace("{kind}", "userTask").replace("{name}", " drafted_by ").encode()
    response = admin.post("/api/v1/definitions", data=bpmn, content_type="application/xml")
    assert response.status_code == 201, response.json
    instance = admin.start("bad_completed_by").json["id"]
    assert admin.complete(_ready(admin, instance, "work")).status_code == 200
    assert admin.get(f"/api/v1/instances/{instance}").json["variables"]["drafted_by"] == "admin"
