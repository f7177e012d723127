"""Published rows do not contradict themselves (Art. 8, 9): the 2021 cycle where the spot check
confirms 返贫致贫问题突出和规模性风险较大 in a county of the strongest prefecture. Under the shipped
plan (serious_risk_rules_out_good) the prefecture, whose score alone would make it 好, is
published 较好 with 约谈提醒 and 挂牌督办, and no published row is 好 with any consequence."""

from __future__ import annotations

import pytest

from assessment.simulation import Simulation

from .conftest import at

pytestmark = [pytest.mark.slow, pytest.mark.controlled_clock("2021-10-01T00:00:00+08:00")]
CONSEQUENCES = ("interview_reminder", "listed_supervision", "revitalization_not_good")


def test_a_confirmed_serious_finding_keeps_a_strong_prefecture_from_good(shipped, admin, people):
    sim = Simulation(shipped, leave=lambda task: task.element_id == "spot_check")
    sim.run(at("2021-11-01T00:00:00"), at("2022-01-20T00:00:00"))
    [instance] = admin.get("/api/v1/instances", query_string={"business_key": "annual-2021"}).json["items"]
    checks = [t for t in admin.tasks(instance=instance["id"]) if t["element_id"] == "spot_check"]
    assert checks
    county_of = {t["id"]: admin.get(f"/api/v1/tasks/{t['id']}").json["data"]["check"] for t in checks}
    # the strongest prefecture among those with a sampled county
    strongest = max({c["prefecture"] for c in county_of.values()}, key=lambda p: sim.standing[p])
    target = next(c for c in county_of.values() if c["prefecture"] == strongest)
    verifiers = {}
    for task_id, county in county_of.items():
        other = "530100" if county["prefecture"] != "530100" else "530300"
        verifier = verifiers.get(other) or people(
            f"team.{other}", groups=["assessment_team", f"prefecture:{other}"]
        )
        verifiers[other] = verifier
        serious = county["code"] == target["code"]
        indicators = [{**i, "score": 100} for i in county.get("indicators") or []]
        check = {"code": county["code"], "indicators": indicators, "serious_return_to_poverty": serious}
        if serious:
            check.update(problems=[{"text": "返贫致贫问题突出和规模性风险较大 / confirmed on site"}])
        assert verifier.complete(task_id, {"check": check}).status_code == 200

    sim.leave = lambda task: False
    sim.run(at("2022-01-20T00:00:00"), at("2022-03-31T00:00:00"))
    decided = {
        (e["element"], e["actor"].split(".")[1])
        for e in admin.get(f"/api/v1/instances/{instance['id']}/events", query_string={"limit": 1000}).json[
            "items"
        ]
        if e["type"] == "approval.decided"
    }
    assert decided == {("review", "leading_group"), ("sign_off", "provincial_leadership")}

    results = admin.get("/api/v1/cycles/2021/results").json
    [prefecture] = [r for r in results["prefectures"] if r["code"] == strongest]
    assert prefecture["score"] >= 86  # its score alone would make it 好 (prefecture_good)
    assert prefecture["grade"] == "较好"
    assert prefecture["flags"]["serious_return_to_poverty"]
    assert all(prefecture["flags"][k] for k in CONSEQUENCES)
    [county] = [r for r in results["counties"] if r["code"] == target["code"]]
    assert county["grade"] != "好" and all(county["flags"][k] for k in CONSEQUENCES)
    for row in results["prefectures"] + results["counties"]:
        if row["grade"] == "好":
            assert not any(row["flags"][k] for k in CONSEQUENCES), row
        if row["grade"] == "一般" or row["flags"]["serious_return_to_poverty"]:
            assert all(row["flags"][k] for k in CONSEQUENCES), row
