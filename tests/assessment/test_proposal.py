"""The 2021 cycle's results as a proposal (结果建议, Art. 7(5)): the team drafts, the leading group
amends a county's grade with its reason at 审议, the provincial leadership returns the proposal
once at 审定 and the amendment comes back with it; the drafter may decide neither gate; an
amendment without a reason, or naming no unit of the proposal, is refused and changes nothing;
the published row keeps the computed grade, the decided one and who changed it, why."""

from __future__ import annotations

import csv
import io

import pytest

from assessment import proposal, results
from assessment.simulation import Simulation

from .conftest import at

pytestmark = [pytest.mark.slow, pytest.mark.controlled_clock("2021-10-01T00:00:00+08:00")]
GATES = ("comprehensive_evaluation", "review", "sign_off")


def _one(actor, instance, element):
    [task] = [t for t in actor.tasks(instance=instance) if t["element_id"] == element]
    return task


def test_the_leading_group_amends_a_county_and_the_leadership_returns_it_once(shipped, admin, people):
    Simulation(shipped, paced=False, leave=lambda task: task.element_id in GATES).run(
        at("2021-11-01T00:00:00"), at("2022-02-01T00:00:00")
    )
    [instance] = admin.get("/api/v1/instances", query_string={"business_key": "annual-2021"}).json["items"]
    team = people("zhao.team", groups=["assessment_team", "leading_group"])
    leader = people("wang.leader", groups=["leading_group"])
    leadership = people("zhang.leadership", groups=["provincial_leadership"])

    draft = _one(team, instance["id"], "comprehensive_evaluation")
    table = team.get(f"/api/v1/tasks/{draft['id']}").json["data"]["proposal_table"]
    assert len(table) == 16 + 129
    county = next(r for r in table if r["level"] == "县(市、区)" and r["grade"] == "较好")
    assert county["computed_grade"] == "较好"
    assert (
        team.complete(
            draft["id"], {"report": "综合评价报告", "confirmed": True, "amendments": []}
        ).status_code
        == 200
    )

    # the drafter, though also in the leading group, may not decide their own draft
    review = _one(leader, instance["id"], "review")
    assert review["id"] not in [t["id"] for t in team.tasks()]
    refused = team.complete(review["id"], {"decision": "approve"})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "excluded_user"
    # an amendment with no reason, or of a unit not in the proposal, is refused and changes nothing
    bad = leader.complete(
        review["id"],
        {"decision": "approve", "amendments": [{"code": county["code"], "grade": "好", "reason": " "}]},
    )
    assert bad.status_code == 422 and "amendments[0].reason" in bad.json["error"]["details"]
    bad = leader.complete(
        review["id"],
        {"decision": "approve", "amendments": [{"code": "539999", "grade": "好", "reason": "x"}]},
    )
    assert bad.status_code == 422 and "amendments[0].code" in bad.json["error"]["details"]
    assert _one(leader, instance["id"], "review")["id"] == review["id"]

    reason = "实地考评创新亮点突出 / Strong highlights found on site"
    amended = leader.complete(
        review["id"],
        {"decision": "approve", "amendments": [{"code": county["code"], "grade": "好", "reason": reason}]},
    )
    assert amended.status_code == 200

    sign_off = _one(leadership, instance["id"], "sign_off")
    row = next(
        r
        for r in leadership.get(f"/api/v1/tasks/{sign_off['id']}").json["data"]["proposal_table"]
        if r["code"] == county["code"]
    )
    assert (row["computed_grade"], row["grade"]) == ("较好", "好") and "审议" in row["amended"]
    assert "表扬" in row["consequences"]  # the consequences follow the amended grade
    returned = leadership.complete(
        sign_off["id"], {"decision": "return", "comment": "请核实该县亮点 / Verify"}
    )
    assert returned.status_code == 200

    # the proposal comes back to the team with the amendment in it, and goes round both gates again
    again = _one(team, instance["id"], "comprehensive_evaluation")
    row = next(
        r
        for r in team.get(f"/api/v1/tasks/{again['id']}").json["data"]["proposal_table"]
        if r["code"] == county["code"]
    )
    assert row["grade"] == "好"
    assert (
        team.complete(again["id"], {"report": "已核实", "confirmed": True, "amendments": []}).status_code
        == 200
    )
    assert (
        leader.complete(_one(leader, instance["id"], "review")["id"], {"decision": "approve"}).status_code
        == 200
    )
    assert (
        leadership.complete(
            _one(leadership, instance["id"], "sign_off")["id"], {"decision": "approve"}
        ).status_code
        == 200
    )

    Simulation(shipped, paced=False).run(at("2022-02-01T00:00:00"), at("2022-02-20T00:00:00"))
    published = admin.get("/api/v1/cycles/2021/results").json
    [row] = [r for r in published["counties"] if r["code"] == county["code"]]
    assert (row["computed_grade"], row["grade"]) == ("较好", "好")
    [amendment] = row["amendments"]
    assert (amendment["stage"], amendment["by"], amendment["from"], amendment["to"], amendment["reason"]) == (
        "审议",
        "wang.leader",
        "较好",
        "好",
        reason,
    )
    assert row["flags"]["commendation"] and not row["flags"]["interview_reminder"]
    exported = admin.get("/api/v1/cycles/2021/results", query_string={"format": "csv"})
    lines = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    [line] = [line for line in lines if line[1] == county["code"]]
    head = lines[0]
    assert (
        line[head.index("计算等次 / Computed grade")] == "较好" and line[head.index("等次 / Grade")] == "好"
    )
    assert "wang.leader" in line[head.index("等次修改 / Amendments")]


def test_the_proposal_and_the_export_name_a_countys_category_in_words():
    """The gates and the export read 国家乡村振兴重点帮扶县, not the plan's key for it."""
    county = {
        "level": "county",
        "code": "530122",
        "name": "晋宁区",
        "category": "national_key",
        "grade": "好",
    }
    [row] = proposal.results_table([county])
    assert row["category"] == "国家乡村振兴重点帮扶县"
    published = {"prefectures": [], "counties": [{**_published_row(), "category": "other_poor"}]}
    assert results.table(published)[1][results.COLUMNS.index("category")] == "其他脱贫县"


def _published_row() -> dict:
    return {
        "level": "county",
        "code": "530122",
        "name": "晋宁区",
        "prefecture_code": "530100",
        "computed_grade": "较好",
        "grade": "较好",
        "amendments": [],
        "score": 82.5,
        "flags": {},
        "findings": [],
    }
