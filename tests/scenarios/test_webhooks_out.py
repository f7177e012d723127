"""Provincial systems hear of every task and decision: signed deliveries from the outbox, in
order, at least once, retried with backoff, and never in the way of the people doing the work."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

from standardwebhooks.webhooks import Webhook as Verifier

from engine.clock import FixedClock, SystemClock
from engine.runtime.runtime import Runtime
from webhooks.delivery import deliver_due
from webhooks.fanout import fan_out

from ..receivers import Receiver


def _deliver(rt) -> int:
    fan_out(rt)
    return deliver_due(rt)


def _subscribe(admin, url, events=("*",)):
    created = admin.post("/api/v1/webhooks", json={"url": url, "events": list(events)})
    assert created.status_code == 201, created.json
    assert created.json["secret"].startswith("whsec_")
    return created.json


def test_events_arrive_signed_in_order_and_are_logged(rt, admin, people):
    office = people("li.office", groups=["provincial_office"])
    with Receiver() as receiver:
        hook = _subscribe(admin, receiver.url)
        assert "secret" not in admin.get("/api/v1/webhooks").json["items"][0]
        admin.deploy("review.bpmn", "draft.json")
        instance = office.start("review").json
        [draft] = office.tasks()
        office.complete(draft["id"], {"responsibility": 40, "policy": 30})
        assert _deliver(rt) == 4

    verifier = Verifier(hook["secret"])
    bodies = [verifier.verify(body, headers) for headers, body in receiver.accepted()]  # as a receiver would
    assert [b["type"] for b in bodies] == [
        "instance.started",
        "task.created",
        "task.completed",
        "task.created",
    ]
    assert all(b["data"]["instance_id"] == instance["id"] for b in bodies)
    assert len({h["webhook-id"] for h, _ in receiver.accepted()}) == 4
    deliveries = admin.get(f"/api/v1/webhooks/{hook['id']}/deliveries").json["items"]
    assert [d["status"] for d in deliveries] == ["succeeded"] * 4
    assert all(
        d["attempt"] == 1 and d["response_status"] == 200 and d["latency_ms"] is not None for d in deliveries
    )
    assert _deliver(rt) == 0  # at least once, and here exactly once


def test_a_receiver_that_fails_twice_gets_exactly_one_accepted_delivery(rt, admin):
    rt.wall = FixedClock(SystemClock().now())  # the wall clock, held still so backoff can be stepped
    with Receiver(statuses=(500, 503, 200)) as receiver:
        hook = _subscribe(admin, receiver.url, ["instance.started"])
        admin.deploy("units.bpmn")
        admin.start("units", variables={"units": []})
        assert _deliver(rt) == 0
        assert _deliver(rt) == 0  # not yet: the first retry waits about 5 s
        rt.wall.set(rt.wall.now() + timedelta(seconds=7))
        assert _deliver(rt) == 0
        rt.wall.set(rt.wall.now() + timedelta(seconds=13))
        assert _deliver(rt) == 1
    assert len(receiver.received) == 3 and len(receiver.accepted()) == 1
    [delivery] = admin.get(f"/api/v1/webhooks/{hook['id']}/deliveries").json["items"]
    assert (delivery["status"], delivery["attempt"]) == ("succeeded", 3)
    attempts = admin.get(f"/api/v1/webhooks/deliveries/{delivery['id']}/attempts").json["items"]
    assert [a["response_status"] for a in attempts] == [500, 503, 200]
    again = admin.post(f"/api/v1/webhooks/deliveries/{delivery['id']}/redeliver")
    assert again.status_code == 201 and again.json["status"] == "pending"


def test_a_receiver_that_never_answers_does_not_delay_the_api(rt, admin, people):
    office = people("li.office", groups=["provincial_office"])
    admin.deploy("review.bpmn", "draft.json")
    with Receiver(hold=True) as receiver:
        _subscribe(admin, receiver.url)
        office.start("review")
        sender = threading.Thread(target=_deliver, args=(rt,))
        sender.start()  # stuck on the receiver, which holds the request
        began = time.monotonic()
        for _ in range(5):
            assert office.start("review").status_code == 201
        [task, *_] = office.tasks()
        assert office.complete(task["id"], {"responsibility": 1, "policy": 1}).status_code == 200
        assert time.monotonic() - began < 5
        assert sender.is_alive()
        receiver.released.set()
        sender.join(timeout=60)


def test_an_event_written_before_a_restart_is_delivered_once_after_it(rt, settings, admin, people):
    office = people("li.office", groups=["provincial_office"])
    with Receiver() as receiver:
        _subscribe(admin, receiver.url, ["instance.started"])
        admin.deploy("review.bpmn", "draft.json")
        office.start("review")  # committed: the outbox row is all that exists of the event
        restarted = Runtime.create(settings)  # a new process: nothing carried over in memory
        assert _deliver(restarted) == 1
        assert _deliver(restarted) == 0 and _deliver(rt) == 0
        restarted.db.dispose()
    [(headers, body)] = receiver.accepted()
    assert json.loads(body)["type"] == "instance.started"


def test_subscriptions_are_for_administrators_with_valid_urls(admin, people):
    office = people("li.office", groups=["provincial_office"])
    assert (
        office.post("/api/v1/webhooks", json={"url": "http://127.0.0.1/x", "events": ["*"]}).status_code
        == 403
    )
    assert (
        admin.post("/api/v1/webhooks", json={"url": "file:///etc/passwd", "events": ["*"]}).status_code == 422
    )
    assert (
        admin.post("/api/v1/webhooks", json={"url": "http://127.0.0.1/x", "events": ["no.such"]}).status_code
        == 422
    )
    created = admin.post(
        "/api/v1/webhooks", json={"url": "https://example.invalid/x", "events": ["task.created"]}
    ).json
    assert admin.delete(f"/api/v1/webhooks/{created['id']}").status_code == 204
    assert admin.delete(f"/api/v1/webhooks/{created['id']}").status_code == 404
    assert admin.get("/api/v1/webhooks").json["items"] == []
