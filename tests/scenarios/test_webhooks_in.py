"""The third party's report arrives from outside: a signed request to an inbound endpoint
becomes the BPMN message the field evaluation waits for. Forged, stale, replayed, oversized and
malformed requests change nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook as Signer

from engine.persistence.webhook_models import BufferedMessage, InboundReceipt
from engine.scheduler.drain import drain


def _endpoint(admin, **extra):
    created = admin.post(
        "/api/v1/inbound-endpoints",
        json={
            "name": "third-party",
            "message": "third_party.report",
            "business_key_path": "$.cycle.key",
            **extra,
        },
    )
    assert created.status_code == 201, created.json
    return created.json["secret"]


def _signed(secret, body: dict | list | str, *, webhook_id="msg_1", at=None):
    text = body if isinstance(body, str) else json.dumps(body)
    at = at or datetime.now(UTC)
    headers = {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Signer(secret).sign(webhook_id, at, text),
        "content-type": "application/json",
    }
    return text, headers


def _post(client, text, headers):
    return client.post("/api/v1/inbound/third-party", data=text, headers=headers)


def _recorded(rt):
    with rt.db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(InboundReceipt)),
            session.scalar(select(func.count()).select_from(BufferedMessage)),
        )


def test_a_signed_report_reaches_the_waiting_instance_once(rt, client, admin):
    secret = _endpoint(admin)
    admin.deploy("message.bpmn")
    instance = admin.start("field_evaluation", business_key="annual-2025").json
    report = {"cycle": {"key": "annual-2025"}, "score": 91}
    text, headers = _signed(secret, report)

    first = _post(client, text, headers)
    assert first.status_code == 202 and first.json == {"replayed": False, "correlated": 1, "buffered": False}
    again = _post(client, text, headers)  # the same webhook-id: a replay
    assert again.status_code == 200 and again.json["replayed"] is True
    events = admin.get(f"/api/v1/instances/{instance['id']}/events").json["items"]
    [correlated] = [e for e in events if e["type"] == "message.correlated"]
    assert correlated["actor"] == "inbound:third-party" and correlated["data"]["payload"] == report
    assert [
        t["element_id"] for t in admin.get(f"/api/v1/instances/{instance['id']}").json["active_tasks"]
    ] == ["read_report"]
    assert _recorded(rt) == (1, 0)


def test_a_report_that_comes_early_waits_for_its_catcher(rt, client, admin):
    secret = _endpoint(admin)
    admin.deploy("message.bpmn")
    early = _post(client, *_signed(secret, {"cycle": {"key": "annual-2026"}}))
    assert early.status_code == 202 and early.json == {"replayed": False, "correlated": 0, "buffered": True}
    instance = admin.start("field_evaluation", business_key="annual-2026").json
    drain(rt)  # the scheduler's pass hands kept messages to catchers that have come
    assert [
        t["element_id"] for t in admin.get(f"/api/v1/instances/{instance['id']}").json["active_tasks"]
    ] == ["read_report"]
    assert _recorded(rt) == (1, 0)


@pytest.mark.parametrize(
    "case, status, code",
    [
        ("forged", 401, "signature_invalid"),
        ("stale", 401, "timestamp_out_of_tolerance"),
        ("unsigned", 401, "signature_headers_missing"),
        ("oversized", 413, "body_too_large"),
        ("not an object", 422, "invalid_payload"),
        ("no business key", 422, "invalid_payload"),
        ("not json", 422, "invalid_payload"),
    ],
)
def test_bad_requests_change_nothing(rt, client, admin, case, status, code):
    secret = _endpoint(admin)
    admin.deploy("message.bpmn")
    instance = admin.start("field_evaluation", business_key="annual-2025").json
    good = {"cycle": {"key": "annual-2025"}}
    if case == "forged":
        text, headers = _signed("whsec_" + "A" * 32, good)
    elif case == "stale":
        text, headers = _signed(secret, good, at=datetime.now(UTC) - timedelta(minutes=10))
    elif case == "unsigned":
        text, headers = json.dumps(good), {"content-type": "application/json"}
    elif case == "oversized":
        text, headers = _signed(secret, {**good, "padding": "x" * (rt.settings.max_inbound_bytes + 1)})
    elif case == "not an object":
        text, headers = _signed(secret, [good])
    elif case == "no business key":
        text, headers = _signed(secret, {"cycle": {}})
    else:
        text, headers = _signed(secret, "{not json")
    response = _post(client, text, headers)
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    assert _recorded(rt) == (0, 0)
    assert [
        t["element_id"] for t in admin.get(f"/api/v1/instances/{instance['id']}").json["active_tasks"]
    ] == []


def test_endpoints_are_managed_by_administrators(client, admin, people):
    office = people("li.office", groups=["provincial_office"])
    assert office.post("/api/v1/inbound-endpoints", json={"name": "x", "message": "m"}).status_code == 403
    _endpoint(admin)
    assert (
        admin.post("/api/v1/inbound-endpoints", json={"name": "third-party", "message": "m"}).status_code
        == 409
    )
    assert (
        admin.post("/api/v1/inbound-endpoints", json={"name": "Bad Name", "message": "m"}).status_code == 422
    )
    [listed] = admin.get("/api/v1/inbound-endpoints").json["items"]
    assert listed["name"] == "third-party" and "secret" not in listed
    assert client.post("/api/v1/inbound/nobody", data="{}").status_code == 404
    assert admin.delete("/api/v1/inbound-endpoints/third-party").status_code == 204
    assert admin.delete("/api/v1/inbound-endpoints/third-party").status_code == 404
