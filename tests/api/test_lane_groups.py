"""A lane may carry the group it routes to as its `group` property (spiffworkflow:property or
camunda:property), so its name can be the Chinese label officials read on the diagram: the
property routes its tasks and opens its start events, the name only labels it. A lane without
the property routes by its name as before, an inner lane by its own (never its outer lane's
property), and a property that names no group is refused at deploy."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from engine.definitions.dialects import BPMN, CAMUNDA, dialect_of
from engine.definitions.xml import parse_xml
from engine.persistence.models import Definition, Group, User, UserGroup

from ..conftest import FIXTURES, Actor
from ..web.test_pages import _sign_in

OFFICE_LABEL = "省乡村振兴局 / Provincial office"


def _only_task(actor: Actor, element: str) -> dict:
    [task] = [t for t in actor.tasks() if t["element_id"] == element]
    return task


def _labelled(rt, people, *labels: str) -> Actor:
    """Someone whose groups are spelled like lane labels. `kaoping users` refuses such keys
    (letters, digits and _ . @ : - only), so they are written to the database directly: even
    then the label routes nothing."""
    actor = people("ma.label")
    with rt.db.write() as session:
        user_id = session.scalar(select(User.id).where(User.username == "ma.label"))
        for label in labels:
            session.add(Group(key=label))
            session.flush()
            session.add(UserGroup(user_id=user_id, group_key=label))
    return actor


def _count(rt) -> int:
    with rt.db.read() as session:
        return session.scalar(select(func.count()).select_from(Definition))


def test_a_lane_with_a_group_property_routes_to_the_group_and_not_to_its_name(rt, admin, people):
    office = people("li.office", groups=["provincial_office"])
    # someone in a group spelled like the lane's label: the label is no group
    labelled = _labelled(rt, people, OFFICE_LABEL, "考核评估工作组 / Assessment team")
    team = people("he.team", groups=["assessment_team"])
    expert = people("sun.expert", groups=["field_experts"])
    senior = people("qian.senior", groups=["senior_experts"])
    leader = people("wang.leader", groups=["leading_group"])
    assert admin.deploy("lane_groups.bpmn").status_code == 201

    # the start event stands in the office's lane: its group may start, the label's may not
    refused = labelled.start("lane_groups")
    assert refused.status_code == 403, refused.json
    assert labelled.get("/api/v1/instances/startable").json["items"] == []
    assert [d["key"] for d in office.get("/api/v1/instances/startable").json["items"]] == ["lane_groups"]
    assert office.start("lane_groups").status_code == 201

    prepare = _only_task(office, "prepare")
    assert (prepare["lane"], prepare["candidate_groups"]) == ("provincial_office", ["provincial_office"])
    assert labelled.tasks() == []
    assert labelled.get(f"/api/v1/tasks/{prepare['id']}").status_code == 404
    assert labelled.complete(prepare["id"]).status_code == 403
    assert office.complete(prepare["id"]).status_code == 200

    # a subprocess's own lane with the property
    visit = _only_task(team, "visit")
    assert (visit["lane"], visit["candidate_groups"]) == ("assessment_team", ["assessment_team"])
    assert labelled.tasks() == [] and office.tasks() == []
    assert labelled.complete(visit["id"]).status_code == 403
    assert team.complete(visit["id"]).status_code == 200

    # a childLaneSet's lane with a property of its own
    findings = _only_task(expert, "findings")
    assert (findings["lane"], findings["candidate_groups"]) == ("field_experts", ["field_experts"])
    assert team.tasks() == []
    assert expert.complete(findings["id"]).status_code == 200

    # a childLaneSet's lane without the property: its own name, not its parent's property
    verdict = _only_task(senior, "verdict")
    assert (verdict["lane"], verdict["candidate_groups"]) == ("senior_experts", ["senior_experts"])
    assert team.tasks() == []
    assert team.complete(verdict["id"]).status_code == 403
    assert senior.complete(verdict["id"]).status_code == 200

    # a lane without the property routes by its name, as lanes always did
    approve = _only_task(leader, "approve")
    assert (approve["lane"], approve["candidate_groups"]) == ("leading_group", ["leading_group"])
    assert leader.complete(approve["id"]).status_code == 200
    instance = admin.get(f"/api/v1/instances/{approve['instance_id']}").json
    assert instance["status"] == "completed"


def test_the_diagram_shows_the_lanes_label_and_not_its_group_key(app, admin, people):
    office = people("li.office", groups=["provincial_office"], password="pw-1")
    assert admin.deploy("lane_groups.bpmn").status_code == 201
    instance = office.start("lane_groups").json
    participant = app.test_client()
    _sign_in(participant, "li.office", "pw-1")
    diagram = participant.get(f"/instances/{instance['id']}/diagram.xml")
    assert diagram.status_code == 200
    text = diagram.data.decode()
    assert f'name="{OFFICE_LABEL}"' in text and 'name="实地专家 / Field experts"' in text
    assert 'name="leading_group"' in text  # a lane without the property: its name, as before
    assert "provincial_office" not in text and "field_experts" not in text  # the logic stays out


def test_a_camunda_lane_routes_by_its_camunda_group_property(rt, admin, people):
    office = people("li.office", groups=["provincial_office"])
    labelled = _labelled(rt, people, OFFICE_LABEL)
    assert dialect_of(parse_xml((FIXTURES / "camunda_lane_groups.bpmn").read_bytes(), None)) == CAMUNDA
    assert admin.deploy("camunda_lane_groups.bpmn").status_code == 201
    assert labelled.start("camunda_lane_groups").status_code == 403
    assert office.start("camunda_lane_groups").status_code == 201
    confirm = _only_task(office, "confirm")
    assert (confirm["lane"], confirm["candidate_groups"]) == ("provincial_office", ["provincial_office"])
    assert labelled.tasks() == [] and labelled.complete(confirm["id"]).status_code == 403
    assert office.complete(confirm["id"]).status_code == 200


def test_a_group_property_leaves_a_plain_document_plain(admin, people):
    """The lane's property is the document's only extension: it is still read as plain BPMN
    (its service task waits without an operator, which the spiff dialect refuses)."""
    office = people("li.office", groups=["provincial_office"])
    assert dialect_of(parse_xml((FIXTURES / "plain_lane_groups.bpmn").read_bytes(), None)) == BPMN
    deployed = admin.deploy("plain_lane_groups.bpmn")
    assert deployed.status_code == 201, deployed.json
    started = office.start("plain_lane_groups")
    assert started.status_code == 201, started.json
    confirm = _only_task(office, "confirm")
    assert confirm["lane"] == "provincial_office"
    assert office.complete(confirm["id"]).status_code == 200
    waiting = admin.get(f"/api/v1/instances/{started.json['id']}").json
    assert waiting["status"] == "running" and waiting["active_tasks"] == []


_LANE = '<spiffworkflow:property name="group" value="provincial_office" />'


@pytest.mark.parametrize(
    "replacement, fragment",
    [
        ('<spiffworkflow:property name="group" value="" />', "empty"),
        ('<spiffworkflow:property name="group" value="  " />', "empty"),
        ('<spiffworkflow:property name="group" />', "empty"),
        ('<spiffworkflow:property name="group" value="省乡村振兴局" />', "no group key"),
        ('<spiffworkflow:property name="group" value="provincial office" />', "no group key"),
        (_LANE + '<spiffworkflow:property name="group" value="leading_group" />', "disagree"),
    ],
)
def test_a_group_property_that_names_no_group_is_refused_at_deploy(rt, admin, replacement, fragment):
    source = (FIXTURES / "plain_lane_groups.bpmn").read_text()
    assert _LANE in source
    broken = source.replace(_LANE, replacement).encode()
    data = {"file": [(io.BytesIO(broken), "broken_lane.bpmn")]}
    answer = admin.post("/api/v1/definitions", data=data, content_type="multipart/form-data")
    assert answer.status_code == 422, answer.json
    [problem] = answer.json["error"]["details"]
    assert problem["file"] == "broken_lane.bpmn" and problem["element"] == "office_lane"
    assert (
        problem["line"]
        == source.splitlines().index(next(line for line in source.splitlines() if 'id="office_lane"' in line))
        + 1
    )
    assert fragment in problem["message"] and OFFICE_LABEL in problem["message"]
    assert _count(rt) == 0
