"""A draft is written by the provincial office, scored by a script, routed by a gateway and
reviewed by the leading group: the story of one gate, told through the API."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.persistence.models import AuditEvent, Instance, OutboxMessage, Task


def test_draft_to_review_completes_with_a_full_audit_trail(admin, people):
    office = people("li.office", groups=["provincial_office"])
    leader = people("wang.leader", groups=["leading_group"])
    county = people("zhao.county", groups=["county:530102"])

    deployed = admin.deploy("review.bpmn", "draft.json")
    assert deployed.status_code == 201, deployed.json
    assert deployed.json["definitions"][0]["key"] == "review"

    started = office.start("review", business_key="annual-2026")
    assert started.status_code == 201, started.json
    instance = started.json
    assert instance["status"] == "running"
    assert [t["element_id"] for t in instance["active_tasks"]] == ["draft"]

    assert county.tasks() == []
    assert leader.tasks() == []
    [draft] = office.tasks()
    assert draft["lane"] == "provincial_office" and draft["form_key"] == "draft"
    assert draft["candidate_groups"] == ["provincial_office"]

    detail = office.get(f"/api/v1/tasks/{draft['id']}")
    assert detail.json["form"]["id"] == "draft"

    done = office.complete(draft["id"], {"responsibility": 40, "policy": 30, "summary": "ok"})
    assert done.status_code == 200, done.json

    [review] = leader.tasks()
    assert review["element_id"] == "approve"
    assert leader.complete(review["id"], {"decision": "approve", "comment": "同意"}).status_code == 200

    final = admin.get(f"/api/v1/instances/{instance['id']}").json
    assert final["status"] == "completed"
    assert final["variables"]["total"] == 70
    assert final["ended_at"] is not None

    events = admin.get(f"/api/v1/instances/{instance['id']}/events").json["items"]
    types = [e["type"] for e in events]
    assert types == [
        "instance.started",
        "task.created",
        "task.completed",
        "gateway.decided",
        "task.created",
        "task.completed",
        "instance.completed",
    ]
    completed = [e for e in events if e["type"] == "task.completed"]
    assert completed[0]["actor"] == "li.office"
    assert completed[0]["data"]["data"] == {"responsibility": 40, "policy": 30, "summary": "ok"}
    assert events[3]["element"] == "enough" and events[3]["data"]["taken"] == ["approve"]
    assert all(e["at"] for e in events)


def test_low_score_takes_the_default_flow_and_ends(admin, people):
    office = people("li.office", groups=["provincial_office"])
    admin.deploy("review.bpmn", "draft.json")
    instance = office.start("review").json
    [draft] = office.tasks()
    office.complete(draft["id"], {"responsibility": 10, "policy": 10})
    final = admin.get(f"/api/v1/instances/{instance['id']}").json
    assert final["status"] == "completed" and final["variables"]["total"] == 20


def test_invalid_form_data_is_refused_and_changes_nothing(rt, admin, people):
    office = people("li.office", groups=["provincial_office"])
    admin.deploy("review.bpmn", "draft.json")
    instance = office.start("review").json
    [draft] = office.tasks()
    before = _snapshot(rt, instance["id"])

    refused = office.complete(draft["id"], {"responsibility": "forty", "policy": 99})
    assert refused.status_code == 422
    error = refused.json["error"]
    assert error["code"] == "invalid_form_data"
    assert set(error["details"]) == {"responsibility", "policy"}
    assert _snapshot(rt, instance["id"]) == before


def test_only_candidates_complete_and_a_claim_is_the_holders_alone(rt, admin, people):
    office = people("li.office", groups=["provincial_office"])
    colleague = people("chen.office", groups=["provincial_office"])
    outsider = people("zhao.county", groups=["county:530102"])
    admin.deploy("review.bpmn", "draft.json")
    instance = office.start("review").json
    [draft] = office.tasks()
    before = _snapshot(rt, instance["id"])

    assert outsider.complete(draft["id"], {"responsibility": 1, "policy": 1}).status_code == 403
    assert outsider.get(f"/api/v1/tasks/{draft['id']}").status_code == 404
    assert _snapshot(rt, instance["id"]) == before

    assert office.post(f"/api/v1/tasks/{draft['id']}/claim").status_code == 200
    assert colleague.tasks() == []
    blocked = colleague.complete(draft["id"], {"responsibility": 1, "policy": 1})
    assert blocked.status_code == 403 and blocked.json["error"]["code"] == "claimed_by_other"
    assert colleague.post(f"/api/v1/tasks/{draft['id']}/claim").status_code == 403

    assert office.post(f"/api/v1/tasks/{draft['id']}/unclaim").status_code == 200
    assert [t["id"] for t in colleague.tasks()] == [draft["id"]]
    assert colleague.complete(draft["id"], {"responsibility": 1, "policy": 1}).status_code == 200
    again = office.complete(draft["id"], {"responsibility": 1, "policy": 1})
    assert again.status_code == 409 and again.json["error"]["code"] == "task_not_ready"
    types = [e["type"] for e in admin.get(f"/api/v1/instances/{instance['id']}/events").json["items"]]
    assert types.count("task.claimed") == 1 and types.count("task.unclaimed") == 1


def test_business_key_is_unique_per_definition(rt, admin, people):
    office = people("li.office", groups=["provincial_office"])
    admin.deploy("review.bpmn", "draft.json")
    assert office.start("review", business_key="annual-2025").status_code == 201
    again = office.start("review", business_key="annual-2025")
    assert again.status_code == 409 and again.json["error"]["code"] == "duplicate_business_key"
    with rt.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Instance)) == 1


def test_participants_cannot_start_what_is_not_open_to_them(admin, people):
    county = people("zhao.county", groups=["county:530102"])
    admin.deploy("review.bpmn", "draft.json")
    refused = county.start("review")
    assert refused.status_code == 403
    assert county.start("no-such-process").status_code == 404


def test_webhook_events_are_written_to_the_outbox_in_the_same_step(rt, admin, people):
    office = people("li.office", groups=["provincial_office"])
    admin.deploy("review.bpmn", "draft.json")
    office.start("review")
    with rt.db.read() as session:
        types = session.scalars(select(OutboxMessage.event_type).order_by(OutboxMessage.id)).all()
    assert types == ["instance.started", "task.created"]


def _snapshot(rt, instance_id: str):
    with rt.db.read() as session:
        instance = session.get(Instance, instance_id)
        tasks = session.execute(
            select(Task.id, Task.state, Task.assignee)
            .where(Task.instance_id == instance_id)
            .order_by(Task.id)
        ).all()
        events = session.scalar(select(func.count()).select_from(AuditEvent))
        outbox = session.scalar(select(func.count()).select_from(OutboxMessage))
        return (instance.status, instance.lock_version, instance.variables, tuple(tasks), events, outbox)
