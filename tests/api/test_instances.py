"""Whole instances: routing per unit, messages, incidents and retry, and the admin's levers."""

from __future__ import annotations

from sqlalchemy import select

from engine.persistence.models import MessageWait

UNITS = [
    {"code": "530100", "name": "昆明市"},
    {"code": "532500", "name": "红河州"},
    {"code": "530300", "name": "曲靖市"},
]


def test_each_prefecture_sees_only_its_own_copy(admin, people):
    kunming = people("kunming", groups=["prefecture:530100"])
    honghe = people("honghe", groups=["prefecture:532500"])
    qujing = people("qujing", groups=["prefecture:530300"])
    admin.deploy("units.bpmn")
    instance = admin.start("units", variables={"units": UNITS}).json
    assert len(instance["active_tasks"]) == 3

    [mine] = kunming.tasks()
    assert mine["candidate_groups"] == ["prefecture:530100"]
    data = kunming.get(f"/api/v1/tasks/{mine['id']}").json["data"]
    assert data["unit"]["name"] == "昆明市" and "units" not in data  # its item, not the collection
    [theirs] = honghe.tasks()
    assert kunming.complete(theirs["id"]).status_code == 403

    for actor in (kunming, honghe, qujing):
        [task] = actor.tasks()
        assert actor.complete(task["id"]).status_code == 200
    assert admin.get(f"/api/v1/instances/{instance['id']}").json["status"] == "completed"
    # completed tasks stay visible to whoever completed them, and only to them
    assert [t["id"] for t in kunming.tasks(state="completed")] == [mine["id"]]


def test_a_message_reaches_the_instance_waiting_with_that_business_key(rt, admin, people):
    bridge = people("third.party", groups=["integration"])
    reader = people("reader", groups=["assessment_team"])
    admin.deploy("message.bpmn")
    waiting = admin.start("field_evaluation", business_key="annual-2025").json
    other = admin.start("field_evaluation", business_key="annual-2026").json
    with rt.db.read() as session:
        assert set(session.scalars(select(MessageWait.message_name))) == {"third_party.report"}

    refused = reader.post("/api/v1/messages", json={"name": "third_party.report"})
    assert refused.status_code == 403
    sent = bridge.post(
        "/api/v1/messages",
        json={"name": "third_party.report", "business_key": "annual-2025", "payload": {"score": 91}},
    )
    assert sent.status_code == 200 and sent.json["correlated"] == 1
    assert [
        t["element_id"] for t in admin.get(f"/api/v1/instances/{waiting['id']}").json["active_tasks"]
    ] == ["read_report"]
    assert admin.get(f"/api/v1/instances/{other['id']}").json["active_tasks"] == []
    nobody = bridge.post("/api/v1/messages", json={"name": "unknown.message"})
    assert nobody.json == {"correlated": 0, "buffered": False}
    types = [e["type"] for e in admin.get(f"/api/v1/instances/{waiting['id']}/events").json["items"]]
    assert "message.correlated" in types


def test_a_message_whose_correlation_cannot_be_read_is_the_instances_incident(rt, admin, people):
    """The catch event reads its correlation key from the payload; a payload without it made
    SpiffWorkflow raise while catching, which answered 500. The message did reach the
    instance, so the failure is the instance's incident, named at the catch event."""
    bridge = people("third.party", groups=["integration"])
    admin.deploy("message_keyed.bpmn")
    waiting = admin.start("keyed_field_evaluation", business_key="annual-2025").json
    sent = bridge.post(
        "/api/v1/messages",
        json={"name": "third_party.report", "business_key": "annual-2025", "payload": {"score": 91}},
    )
    assert sent.status_code == 200 and sent.json["correlated"] == 1
    instance = admin.get(f"/api/v1/instances/{waiting['id']}").json
    assert instance["status"] == "error" and "reference" in instance["error"]["message"]
    assert instance["error"]["element"] == "wait_report"


def test_a_number_json_cannot_hold_is_served_as_null(admin):
    """A script may compute infinity or NaN; PostgreSQL's JSON refused them (500) and SQLite
    stored them to be served as bare `Infinity`, which no JSON parser accepts."""
    admin.deploy("overflows.bpmn")
    started = admin.start("overflows")
    assert started.status_code == 201, started.json
    assert started.json["variables"] == {"x": None, "y": None}
    [task] = admin.tasks()
    shown = admin.get(f"/api/v1/tasks/{task['id']}")
    assert shown.status_code == 200 and b"Infinity" not in shown.data and b"NaN" not in shown.data
    assert admin.complete(task["id"]).status_code == 200
    done = admin.get(f"/api/v1/instances/{started.json['id']}")
    assert done.json["status"] == "completed" and b"Infinity" not in done.data


