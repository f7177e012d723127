"""The assessment itself, told through its cycles: the 2021 cycle from its November timer to
publication with a return at each gate; each gate decided by its own group; recusal refused; the sample recomputed from its seed;
the deadline on 29 February 2024; the five-year evaluation reading five annual results; and an
administrator moving the start date in the BPMN."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from openpyxl import load_workbook

from assessment.sampling import stratified_sample
from assessment.simulation import AFTER_PUBLICATION, Simulation

from .conftest import PROCESSES, at

pytestmark = [pytest.mark.slow, pytest.mark.controlled_clock("2021-10-01T00:00:00+08:00")]


def _instance(admin, key):
    [found] = admin.get("/api/v1/instances", query_string={"business_key": key}).json["items"]
    return found


def _events(admin, instance, kind=None):
    items = admin.get(f"/api/v1/instances/{instance['id']}/events", query_string={"limit": 1000}).json[
        "items"
    ]
    return [e for e in items if kind is None or e["type"] == kind]


def _completions(admin, key):
    events = _events(admin, _instance(admin, key), "task.completed")
    return sorted((e["at"], e["element"], e["actor"]) for e in events)


def test_the_2021_cycle_from_its_timer_to_publication(shipped, admin):
    """Work spread from the seed over November to February: some tasks done after their due
    date (overdue, reminded every 7 days), a return at each gate, publication between 1 December
    and the end of February, each gate decided by its own group."""
    lines = []
    assert Simulation(shipped, seed=7, say=lines.append).run(
        at("2021-11-01T00:00:00"), at("2022-03-31T00:00:00")
    )
    assert len(lines) == 1 and lines[0].startswith("2021 annual: published 好 ")

    instance = _instance(admin, "annual-2021")
    # published; what is left is the work after publication: feedback, rectification, follow-up
    assert {t["element_id"] for t in admin.tasks(instance=instance["id"])} <= AFTER_PUBLICATION
    [opened] = [e for e in _events(admin, instance, "timer.fired") if e["element"] == "opens"]
    assert opened["at"] == "2021-11-01T09:00:00+08:00"
    assert _events(admin, instance, "task.overdue")
    assert [e for e in _events(admin, instance, "timer.fired") if e["element"].startswith("remind_")]
    [published] = _events(admin, instance, "results.published")
    assert "2021-12-01T00:00:00+08:00" <= published["at"] <= "2022-02-28T23:59:59+08:00"
    assert _events(admin, instance, "deadline.escalated") == []  # Art. 7: done by the end of February
    done = _completions(admin, "annual-2021")
    assert "2021-11-01T09:00:00+08:00" < done[0][0] and done[-1][0] > "2022-03-01"  # rectification
    decisions = [(e["element"], e["data"]["decision"]) for e in _events(admin, instance, "approval.decided")]
    assert ("review", "return") in decisions and ("sign_off", "return") in decisions
    assert decisions[-2:] == [("review", "approve"), ("sign_off", "approve")]
    deciders = {(e["element"], e["actor"]) for e in _events(admin, instance, "approval.decided")}
    assert deciders == {("review", "sim.leading_group.0"), ("sign_off", "sim.provincial_leadership.0")}
    assert all(
        e["data"]["comment"]
        for e in _events(admin, instance, "approval.decided")
        if e["data"]["decision"] == "return"
    )
    [correlated] = _events(admin, instance, "message.correlated")
    assert correlated["actor"] == "inbound:third-party"

    results = admin.get("/api/v1/cycles/2021/results").json
    assert (len(results["prefectures"]), len(results["counties"])) == (16, 129)
    assert {r["grade"] for r in results["prefectures"] + results["counties"]} <= {"好", "较好", "一般"}
    assert [a["gate"] for a in results["approved_by"]] == ["审议", "审定"]
    for row in results["prefectures"] + results["counties"]:
        flagged = row["grade"] == "一般" or row["flags"]["serious_return_to_poverty"]
        assert (
            row["flags"]["interview_reminder"] is flagged
            and row["flags"]["revitalization_not_good"] is flagged
        )
    exported = admin.get("/api/v1/cycles/2021/results", query_string={"format": "csv"})
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert rows[0][0] == "层级 / Level" and len(rows) == 1 + 16 + 129
    sheet = load_workbook(
        io.BytesIO(admin.get("/api/v1/cycles/2021/results", query_string={"format": "xlsx"}).data)
    ).active
    assert sheet.max_row == 1 + 16 + 129
    assert admin.get("/api/v1/cycles/2030/results").status_code == 404


def test_the_leading_group_reviews_and_the_provincial_leadership_signs_off(shipped, admin, people):
    """审议 and 审定 stand in lanes of the assessment subprocess: the office whose lane holds
    the subprocess drafts the results but decides neither gate."""
    Simulation(shipped, paced=False, leave=lambda task: task.element_id in ("review", "sign_off")).run(
        at("2021-11-01T00:00:00"), at("2022-02-01T00:00:00")
    )
    office = people("li.office", groups=["provincial_office"])
    leader = people("wang.leader", groups=["leading_group"])
    leadership = people("zhang.leadership", groups=["provincial_leadership"])
    instance = _instance(admin, "annual-2021")
    approve = {"decision": "approve", "comment": "同意 / Approved."}

    [review] = [t for t in admin.tasks(instance=instance["id"]) if t["element_id"] == "review"]
    assert (review["lane"], review["candidate_groups"]) == ("leading_group", ["leading_group"])
    assert office.tasks() == [] and leadership.tasks() == []
    refused = office.complete(review["id"], approve)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "not_a_candidate"
    assert leadership.complete(review["id"], approve).status_code == 403
    assert leader.complete(review["id"], approve).status_code == 200

    [sign_off] = leadership.tasks()
    assert sign_off["element_id"] == "sign_off"
    assert (sign_off["lane"], sign_off["candidate_groups"]) == (
        "provincial_leadership",
        ["provincial_leadership"],
    )
    assert office.tasks() == [] and leader.tasks() == []
    refused = office.complete(sign_off["id"], approve)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "not_a_candidate"
    assert leader.complete(sign_off["id"], approve).status_code == 403
    assert leadership.complete(sign_off["id"], approve).status_code == 200

    decided = [(e["element"], e["actor"]) for e in _events(admin, instance, "approval.decided")]
    assert decided == [("review", "wang.leader"), ("sign_off", "zhang.leadership")]
    [publish] = office.tasks()  # publishing the approved results is the office's again
    assert publish["element_id"] == "publish"


def test_a_spot_check_is_refused_to_a_verifier_from_the_same_prefecture(shipped, admin, people):
    sim = Simulation(shipped, paced=False, leave=lambda task: task.element_id == "spot_check")
    sim.run(at("2021-11-01T00:00:00"), at("2021-11-01T12:00:00"))
    [checks] = [admin.tasks(instance=_instance(admin, "annual-2021")["id"])]
    check = next(t for t in checks if t["element_id"] == "spot_check")
    county = admin.get(f"/api/v1/tasks/{check['id']}").json["data"]["check"]
    own = people("team.own", groups=["assessment_team", f"prefecture:{county['prefecture']}"])
    other_code = "530100" if county["prefecture"] != "530100" else "530300"
    other = people("team.other", groups=["assessment_team", f"prefecture:{other_code}"])

    assert check["id"] not in [t["id"] for t in own.tasks()]
    verified = {**county, "indicators": [{**i, "score": 80} for i in county.get("indicators") or []]}
    refused = own.complete(check["id"], {"check": verified})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "recused"
    assert own.post(f"/api/v1/tasks/{check['id']}/claim").status_code == 403
    assert check["id"] in [t["id"] for t in other.tasks()]
    assert other.complete(check["id"], {"check": verified}).status_code == 200


def test_the_sample_is_recomputed_from_its_seed(shipped, admin):
    until_sampled = Simulation(shipped, paced=False, leave=lambda task: task.element_id == "spot_check")
    until_sampled.run(at("2021-11-01T00:00:00"), at("2021-11-02T00:00:00"))
    instance = _instance(admin, "annual-2021")
    [drawn] = _events(admin, instance, "sample.drawn")
    [plan] = [e for e in _events(admin, instance, "task.completed") if e["element"] == "plan_task"]
    counties = plan["data"]["data"]["counties"]
    recomputed = stratified_sample(counties, drawn["data"]["ratio"], drawn["data"]["seed"])
    assert [c["code"] for c in recomputed] == drawn["data"]["counties"]
    categories = {c["category"] for c in counties}
    assert {c["category"] for c in recomputed} == categories  # every stratum is represented


@pytest.mark.controlled_clock("2023-10-01T00:00:00+08:00")  # the 2023 cycle alone
def test_the_2023_cycle_is_escalated_on_29_february_2024(shipped, admin):
    kunming_late = lambda task: (  # noqa: E731
        task.element_id == "self_assessment" and "prefecture:530100" in task.candidate_groups
    )
    sim = Simulation(shipped, paced=False, leave=kunming_late)
    sim.run(at("2023-11-01T00:00:00"), at("2024-03-01T12:00:00"))
    instance = _instance(admin, "annual-2023")
    [fired] = [e for e in _events(admin, instance, "timer.fired") if e["element"] == "deadline"]
    assert fired["at"] == "2024-02-29T23:59:59+08:00"
    [escalated] = _events(admin, instance, "deadline.escalated")
    assert escalated["at"] == fired["at"] and escalated["data"]["open"] == ["self_assessment"]


@pytest.mark.controlled_clock("2025-10-01T00:00:00+08:00")  # 2021-2024 are behind us
def test_the_five_year_evaluation_waits_for_a_late_2025_publication(shipped, admin, people, published_before):
    """2021-2024 as they were published; 2025's results are published on 10 March 2026, after the
    five-year evaluation's 20 February date: it reads the five annual results then, side by side,
    and grades the prefectures and the counties on their mean."""
    published_before(2021, 2022, 2023, 2024)
    late = Simulation(  # unpaced: the test stages the one late moment itself
        shipped,
        paced=False,
        leave=lambda task: task.element_id == "publish" and task.data.get("year") == 2025,
    )
    late.run(at("2025-11-01T00:00:00"), at("2026-03-10T10:00:00"))
    transition = _instance(admin, "transition-2021-2025")
    [dated] = [e for e in _events(admin, transition, "timer.fired") if e["element"] == "t_annual_published"]
    assert dated["at"] == "2026-02-20T09:00:00+08:00"
    assert _events(admin, transition, "five_year.read") == []  # not on 20 February: 2025 is not in
    assert admin.get("/api/v1/cycles/2025/results").status_code == 404

    office = people("li.office", groups=["provincial_office"])
    [publish] = [t for t in office.tasks() if t["element_id"] == "publish"]
    assert publish["instance_id"] == _instance(admin, "annual-2025")["id"]
    notice = {"notice_number": "云乡振发〔2026〕3号", "notice": "2025年度考核评估结果。"}
    assert office.complete(publish["id"], notice).status_code == 200
    assert admin.post("/api/v1/clock", json={"advance": "PT1M"}).status_code == 200

    [read] = _events(admin, transition, "five_year.read")
    assert read["at"].startswith("2026-03-10T10:0")
    assert read["data"]["missing_years"] == [] and read["data"]["ungraded"] == []
    lines = []
    Simulation(shipped, paced=False, say=lines.append).run(
        at("2026-03-10T10:01:00"), at("2026-05-31T00:00:00")
    )
    assert lines[-1].startswith("2021–2025 transition: published ")

    five_year = admin.get("/api/v1/cycles/transition-2021-2025/results").json
    assert (len(five_year["prefectures"]), len(five_year["counties"])) == (16, 129)
    annual = {y: admin.get(f"/api/v1/cycles/{y}/results").json for y in range(2021, 2026)}
    assert annual[2021]["prefectures"][0]["score"] == published_before.score(2021, "530100")
    prefectures = {y: {r["code"]: r["score"] for r in annual[y]["prefectures"]} for y in annual}
    for row in five_year["prefectures"]:  # the five annual results side by side, and their mean
        assert row["scores"] == {str(y): prefectures[y][row["code"]] for y in annual}
        assert row["score"] == pytest.approx(sum(row["scores"].values()) / 5, abs=0.01)
    counties = {y: {r["code"]: r["score"] for r in annual[y]["counties"]} for y in annual}
    for row in five_year["counties"]:
        assert row["scores"] == {str(y): counties[y][row["code"]] for y in annual}
        assert row["score"] == pytest.approx(sum(row["scores"].values()) / 5, abs=0.01)
        assert row["grade"] in ("好", "较好", "一般") and row["category"] and row["prefecture_code"]
        assert row["flags"]["missing_years"] == []
    # its gates stand in lanes of its subprocess, as the annual ones do
    deciders = {(e["element"], e["actor"]) for e in _events(admin, transition, "approval.decided")}
    assert deciders == {("t_review", "sim.leading_group.0"), ("t_sign_off", "sim.provincial_leadership.0")}


@pytest.mark.controlled_clock("2025-10-01T00:00:00+08:00")  # 2021-2024 are behind us
def test_a_year_without_published_results_is_named_not_averaged_away(shipped, admin, published_before):
    """The 2022 cycle never published: the five-year evaluation says so, and averages the four
    years it has over four. (2025 is published here before the evaluation opens.)"""
    published_before(2021, 2023, 2024, 2025)
    Simulation(shipped, paced=False, leave=lambda task: task.element_id == "plan_task").run(
        at("2025-11-01T00:00:00"), at("2026-03-31T00:00:00")
    )
    transition = _instance(admin, "transition-2021-2025")
    [read] = _events(admin, transition, "five_year.read")
    assert read["at"] == "2026-02-20T09:00:00+08:00"  # 2025 was in by its date: read on the date
    assert read["data"]["missing_years"] == ["2022"] and read["data"]["ungraded"] == []
    five_year = admin.get("/api/v1/cycles/transition-2021-2025/results").json
    for row in five_year["prefectures"] + five_year["counties"]:
        assert row["scores"]["2022"] is None and row["flags"]["missing_years"] == ["2022"]
        present = [s for s in row["scores"].values() if s is not None]
        assert len(present) == 4 and row["score"] == pytest.approx(sum(present) / 4, abs=0.01)


def test_an_administrator_moves_the_start_date_and_the_next_cycle_follows(shipped, admin):
    admin.post("/api/v1/clock", json={"now": "2022-06-01T00:00:00+08:00"})  # the 2021 cycle opened
    bpmn = (
        (PROCESSES / "annual-evaluation.bpmn")
        .read_bytes()
        .replace(b"R/2021-11-01T09:00:00+08:00/P1Y", b"R/2021-11-15T09:00:00+08:00/P1Y")
    )
    deployed = admin.post("/api/v1/definitions", data=bpmn, content_type="application/xml")
    assert deployed.status_code == 201 and deployed.json["definitions"][0]["version"] == 2
    [start] = [
        t
        for t in admin.get("/api/v1/timers").json["items"]
        if t["kind"] == "start" and t["definition"] == "annual_evaluation"
    ]
    assert start["version"] == 2 and start["due_at"] == "2022-11-15T09:00:00+08:00"
    admin.post("/api/v1/clock", json={"now": "2022-11-10T00:00:00+08:00"})
    assert admin.get("/api/v1/instances", query_string={"business_key": "annual-2022"}).json["items"] == []
    admin.post("/api/v1/clock", json={"now": "2022-11-16T00:00:00+08:00"})
    opened = _instance(admin, "annual-2022")
    assert opened["version"] == 2 and opened["created_at"] == "2022-11-15T09:00:00+08:00"
    assert _instance(admin, "annual-2021")["version"] == 1  # a running cycle keeps its version


def _simulated(scratch, seed):
    """`kaoping simulate` over the 2021 cycle on a database of its own: what it printed, its
    completion times, the sample it drew and the grades it published."""
    url = f"sqlite:///{scratch}/seed-{seed}.db"
    env = {
        **os.environ,
        "KAOPING_DATABASE_URL": url,
        "KAOPING_CONTROLLED_CLOCK": "1",
        "KAOPING_CLOCK_START": "2021-10-01T00:00:00+08:00",
        "KAOPING_SECRET_KEY": Fernet.generate_key().decode(),
        "KAOPING_SCHEDULER": "0",
    }
    env.pop("KAOPING_PROCESSES_DIR", None)
    kaoping = str(Path(sys.executable).with_name("kaoping"))
    span = ["--from", "2021-11-01T00:00:00+08:00", "--to", "2022-03-31T00:00:00+08:00"]
    done = subprocess.run([kaoping, "simulate", *span, "--seed", str(seed)], env=env, capture_output=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    with sqlite3.connect(f"{scratch}/seed-{seed}.db") as db:
        moments = db.execute(
            "select element_id, completed_at from tasks where completed_at is not null"
            " order by completed_at, element_id"
        ).fetchall()
        [sample] = db.execute("select data from audit_events where type = 'sample.drawn'").fetchone()
        grades = db.execute("select code, grade, score from unit_results order by code").fetchall()
    return done.stdout.decode().splitlines()[-1], moments, sample, grades


def test_the_same_seed_gives_the_same_run(tmp_path):
    """Moments, the spot-check sample and the published grades: one seed, one run."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, again = _simulated(tmp_path / "a", 7), _simulated(tmp_path / "b", 7)
    assert first[0].startswith("2021 annual: published ") and first == again
    moments = first[1]
    assert len({done for _, done in moments}) > len(moments) // 2  # spread out, not one burst
