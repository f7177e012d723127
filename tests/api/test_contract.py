"""Where the API once answered outside its contract: lists of things that do not exist, a
completion without its body, and times in two zones for the same moment."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from webhooks.fanout import fan_out

from .test_cli import _run

SHANGHAI = timedelta(hours=8)  # the engine's zone by default (KAOPING_TIMEZONE=Asia/Shanghai)
NOBODY = "0" * 32


def _in_engine_zone(stamp: str | None) -> bool:
    return stamp is not None and datetime.fromisoformat(stamp).utcoffset() == SHANGHAI


def _is_envelope_404(response, code: str) -> bool:
    return (
        response.status_code == 404
        and response.json["error"]["code"] == code
        and set(response.json["error"]) == {"code", "message", "details"}
    )


def test_the_lists_of_something_unknown_are_404_not_empty(admin):
    assert _is_envelope_404(admin.get(f"/api/v1/instances/{NOBODY}/events"), "instance_not_found")
    assert _is_envelope_404(admin.get("/api/v1/webhooks/nope/deliveries"), "webhook_not_found")


def test_completing_a_task_needs_its_body(rt, admin, people):
    kunming = people("kunming", groups=["prefecture:530100"])
    admin.deploy("units.bpmn")
    instance = admin.start("units", variables={"units": [{"code": "530100", "name": "昆明市"}]}).json
    [task] = kunming.tasks()

    for request in ({}, {"data": "data=1", "content_type": "application/x-www-form-urlencoded"}):
        refused = kunming.post(f"/api/v1/tasks/{task['id']}/complete", **request)
        assert refused.status_code == 422, refused.json
        assert refused.json["error"]["code"] == "invalid" and refused.json["error"]["details"]
    assert [t["id"] for t in kunming.tasks()] == [task["id"]]  # nothing changed
    types = [e["type"] for e in admin.get(f"/api/v1/instances/{instance['id']}/events").json["items"]]
    assert "task.completed" not in types

    # the contract's body is {"data": {...}} and data defaults to nothing: {} is a complete body
    done = kunming.post(f"/api/v1/tasks/{task['id']}/complete", json={})
    assert done.status_code == 200 and done.json["state"] == "completed"


def test_every_time_in_every_answer_is_in_the_engines_zone(rt, database_url, admin, people):
    office = people("li.office", groups=["provincial_office"])
    hook = admin.post("/api/v1/webhooks", json={"url": "https://example.invalid/hook", "events": ["*"]})
    assert _in_engine_zone(hook.json["created_at"])
    admin.deploy("review.bpmn", "draft.json")
    admin.deploy("wait_timer.bpmn")
    started = office.start("review").json
    waiting = admin.start("wait_timer").json

    [opened] = started["active_tasks"]
    [listed] = office.tasks()
    assert opened["created_at"] == listed["created_at"]  # the same moment, written the same way
    assert _in_engine_zone(listed["created_at"])
    assert _in_engine_zone(office.get(f"/api/v1/tasks/{listed['id']}").json["created_at"])
    assert _in_engine_zone(started["created_at"])
    instance = admin.get(f"/api/v1/instances/{started['id']}").json
    assert instance["created_at"] == started["created_at"]
    assert _in_engine_zone(instance["active_tasks"][0]["created_at"])
    assert all(_in_engine_zone(i["created_at"]) for i in admin.get("/api/v1/instances").json["items"])
    events = admin.get(f"/api/v1/instances/{started['id']}/events").json["items"]
    assert events and all(_in_engine_zone(e["at"]) for e in events)
    [timer] = admin.get("/api/v1/timers").json["items"]
    assert timer["instance_id"] == waiting["id"] and _in_engine_zone(timer["due_at"])

    fan_out(rt)
    deliveries = admin.get(f"/api/v1/webhooks/{hook.json['id']}/deliveries").json["items"]
    assert deliveries and all(
        _in_engine_zone(d["created_at"]) and _in_engine_zone(d["next_attempt_at"]) for d in deliveries
    )
    assert all(_in_engine_zone(w["created_at"]) for w in admin.get("/api/v1/webhooks").json["items"])

    exported = _run(database_url, "audit", "export", "--instance", started["id"])
    assert exported.exit_code == 0, exported.output
    lines = [line for line in exported.stdout.splitlines() if line]
    assert lines and all(_in_engine_zone(json.loads(line)["at"]) for line in lines)