def test_a_failing_script_is_an_incident_that_retry_resumes_on_the_fixed_version(admin, people):
    office = people("li.office", groups=["provincial_office"])
    leader = people("wang.leader", groups=["leading_group"])
    admin.deploy("needs_bonus.bpmn", "draft.json")
    instance = office.start("review").json
    [draft] = office.tasks()
    assert office.complete(draft["id"], {"responsibility": 40, "policy": 30}).status_code == 200

    broken = admin.get(f"/api/v1/instances/{instance['id']}").json
    assert broken["status"] == "error"
    assert broken["error"]["element"] == "score" and "bonus" in broken["error"]["message"]
    events = admin.get(f"/api/v1/instances/{instance['id']}/events").json["items"]
    assert events[-1]["type"] == "instance.error" and events[-1]["element"] == "score"

    assert office.post(f"/api/v1/instances/{instance['id']}/retry").status_code == 403
    again = admin.post(f"/api/v1/instances/{instance['id']}/retry", json={})
    assert again.json["status"] == "error"  # same version, same fault

    fixed = admin.deploy("review.bpmn", "draft.json").json["definitions"][0]
    resumed = admin.post(f"/api/v1/instances/{instance['id']}/retry", json={"version": fixed["version"]})
    assert resumed.status_code == 200, resumed.json
    assert resumed.json["status"] == "running" and resumed.json["version"] == fixed["version"]
    [review] = leader.tasks()
    assert leader.complete(review["id"], {"decision": "approve"}).status_code == 200
    assert admin.get(f"/api/v1/instances/{instance['id']}").json["status"] == "completed"


def test_suspend_resume_and_cancel(admin, people):
    office = people("li.office", groups=["provincial_office"])
    admin.deploy("review.bpmn", "draft.json")
    instance = office.start("review").json
    [draft] = office.tasks()
    base = f"/api/v1/instances/{instance['id']}"

    assert office.post(f"{base}/suspend").status_code == 403
    assert admin.post(f"{base}/suspend").json["status"] == "suspended"
    blocked = office.complete(draft["id"], {"responsibility": 40, "policy": 30})
    assert blocked.status_code == 409 and blocked.json["error"]["code"] == "instance_suspended"
    assert admin.post(f"{base}/suspend").status_code == 409
    assert admin.post(f"{base}/resume").json["status"] == "running"
    assert admin.post(f"{base}/cancel").json["status"] == "cancelled"
    assert office.tasks() == []
    assert admin.post(f"{base}/cancel").status_code == 409
    types = [e["type"] for e in admin.get(f"{base}/events").json["items"]]
    assert types[-3:] == ["instance.suspended", "instance.resumed", "instance.cancelled"]


def test_unknown_ids_are_404_and_lists_page(admin, people):
    office = people("li.office", groups=["provincial_office"])
    assert admin.get("/api/v1/instances/nope").status_code == 404
    assert admin.post("/api/v1/instances/nope/cancel").status_code == 404
    assert office.complete("nope").status_code == 404
    assert admin.get("/api/v1/tasks/nope").status_code == 404
    admin.deploy("review.bpmn", "draft.json")
    ids = [office.start("review").json["id"] for _ in range(3)]
    first = admin.get("/api/v1/instances", query_string={"limit": 2}).json
    assert len(first["items"]) == 2 and first["next"]
    rest = admin.get("/api/v1/instances", query_string={"limit": 2, "after": first["next"]}).json
    assert [i["id"] for i in first["items"] + rest["items"]] == sorted(ids, key=ids.index) or set(
        i["id"] for i in first["items"] + rest["items"]
    ) == set(ids)
    assert rest["next"] is None
    assert admin.get("/api/v1/instances", query_string={"limit": 0}).status_code == 422
    assert admin.get("/api/v1/instances", query_string={"after": "%%%"}).status_code == 400
    assert office.get("/api/v1/instances").status_code == 403


def test_malformed_requests_are_400_or_422(admin):
    assert admin.post("/api/v1/instances", json={"business_key": "x"}).status_code == 422
    bad = admin.post("/api/v1/instances", data="{", content_type="application/json")
    assert bad.status_code in (400, 422)
    assert "error" in bad.json


def test_health_openapi_and_sign_in(client, people):
    people("li.office", groups=["provincial_office"], password="s3cret-密码")
    assert client.get("/api/v1/health").json["database"] == "ok"
    spec = client.get("/api/openapi.json").json
    assert "/api/v1/tasks/{task_id}/complete" in spec["paths"]
    assert spec["openapi"].startswith("3.")
    wrong = client.post("/api/v1/auth/token", json={"username": "li.office", "password": "nope"})
    assert wrong.status_code == 401
    token = client.post("/api/v1/auth/token", json={"username": "li.office", "password": "s3cret-密码"}).json[
        "token"
    ]
    assert client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_message_with_a_ttl_waits_for_its_catcher(rt, admin, people):
    from engine.scheduler.drain import drain

    bridge = people("third.party", groups=["integration"])
    admin.deploy("message.bpmn")
    early = bridge.post(
        "/api/v1/messages",
        json={
            "name": "third_party.report",
            "business_key": "annual-2027",
            "ttl": "P7D",
            "payload": {"score": 88},
        },
    )
    assert early.json == {"correlated": 0, "buffered": True}
    assert bridge.post("/api/v1/messages", json={"name": "x", "ttl": "soon"}).status_code == 422
    instance = admin.start("field_evaluation", business_key="annual-2027").json
    drain(rt)
    assert [
        t["element_id"] for t in admin.get(f"/api/v1/instances/{instance['id']}").json["active_tasks"]
    ] == ["read_report"]
