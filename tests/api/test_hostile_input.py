"""Input that the JSON grammar or a URL allows but no layer below can take: numbers past 64 bits
or past a double, absurd nesting, NaN, NUL characters and lone surrogates. Each is refused with
a 4xx in the error envelope, the same on SQLite and PostgreSQL, and changes nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from engine.persistence.models import AuditEvent, Instance, Task
from engine.persistence.webhook_models import InboundReceipt
from tests.scenarios.test_webhooks_in import _endpoint, _post, _signed

HUGE = 2**70  # beyond every integer column and beyond 64 bits


def _raw(actor, url, text):
    return actor.post(url, data=text, content_type="application/json")


def _strict_json(response):
    """The body parsed as JSON proper: NaN and Infinity are not JSON."""

    def refuse(name):
        raise AssertionError(f"{name} in a response body")

    return json.loads(response.get_data(as_text=True), parse_constant=refuse)


def _refused(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    body = _strict_json(response)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code, body


def _state(rt):
    with rt.db.read() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) for model in (Instance, Task, AuditEvent)
        )


@pytest.fixture
def review(admin):
    assert admin.deploy("review.bpmn", "draft.json").status_code == 201
    return admin


def test_a_version_beyond_the_integer_columns_is_refused(rt, review):
    before = _state(rt)
    _refused(review.start("review", version=HUGE), 400, "number_out_of_range")
    _refused(review.start("review", version=2**40), 422, "invalid")  # 64 bits, not 32
    instance = review.start("review").json
    before = _state(rt)
    _refused(
        review.post(f"/api/v1/instances/{instance['id']}/retry", json={"version": HUGE}),
        400,
        "number_out_of_range",
    )
    _refused(
        review.post(f"/api/v1/instances/{instance['id']}/retry", json={"version": 2**40}), 422, "invalid"
    )
    for version in (HUGE, 2**40):
        _refused(review.get(f"/api/v1/definitions/review/versions/{version}/xml"), 404, "not_found")
    assert _state(rt) == before


def test_a_delivery_id_beyond_64_bits_names_nothing(review):
    _refused(review.post(f"/api/v1/webhooks/deliveries/{HUGE}/redeliver"), 404, "not_found")
    _refused(review.get(f"/api/v1/webhooks/deliveries/{HUGE}/attempts"), 404, "not_found")
    _refused(review.get(f"/api/v1/webhooks/deliveries/{2**62}/attempts"), 404, "delivery_not_found")


def test_json_nested_100000_deep_is_refused(rt, review):
    before = _state(rt)
    deep = "[" * 100_000 + "]" * 100_000
    _refused(
        _raw(review, "/api/v1/instances", '{"definition": "review", "variables": {"a": %s}}' % deep),
        400,
        "json_too_deep",
    )
    # Deep enough to hurt SpiffWorkflow's copies, shallow enough for the parser: still refused.
    _refused(
        _raw(
            review,
            "/api/v1/instances",
            '{"definition": "review", "variables": {"a": %s}}' % ("[" * 200 + "]" * 200),
        ),
        400,
        "json_too_deep",
    )
    assert _state(rt) == before
    assert review.start("review", variables={"a": [[[["four levels"]]]]}).status_code == 201


def test_a_5000_digit_integer_literal_is_refused(rt, review):
    before = _state(rt)
    _refused(
        _raw(review, "/api/v1/instances", '{"definition": "review", "variables": {"n": %s}}' % ("9" * 5000)),
        400,
        "number_out_of_range",
    )
    assert _state(rt) == before


def test_a_form_number_beyond_a_double_is_refused(rt, review):
    instance = review.start("review").json
    [draft] = instance["active_tasks"]
    before = _state(rt)
    for field in ("responsibility", "undeclared"):
        body = '{"data": {"responsibility": 1, "policy": 1, "%s": 1e400}}' % field
        _refused(_raw(review, f"/api/v1/tasks/{draft['id']}/complete", body), 400, "number_out_of_range")
    assert _state(rt) == before


def test_nan_and_infinity_are_refused_so_nothing_serves_bare_nan(rt, review):
    before = _state(rt)
    for constant in ("NaN", "Infinity", "-Infinity"):
        body = '{"definition": "review", "variables": {"x": %s}}' % constant
        _refused(_raw(review, "/api/v1/instances", body), 400, "number_out_of_range")
    assert _state(rt) == before
    _strict_json(review.get("/api/v1/instances"))


@pytest.mark.parametrize("text", ["a\u0000b", "a\ud800b"], ids=["nul", "lone-surrogate"])
def test_unstorable_text_in_a_body_is_refused(rt, review, text):
    instance = review.start("review").json
    [draft] = instance["active_tasks"]
    before = _state(rt)
    # json.dumps writes both as \u escapes, which is how they arrive over the wire.
    for body in (
        {"definition": "review", "business_key": text},
        {"definition": "review", "variables": {"note": text}},
        {"definition": "review", "variables": {text: 1}},
        {"definition": "review", "variables": {"list": [{"deep": text}]}},
    ):
        _refused(_raw(review, "/api/v1/instances", json.dumps(body)), 400, "unstorable_text")
    completion = {"data": {"responsibility": 1, "policy": 1, "summary": text}}
    _refused(
        _raw(review, f"/api/v1/tasks/{draft['id']}/complete", json.dumps(completion)), 400, "unstorable_text"
    )
    assert _state(rt) == before


def test_unstorable_text_in_a_filter_or_a_path_is_refused(review):
    review.start("review", business_key="annual-2026")
    _refused(review.get("/api/v1/instances?business_key=annual%00-2026"), 400, "unstorable_text")
    _refused(review.get("/api/v1/tasks?instance=x%00"), 400, "unstorable_text")
    _refused(review.get("/api/v1/instances/x%00y"), 400, "unstorable_text")
    _refused(review.get("/api/v1/tasks/x%00y"), 400, "unstorable_text")
    _refused(review.get("/api/v1/definitions/re%00view"), 400, "unstorable_text")
    _refused(review.get("/api/v1/cycles/2021%00/results"), 400, "unstorable_text")
    _refused(review.get("/instances?business_key=a%00"), 400, "unstorable_text")  # the page's filter


def test_unstorable_sign_in_is_refused(client, people):
    people("li.office", groups=["provincial_office"], password="pw")
    _refused(
        client.post("/api/v1/auth/token", json={"username": "li\u0000", "password": "pw"}),
        400,
        "unstorable_text",
    )
    _refused(client.post("/login", data={"username": "li\u0000", "password": "pw"}), 400, "unstorable_text")


def test_an_inbound_webhook_is_held_to_the_same_rules(rt, client, admin):
    secret = _endpoint(admin)
    for text in (
        '{"cycle": {"key": "annual-2025"}, "score": NaN}',
        '{"cycle": {"key": "annual-2025\\u0000"}}',
        '{"cycle": {"key": "annual-2025"}, "n": %s}' % ("9" * 5000),
        '{"cycle": {"key": "annual-2025"}, "a": %s}' % ("[" * 100_000 + "]" * 100_000),
    ):
        _refused(_post(client, *_signed(secret, text)), 422, "invalid_payload")
    with rt.db.read() as session:
        assert session.scalar(select(func.count()).select_from(InboundReceipt)) == 0
