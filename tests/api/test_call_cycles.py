"""A call activity that leads back to its own process would start copies of itself forever: such
a deployment is refused, naming the cycle, whether the processes on it come in the same file or
were deployed earlier. Nothing of a refused deployment is stored."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from engine.persistence.models import Definition


def _count(rt) -> int:
    with rt.db.read() as session:
        return session.scalar(select(func.count()).select_from(Definition))


def _deploy_within(admin, seconds: float, *names: str):
    """Deploys (and nothing else) on a daemon thread: an old engine that accepts the cycle
    must not hang the suite on the start that follows."""
    answer = {}
    thread = threading.Thread(target=lambda: answer.update(r=admin.deploy(*names)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the deployment did not finish"
    return answer["r"]


def test_a_process_that_calls_itself_is_refused_at_deploy(rt, admin):
    response = admin.deploy("calls_itself.bpmn")
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid_definition"
    [detail] = response.json["error"]["details"]
    assert detail == {
        "file": "calls_itself.bpmn",
        "line": 6,
        "element": "calls_itself_calls_calls_itself",
        "message": "call activity cycle: calls_itself → calls_itself",
    }
    assert _count(rt) == 0


def test_two_processes_of_one_file_that_call_each_other_are_refused(rt, admin):
    response = admin.deploy("relay_cycle.bpmn")
    assert response.status_code == 422, response.json
    [detail] = response.json["error"]["details"]
    assert detail["file"] == "relay_cycle.bpmn" and detail["line"] == 6
    assert detail["element"] == "relay_a_calls_relay_b"
    assert detail["message"] == "call activity cycle: relay_a → relay_b → relay_a"
    assert _count(rt) == 0


def test_a_cycle_through_a_process_deployed_earlier_is_refused(rt, admin):
    assert admin.deploy("relay_b.bpmn").status_code == 201
    assert admin.deploy("relay_a.bpmn").status_code == 201  # A calls the deployed B: fine
    response = _deploy_within(admin, 10, "relay_b_back.bpmn")  # B edited alone to call A back
    assert response.status_code == 422, response.json
    [detail] = response.json["error"]["details"]
    assert detail["file"] == "relay_b_back.bpmn" and detail["element"] == "relay_b_calls_relay_a"
    assert detail["message"] == "call activity cycle: relay_b → relay_a → relay_b"
    assert _count(rt) == 2
    started = admin.start("relay_a").json  # what was deployed before still runs to its end
    assert started["status"] == "completed", started
