"""Models in the Camunda dialect and in plain BPMN are read as SpiffWorkflow reads them with the
parser of their dialect (engine/definitions/dialects.py), keep our rules (sandbox, atomic
deployment), and survive the database: their specs come back from the definition's cache and
their waiting instances from their state in a fresh process."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.app import create_app
from engine.persistence.models import Definition
from engine.runtime.runtime import Runtime

from ..conftest import Actor


def _instance(actor, instance_id: str) -> dict:
    answer = actor.get(f"/api/v1/instances/{instance_id}")
    assert answer.status_code == 200, answer.json
    return answer.json


def _restarted(settings, clock, *actors: Actor) -> tuple[Runtime, list[Actor]]:
    """A fresh process: nothing cached in memory, specs and states read back from the database."""
    runtime = Runtime.create(settings, clock=clock)
    client = create_app(runtime=runtime).test_client()
    return runtime, [Actor(client, a.name, a.token) for a in actors]


def test_a_camunda_business_rule_task_calls_its_decision_ref(admin, people, settings, clock):
    office = people("li.office", groups=["provincial_office"])
    deployed = admin.deploy("camunda_rating.bpmn", "camunda_grade.dmn")
    assert deployed.status_code == 201, deployed.json
    started = office.start("camunda_rating", variables={"score": 91})
    assert started.status_code == 201, started.json

    restarted, (office,) = _restarted(settings, clock, office)
    try:
        [confirm] = office.tasks()
        assert confirm["element_id"] == "confirm" and confirm["lane"] == "provincial_office"
        assert office.complete(confirm["id"], {"agreed": True}).status_code == 200
        done = _instance(office, started.json["id"])
        assert done["status"] == "completed"
        assert done["variables"]["grade"] == "good" and done["variables"]["agreed"] is True
    finally:
        restarted.db.dispose()

    # edited in the modeler and deployed alone, the BPMN takes its decision from the deployed DMN
    again = admin.deploy("camunda_rating.bpmn")
    assert again.status_code == 200, again.json
    assert again.json["definitions"][0]["version"] == 1


def test_a_camunda_collection_makes_one_task_per_item_and_gathers_them_back(admin, people, settings, clock):
    office = people("li.office", groups=["provincial_office"])
    assert admin.deploy("camunda_collection.bpmn").status_code == 201
    started = office.start("camunda_collection", variables={"counties": ["Wuhua", "Panlong"]})
    assert started.status_code == 201, started.json

    restarted, (office,) = _restarted(settings, clock, office)
    try:
        items = {
            t["id"]: office.get(f"/api/v1/tasks/{t['id']}").json["data"]["county"] for t in office.tasks()
        }
        assert sorted(items.values()) == ["Panlong", "Wuhua"]
        for task_id, county in items.items():
            reviewed = {"name": county, "reviewed": True}
            assert office.complete(task_id, {"county": reviewed}).status_code == 200
        done = _instance(office, started.json["id"])
        assert done["status"] == "completed", done
        assert sorted(c["name"] for c in done["variables"]["counties"]) == ["Panlong", "Wuhua"]
        assert all(c["reviewed"] for c in done["variables"]["counties"])
    finally:
        restarted.db.dispose()


def test_a_plain_service_task_needs_no_operator_and_waits(admin, settings, clock):
    deployed = admin.deploy("plain_service.bpmn")
    assert deployed.status_code == 201, deployed.json
    started = admin.start("plain_service")
    assert started.status_code == 201, started.json

    restarted, (admin,) = _restarted(settings, clock, admin)
    try:
        waiting = _instance(admin, started.json["id"])
        # as in SpiffWorkflow, nothing runs a service task without an operator: the instance
        # waits there, with no task for anyone
        assert waiting["status"] == "running" and waiting["variables"]["prepared"] is True
        assert waiting["active_tasks"] == []
    finally:
        restarted.db.dispose()


CAMUNDA_IMPORT = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://kaoping.test">
  <bpmn:message id="m" name="leak" />
  <bpmn:process id="camunda_leak" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateThrowEvent id="send"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:messageEventDefinition id="md" messageRef="m" camunda:expression="__import__('os').environ" />
    </bpmn:intermediateThrowEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="send" />
    <bpmn:sequenceFlow id="f2" sourceRef="send" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""

PLAIN_RULE = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://kaoping.test">
  <bpmn:process id="plain_rule" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="decide"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:businessRuleTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide" />
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""


def _count(rt) -> int:
    with rt.db.read() as session:
        return session.scalar(select(func.count()).select_from(Definition))


def test_a_camunda_message_payload_goes_through_the_sandbox(rt, admin):
    answer = admin.post("/api/v1/definitions", data=CAMUNDA_IMPORT, content_type="application/xml")
    assert answer.status_code == 422, answer.json
    [problem] = answer.json["error"]["details"]
    assert problem["element"] == "send" and "script refused" in problem["message"]
    assert _count(rt) == 0


def test_a_plain_business_rule_task_names_no_decision_and_is_refused(rt, admin):
    answer = admin.post("/api/v1/definitions", data=PLAIN_RULE, content_type="application/xml")
    assert answer.status_code == 422, answer.json
    [problem] = answer.json["error"]["details"]
    assert problem["element"] == "decide"
    assert _count(rt) == 0


CAMUNDA_PROPERTY = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://kaoping.test">
  <bpmn:process id="camunda_property" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="fill_in"><bpmn:extensionElements><camunda:properties>
        <camunda:property name="properties" value="a Camunda property of that name" />
      </camunda:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fill_in" />
    <bpmn:sequenceFlow id="f2" sourceRef="fill_in" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""


def test_camunda_properties_are_not_taken_for_spiffworkflow_ones(admin):
    # Camunda's task extensions are flat: a property named "properties" is a text, not a table
    answer = admin.post("/api/v1/definitions", data=CAMUNDA_PROPERTY, content_type="application/xml")
    assert answer.status_code == 201, answer.json
    started = admin.start("camunda_property")
    assert started.status_code == 201, started.json
    assert [t["element_id"] for t in admin.tasks()] == ["fill_in"]


def test_a_spiff_process_calls_a_camunda_one_deployed_before(admin, people, settings, clock):
    office = people("li.office", groups=["provincial_office"])
    assert admin.deploy("camunda_collection.bpmn").status_code == 201
    deployed = admin.deploy("spiff_calls_camunda.bpmn")
    assert deployed.status_code == 201, deployed.json
    started = admin.start("spiff_calls_camunda")
    assert started.status_code == 201, started.json

    restarted, (office,) = _restarted(settings, clock, office)
    try:
        for task in office.tasks():
            county = office.get(f"/api/v1/tasks/{task['id']}").json["data"]["county"]
            assert office.complete(task["id"], {"county": county.upper()}).status_code == 200
        done = _instance(office, started.json["id"])
        assert done["status"] == "completed", done
        assert done["variables"]["counties"] == ["WUHUA", "PANLONG"]
    finally:
        restarted.db.dispose()
