"""A stage of parallel units (one copy per prefecture): each unit's completion is recorded
without touching the workflow until the last one closes the stage, and the result is the same
as if every completion had been applied at once."""

from __future__ import annotations

from engine.persistence.models import Instance, WorkflowState

PREFECTURES = [{"code": code} for code in ("530100", "530300", "530400", "530500", "532500")]


def _state(rt, instance_id):
    with rt.db.read() as session:
        return session.get(WorkflowState, instance_id).state, session.get(
            Instance, instance_id
        ).deferred_count


def test_units_complete_without_loading_the_workflow_until_the_last(rt, admin, people):
    officials = {
        p["code"]: people(f"official.{p['code']}", groups=[f"prefecture:{p['code']}"]) for p in PREFECTURES
    }
    admin.deploy("units_results.bpmn")
    instance = admin.start("units_results", variables={"units": PREFECTURES}).json
    state_at_start, _ = _state(rt, instance["id"])

    for n, code in enumerate(["530400", "530100", "532500", "530500"], start=1):
        [task] = officials[code].tasks()
        assert officials[code].complete(task["id"], {"score": int(code[-3:]) + n}).status_code == 200
        assert _state(rt, instance["id"]) == (state_at_start, n)  # the workflow was not rewritten
        assert officials[code].tasks() == []

    [last] = officials["530300"].tasks()
    assert officials["530300"].complete(last["id"], {"score": 300}).status_code == 200
    done = admin.get(f"/api/v1/instances/{instance['id']}").json
    assert done["status"] == "completed"
    # SpiffWorkflow appends to a list output as units merge: completion order, kept by the replay
    assert done["variables"]["results"] == [401, 102, 503, 504, 300]
    assert _state(rt, instance["id"])[1] == 0
    completed = [
        e
        for e in admin.get(f"/api/v1/instances/{instance['id']}/events").json["items"]
        if e["type"] == "task.completed"
    ]
    assert [e["actor"] for e in completed] == [
        "official.530400",
        "official.530100",
        "official.532500",
        "official.530500",
        "official.530300",
    ]


def test_a_step_that_loads_the_workflow_applies_recorded_units_first(rt, admin, people):
    kunming = people("kunming", groups=["prefecture:530100"])
    qujing = people("qujing", groups=["prefecture:530300"])
    admin.deploy("units_results.bpmn")
    units = PREFECTURES[:3]
    instance = admin.start("units_results", variables={"units": units}).json
    [task] = kunming.tasks()
    kunming.complete(task["id"], {"score": 7})
    base = f"/api/v1/instances/{instance['id']}"
    admin.post(f"{base}/suspend")
    assert admin.post(f"{base}/resume").status_code == 200  # resume runs engine steps
    assert _state(rt, instance["id"])[1] == 0
    [task] = qujing.tasks()
    qujing.complete(task["id"], {"score": 8})
    [task] = admin.tasks()
    admin.complete(task["id"], {"score": 9})
    assert admin.get(base).json["variables"]["results"] == [7, 8, 9]
