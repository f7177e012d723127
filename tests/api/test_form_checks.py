"""Extensions' form checks: once a completion's fields pass their own rules, every loaded
extension's check of the task's form sees the cleaned submission and the data the task was
offered with; any message refuses the completion as 422 `invalid_form_data`, every check's
messages by field path together, and the task stays as it was."""

from __future__ import annotations

from dataclasses import replace

import pytest

from engine.app import create_app
from engine.auth.users import create_user
from engine.extensions import Extension, Extensions
from engine.runtime.runtime import Runtime

from ..conftest import Actor

SEEN: list[tuple[dict, dict]] = []


def _adds_up(cleaned: dict, task_data: dict) -> dict[str, list[str]]:
    SEEN.append((cleaned, task_data))
    if cleaned["responsibility"] + cleaned["policy"] != task_data["total"]:
        return {
            "policy": [f"两项之和须为 {task_data['total']} / the two must add up to {task_data['total']}"]
        }
    return {}


def _policy_not_below_half(cleaned: dict, task_data: dict) -> dict[str, list[str]]:
    if cleaned["policy"] * 2 < cleaned["responsibility"]:
        return {
            "policy": ["政策分过低 / policy is too low beside responsibility"],
            "responsibility": ["责任分过高 / responsibility is too high beside policy"],
            "summary": [],  # no message: no error
        }
    return {"summary": []}


EXTENSIONS = [
    Extension(name="sums", form_checks={"draft": _adds_up}),
    Extension(name="balance", form_checks={"draft": _policy_not_below_half, "other": _adds_up}),
]


@pytest.fixture
def office(settings, clock):
    """An engine with two extensions that check the `draft` form, and an office member."""
    rt = Runtime.create(replace(settings, extensions=()), clock=clock, extensions=EXTENSIONS)
    client = create_app(runtime=rt).test_client()
    with rt.db.write() as session:
        admin = Actor(client, "root", create_user(session, "root", now=clock.now(), admin=True))
        member = create_user(session, "li.office", now=clock.now(), groups=["provincial_office"])
    SEEN.clear()
    yield admin, Actor(client, "li.office", member)
    rt.db.dispose()


def test_every_extensions_checks_of_a_form_are_gathered_in_their_order(settings):
    extensions = Extensions(EXTENSIONS, settings)
    assert extensions.form_checks("draft") == (_adds_up, _policy_not_below_half)
    assert extensions.form_checks("other") == (_adds_up,)
    assert extensions.form_checks("unchecked") == ()


def test_a_failed_check_is_422_with_its_messages_and_changes_nothing(office):
    admin, member = office
    admin.deploy("review.bpmn", "draft.json")
    instance = member.start("review", variables={"total": 90}).json["id"]
    [draft] = member.tasks()
    before = member.get(f"/api/v1/tasks/{draft['id']}").json

    refused = member.complete(draft["id"], {"responsibility": 50, "policy": 20, "surplus": 1})
    assert refused.status_code == 422, refused.json
    assert refused.json["error"]["code"] == "invalid_form_data"
    assert refused.json["error"]["details"] == {
        "policy": [
            "两项之和须为 90 / the two must add up to 90",
            "政策分过低 / policy is too low beside responsibility",
        ],
        "responsibility": ["责任分过高 / responsibility is too high beside policy"],
    }
    # the checks saw the cleaned submission (the undeclared key dropped) and the offered data
    assert SEEN == [({"responsibility": 50, "policy": 20}, before["data"])]
    after = member.get(f"/api/v1/tasks/{draft['id']}").json
    assert after == before and after["state"] == "ready"
    events = admin.get(f"/api/v1/instances/{instance}/events").json["items"]
    assert "task.completed" not in {e["type"] for e in events}

    assert member.complete(draft["id"], {"responsibility": 50, "policy": 30}).status_code == 422
    done = member.complete(draft["id"], {"responsibility": 50, "policy": 40})
    assert done.status_code == 200, done.json
    assert admin.get(f"/api/v1/instances/{instance}").json["variables"]["total"] == 90


def test_a_submission_the_form_refuses_reaches_no_check(office):
    admin, member = office
    admin.deploy("review.bpmn", "draft.json")
    member.start("review", variables={"total": 90})
    [draft] = member.tasks()
    refused = member.complete(draft["id"], {"responsibility": 50})
    assert refused.status_code == 422 and set(refused.json["error"]["details"]) == {"policy"}
    assert SEEN == []
