"""A subprocess with lanes of its own routes each task to its own lane's group, the innermost
lane of nested childLaneSets winning; the office whose lane holds the subprocess prepares the
work but does none of the inner lanes' tasks. A definition deployed before lanes were read this
way is put right by the upgrade, tasks already waiting included."""

from __future__ import annotations

from alembic import command
from SpiffWorkflow.bpmn.parser.ProcessParser import AdHocParser
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffProcessParser

from engine.app import create_app
from engine.definitions import deploy as deploy_module
from engine.definitions.parser import KaopingParser
from engine.persistence.migrate import alembic_config, upgrade
from engine.runtime.runtime import Runtime
from tests.conftest import Actor


def _only_task(actor: Actor, element: str) -> dict:
    [task] = [t for t in actor.tasks() if t["element_id"] == element]
    return task


def test_each_task_of_the_subprocess_goes_to_its_own_lane(admin, people):
    office = people("li.office", groups=["provincial_office"])
    team = people("he.team", groups=["assessment_team"])
    expert = people("sun.expert", groups=["field_experts"])
    senior = people("qian.senior", groups=["senior_experts"])
    leader = people("wang.leader", groups=["leading_group"])
    assert admin.deploy("subprocess_lanes.bpmn").status_code == 201

    office.start("inspection")
    prepare = _only_task(office, "prepare")
    assert prepare["lane"] == "provincial_office"
    assert office.complete(prepare["id"]).status_code == 200

    # the subprocess stands in the office's lane, but its visit is the team's
    assert office.tasks() == []
    visit = _only_task(team, "visit")
    assert (visit["lane"], visit["candidate_groups"]) == ("assessment_team", ["assessment_team"])
    refused = office.complete(visit["id"])
    assert refused.status_code == 403 and refused.json["error"]["code"] == "not_a_candidate"
    assert _only_task(team, "visit")["state"] == "ready"  # the refusal changed nothing
    assert team.complete(visit["id"]).status_code == 200

    # a lane inside the team's lane: the innermost lane listing the task wins
    findings = _only_task(expert, "findings")
    assert (findings["lane"], findings["candidate_groups"]) == ("field_experts", ["field_experts"])
    assert team.tasks() == []
    assert expert.complete(findings["id"]).status_code == 200

    verdict = _only_task(senior, "verdict")  # two childLaneSets deep
    assert (verdict["lane"], verdict["candidate_groups"]) == ("senior_experts", ["senior_experts"])
    assert expert.complete(verdict["id"]).status_code == 403
    assert senior.complete(verdict["id"]).status_code == 200

    approve = _only_task(leader, "approve")
    assert (approve["lane"], approve["candidate_groups"]) == ("leading_group", ["leading_group"])
    assert office.complete(approve["id"]).status_code == 403
    assert leader.complete(approve["id"]).status_code == 200

    # no lane of the subprocess lists the filing: it stays with the lane the subprocess is in
    filing = _only_task(office, "file_report")
    assert filing["lane"] == "provincial_office"
    assert office.complete(filing["id"]).status_code == 200


class _ParserBeforeTheUpgrade(KaopingParser):
    """SpiffWorkflow's own lane reading, as definitions deployed before the upgrade were parsed."""

    PROCESS_PARSER_CLASS = SpiffProcessParser
    AD_HOC_PARSER_CLASS = AdHocParser


def test_the_upgrade_moves_a_deployed_definition_and_its_waiting_task_to_the_right_lane(
    admin, people, monkeypatch, database_url, settings, clock
):
    office = people("li.office", groups=["provincial_office"])
    team = people("he.team", groups=["assessment_team"])
    expert = people("sun.expert", groups=["field_experts"])
    with monkeypatch.context() as before_the_upgrade:
        before_the_upgrade.setattr(
            deploy_module, "new_parser", lambda: _ParserBeforeTheUpgrade(validator=VALIDATOR)
        )
        assert admin.deploy("subprocess_lanes.bpmn").status_code == 201
    office.start("inspection")
    assert office.complete(_only_task(office, "prepare")["id"]).status_code == 200
    stale = _only_task(office, "visit")
    assert stale["lane"] == "provincial_office"  # what the old reading did

    command.downgrade(alembic_config(database_url), "0005")
    upgrade(database_url)

    restarted = Runtime.create(settings, clock=clock)  # a fresh process: nothing cached in memory
    try:
        client = create_app(runtime=restarted).test_client()
        office, team, expert = (Actor(client, a.name, a.token) for a in (office, team, expert))
        assert office.tasks() == []
        visit = _only_task(team, "visit")
        assert visit["id"] == stale["id"]
        assert (visit["lane"], visit["candidate_groups"]) == ("assessment_team", ["assessment_team"])
        assert office.complete(visit["id"]).status_code == 403
        assert team.complete(visit["id"]).status_code == 200
        # the stored spec was put right too, so the next task is routed by its own lane
        assert _only_task(expert, "findings")["lane"] == "field_experts"
        events = admin.get(f"/api/v1/instances/{visit['instance_id']}/events").json["items"]
        [moved] = [e for e in events if e["type"] == "task.rerouted"]
        assert moved["task_id"] == visit["id"]
        assert moved["data"] == {
            "lane": "assessment_team",
            "was": "provincial_office",
            "candidate_groups": ["assessment_team"],
        }
    finally:
        restarted.db.dispose()
