"""Timers on subprocesses, and a timer whose path fails: an incident, not a retry storm."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.controlled_clock("2026-11-25T09:00:00+08:00")


def test_a_boundary_timer_on_a_subprocess_closes_it_and_a_failure_after_it_is_an_incident(admin):
    admin.deploy("review_window.bpmn")
    instance = admin.start("review_window").json
    assert [t["element_id"] for t in instance["active_tasks"]] == ["read"]
    [timer] = admin.get("/api/v1/timers").json["items"]
    assert (timer["kind"], timer["element_id"], timer["instance_id"]) == (
        "timer",
        "window_closes",
        instance["id"],
    )
    assert timer["due_at"] == "2026-11-28T09:00:00+08:00"  # three days on, in the engine's zone

    assert admin.post("/api/v1/clock", json={"advance": "P2D"}).json["fired"] == 0
    moved = admin.post("/api/v1/clock", json={"advance": "P2D"}).json
    assert moved["fired"] == 1
    after = admin.get(f"/api/v1/instances/{instance['id']}").json
    assert after["status"] == "error" and after["error"]["element"] == "record_lateness"
    assert after["active_tasks"] == []  # the window closed: its task went with it
    assert admin.get("/api/v1/timers").json["items"] == []
    # nothing is due any more, however far the clock goes: no retry storm
    assert admin.post("/api/v1/clock", json={"advance": "P30D"}).json["fired"] == 0
    types = [e["type"] for e in admin.get(f"/api/v1/instances/{instance['id']}/events").json["items"]]
    assert types.count("timer.fired") == 1 and types.count("instance.error") == 1


def test_timers_are_listed_for_administrators_only(admin, people):
    office = people("li.office", groups=["provincial_office"])
    assert office.get("/api/v1/timers").status_code == 403
    assert admin.get("/api/v1/timers").json == {"items": [], "next": None}
