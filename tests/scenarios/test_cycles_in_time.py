"""Cycles live by dates: a timer start event opens one every 1 November, reminders go out every
7 days while the plan is open, a due date makes it overdue once, and the last day of February
escalates what is still open. All on the controlled clock, moved through the API."""

from __future__ import annotations

import pytest

from ..conftest import FIXTURES

START = "2021-10-01T00:00:00+08:00"
pytestmark = pytest.mark.controlled_clock(START)


def _move(admin, **body):
    response = admin.post("/api/v1/clock", json=body)
    assert response.status_code == 200, response.json
    return response.json


def _instance(admin, business_key):
    items = admin.get("/api/v1/instances", query_string={"business_key": business_key}).json["items"]
    return items[0] if items else None


def _events(admin, instance, type_=None):
    events = admin.get(f"/api/v1/instances/{instance['id']}/events", query_string={"limit": 1000}).json[
        "items"
    ]
    return [e for e in events if type_ is None or e["type"] == type_]


def test_a_timer_start_event_opens_a_cycle_every_first_of_november(admin):
    assert admin.deploy("annual_cycle.bpmn").status_code == 201
    [start] = admin.get("/api/v1/timers").json["items"]
    assert (start["kind"], start["element_id"], start["instance_id"]) == ("start", "opens", None)
    assert start["due_at"] == "2021-11-01T09:00:00+08:00"  # in the engine's zone

    _move(admin, now="2021-10-31T23:00:00+08:00")
    assert _instance(admin, "annual-2021") is None
    _move(admin, now="2024-11-02T00:00:00+08:00")
    for year in (2021, 2022, 2023, 2024):
        instance = _instance(admin, f"annual-{year}")
        assert instance is not None, year
        [fired] = _events(admin, instance, "timer.fired")[:1]
        assert fired["element"] == "opens" and fired["at"] == f"{year}-11-01T09:00:00+08:00"
    assert _instance(admin, "annual-2025") is None
    starts = [t for t in admin.get("/api/v1/timers").json["items"] if t["kind"] == "start"]
    assert [t["due_at"][:10] for t in starts] == ["2025-11-01"]


def test_a_cycle_started_by_hand_before_its_first_november_opens_at_once(admin):
    """An instance of a process with a cyclic timer start is one occurrence. Started by hand a
    month before the first one, it ended at once with nothing run: the start event waited for
    the cycle's own occurrence and was then taken as fired with no path out."""
    admin.deploy("annual_cycle.bpmn")
    started = admin.start(
        "annual_cycle", business_key="annual-early", variables={"occurrence": "2021-10-01T00:00:00+08:00"}
    )
    assert started.status_code == 201 and started.json["status"] == "running", started.json["error"]
    assert [t["element_id"] for t in started.json["active_tasks"]] == ["plan"]
    _move(admin, now="2022-11-02T00:00:00+08:00")  # the cycle's own dates run no second plan in it
    instance = admin.get(f"/api/v1/instances/{started.json['id']}").json
    assert [t["element_id"] for t in instance["active_tasks"]] == ["plan"]


def test_reminders_every_seven_days_stop_when_the_plan_is_done(admin, people):
    office = people("li.office", groups=["provincial_office"])
    admin.deploy("annual_cycle.bpmn")
    _move(admin, now="2021-11-01T09:00:00+08:00")
    instance = _instance(admin, "annual-2021")
    [plan] = office.tasks()
    assert plan["due_at"] == "2021-11-15T09:00:00+08:00"

    _move(admin, advance="P7D")
    assert len(_events(admin, instance, "timer.fired")) == 2  # the start, one reminder
    _move(admin, advance="P7D")
    reminders = [e for e in _events(admin, instance, "timer.fired") if e["element"] == "remind"]
    assert [e["at"][:10] for e in reminders] == ["2021-11-08", "2021-11-15"]
    [overdue] = _events(admin, instance, "task.overdue")
    assert overdue["task_id"] == plan["id"] and overdue["at"].startswith("2021-11-15")

    assert office.complete(plan["id"]).status_code == 200
    _move(admin, advance="P60D")
    reminders = [e for e in _events(admin, instance, "timer.fired") if e["element"] == "remind"]
    assert len(reminders) == 2
    assert len(_events(admin, instance, "task.overdue")) == 1
    assert admin.get(f"/api/v1/instances/{instance['id']}").json["status"] == "completed"
    assert [t for t in admin.get("/api/v1/timers").json["items"] if t["instance_id"]] == []


@pytest.mark.parametrize("year, deadline", [(2022, "2023-02-28"), (2023, "2024-02-29")])
def test_the_last_day_of_february_escalates_what_is_open(admin, year, deadline):
    _move(admin, now=f"{year}-10-01T00:00:00+08:00")
    admin.deploy("annual_cycle.bpmn")  # the cycles before this deployment never fire
    _move(admin, now=f"{year}-11-01T09:00:00+08:00")
    instance = _instance(admin, f"annual-{year}")
    assert [i["business_key"] for i in admin.get("/api/v1/instances").json["items"]] == [f"annual-{year}"]
    _move(admin, now=f"{year + 1}-03-31T00:00:00+08:00")

    [fired] = [e for e in _events(admin, instance, "timer.fired") if e["element"] == "deadline"]
    assert fired["at"] == f"{deadline}T23:59:59+08:00"
    [escalated] = _events(admin, instance, "deadline.escalated")
    assert escalated["at"] == fired["at"] and escalated["data"]["code"] == "deadline"
    assert escalated["data"]["open"] == ["plan"]  # what is still open is escalated, not dropped
    final = admin.get(f"/api/v1/instances/{instance['id']}").json
    assert final["status"] == "running" and [t["element_id"] for t in final["active_tasks"]] == ["plan"]


def test_a_new_version_replaces_the_schedule(admin):
    admin.deploy("annual_cycle.bpmn")
    later = (
        (FIXTURES / "annual_cycle.bpmn")
        .read_bytes()
        .replace(b"R/2021-11-01T09:00:00+08:00/P1Y", b"R/2021-11-15T09:00:00+08:00/P1Y")
    )
    assert admin.post("/api/v1/definitions", data=later, content_type="application/xml").status_code == 201
    [start] = admin.get("/api/v1/timers").json["items"]
    assert start["version"] == 2 and start["due_at"].startswith("2021-11-15")
    _move(admin, now="2021-11-20T00:00:00+08:00")
    assert _instance(admin, "annual-2021")["version"] == 2


def test_the_clock_is_for_administrators_and_never_goes_back(admin, people):
    office = people("li.office", groups=["provincial_office"])
    refused = office.get("/api/v1/clock")  # nothing on the page or in the scheduler needs it
    assert refused.status_code == 403 and refused.json["error"]["code"] == "admin_only"
    assert admin.get("/api/v1/clock").json["now"].startswith("2021-10-01T00:00:00+08:00")
    assert office.post("/api/v1/clock", json={"advance": "P1D"}).status_code == 403
    assert _move(admin, advance="P1D")["now"].startswith("2021-10-02T00:00:00")
    back = admin.post("/api/v1/clock", json={"now": "2021-01-01T00:00:00+08:00"})
    assert back.status_code == 409 and back.json["error"]["code"] == "clock_backwards"
    assert admin.post("/api/v1/clock", json={"advance": "soon"}).status_code == 422
    assert admin.post("/api/v1/clock", json={}).status_code == 422
    assert admin.get("/api/v1/clock").json["now"].startswith("2021-10-02T00:00:00")
