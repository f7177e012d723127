"""Feedback and rectification (Art. 7(6)), told through the 2021 and 2022 cycles: the spot check
finds a problem in a county; after publication the problem is fed back to its prefecture with the
office's advice, the county answers it with a measure, a date and who is responsible; the county
does not report it done, so it stays open through the whole 2022 cycle, visible to supervision,
to its prefecture and to itself but not to another prefecture, until the county reports it done."""

from __future__ import annotations

import csv
import io

import pytest

from assessment.simulation import Simulation

from .conftest import at

pytestmark = [pytest.mark.slow, pytest.mark.controlled_clock("2021-10-01T00:00:00+08:00")]
PROBLEM = "饮水工程管护不到位，部分农户季节性缺水 / Water works poorly kept, seasonal shortages"


def _unit_of(task) -> str | None:
    return (task.data.get("unit") or {}).get("code")


def test_a_spot_check_problem_is_fed_back_and_stays_open_until_the_county_reports_it(shipped, admin, people):
    held: set[str] = set()
    sim = Simulation(
        shipped,
        paced=False,
        leave=lambda task: (
            task.element_id == "spot_check"
            or (task.element_id == "rectification_report" and _unit_of(task) in held)
        ),
    )
    sim.run(at("2021-11-01T00:00:00"), at("2021-11-01T12:00:00"))
    [instance] = admin.get("/api/v1/instances", query_string={"business_key": "annual-2021"}).json["items"]
    checks = [t for t in admin.tasks(instance=instance["id"]) if t["element_id"] == "spot_check"]
    counties = {t["id"]: admin.get(f"/api/v1/tasks/{t['id']}").json["data"]["check"] for t in checks}
    target = next(iter(counties.values()))
    held.add(target["code"])
    for task_id, county in counties.items():
        other = "530100" if county["prefecture"] != "530100" else "530300"
        verifier = people(f"team.{task_id[:8]}", groups=["assessment_team", f"prefecture:{other}"])
        data = admin.get(f"/api/v1/tasks/{task_id}").json["data"]["check"]
        check = {
            **data,
            "indicators": [{**i, "score": 82} for i in data.get("indicators") or []],
            "problems": [{"text": PROBLEM}] if county["code"] == target["code"] else [],
        }
        assert verifier.complete(task_id, {"check": check}).status_code == 200, check

    sim.leave = lambda task: task.element_id == "rectification_report" and _unit_of(task) in held
    sim.run(at("2021-11-01T12:00:00"), at("2022-06-30T00:00:00"))

    # fed back to its prefecture, with the office's advice
    events = admin.get(f"/api/v1/instances/{instance['id']}/events", query_string={"limit": 1000}).json[
        "items"
    ]
    [feedback] = [
        e
        for e in events
        if e["type"] == "task.completed"
        and e["element"] == "feedback"
        and e["data"]["data"]["feedback"]["code"] == target["prefecture"]
    ]
    fed_back = admin.get(f"/api/v1/tasks/{feedback['task_id']}").json["data"]["feedback"]["problems"]
    assert any(p["text"] == PROBLEM and p["unit_code"] == target["code"] for p in fed_back)

    # answered by the county, with a measure and a date, and still open
    office = people("li.office", groups=["provincial_office"])
    [item] = [
        i
        for i in office.get("/api/v1/rectifications").json["items"]
        if i["unit_code"] == target["code"] and i["problem"] == PROBLEM
    ]
    assert (item["source"], item["status"], item["cycle"]) == ("spot_check", "open", "2021")
    assert item["measure"] and item["due_on"] and item["responsible"]

    # the 2022 cycle runs its course; the problem stays open across it
    sim.run(at("2022-06-30T00:00:00"), at("2023-03-31T00:00:00"))
    assert admin.get("/api/v1/cycles/2022/results").status_code == 200
    open_items = office.get("/api/v1/rectifications").json["items"]
    assert any(i["unit_code"] == target["code"] and i["problem"] == PROBLEM for i in open_items)
    reminded = [
        e
        for e in admin.get(f"/api/v1/instances/{instance['id']}/events", query_string={"limit": 1000}).json[
            "items"
        ]
        if e["type"] == "timer.fired" and e["element"] == "remind_rectification_report"
    ]
    assert reminded  # overdue since the date the county set itself

    # its prefecture and the county see it; another prefecture does not
    own = people("pref.own", groups=[f"prefecture:{target['prefecture']}"])
    other_code = "530100" if target["prefecture"] != "530100" else "530300"
    stranger = people("pref.other", groups=[f"prefecture:{other_code}"])
    assert any(i["problem"] == PROBLEM for i in own.get("/api/v1/rectifications").json["items"])
    assert not any(
        i["unit_code"] == target["code"] for i in stranger.get("/api/v1/rectifications").json["items"]
    )
    exported = office.get("/api/v1/rectifications", query_string={"format": "csv"})
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert rows[0][0] == "周期 / Cycle" and any(PROBLEM in r for r in rows[1:])

    # the county reports it done: the item closes
    county = people("county.official", groups=[f"county:{target['code']}"])
    [report] = [  # the 2021 one: the 2022 cycle may have fed back more
        t
        for t in county.tasks()
        if t["element_id"] == "rectification_report" and t["instance_id"] == instance["id"]
    ]
    answer = county.get(f"/api/v1/tasks/{report['id']}").json["data"]["answer"]
    done = {
        **answer,
        "problems": [{**p, "done": True, "outcome": "已完成 / Done"} for p in answer["problems"]],
    }
    assert county.complete(report["id"], {"answer": done}).status_code == 200
    assert not any(
        i["unit_code"] == target["code"] and i["cycle"] == "2021"
        for i in office.get("/api/v1/rectifications").json["items"]
    )
    [closed] = [
        i
        for i in office.get("/api/v1/rectifications", query_string={"status": "done"}).json["items"]
        if i["unit_code"] == target["code"] and i["problem"] == PROBLEM
    ]
    assert closed["done_at"] and closed["outcome"] == "已完成 / Done"
