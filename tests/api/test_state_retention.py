"""An instance's state holds the work still open, not its history: a finished task's copy of the
data is dropped once nothing can read it again, so the twentieth round of the same work costs
what the second did, and every join, sub-process and variable still sees what it would have."""

from __future__ import annotations

import json

from sqlalchemy import select

from engine.persistence.models import WorkflowState

BALLAST = "考评" * 20_000  # the plan and proposal a real cycle carries in every task's data


def _state(rt, instance_id: str) -> str:
    with rt.db.read() as session:
        return session.scalars(
            select(WorkflowState.state).where(WorkflowState.instance_id == instance_id)
        ).one()


def _tasks_holding_data(state: str) -> int:
    """Tasks written with data of their own or as changes from their parent's."""
    dct = json.loads(state)
    every = [
        *dct["tasks"].values(),
        *(t for sp in dct["subprocesses"].values() for t in sp["tasks"].values()),
    ]
    return sum(1 for task in every if task["data"] or task["delta"])


def _do_round(actor, instance_id: str, n: int) -> None:
    for element, data in (("fill_a", {f"a{n}": n}), ("fill_b", {f"b{n}": 10 * n})):
        [task] = [t for t in actor.tasks(instance=instance_id) if t["element_id"] == element]
        assert actor.complete(task["id"], data).status_code == 200


def test_twenty_rounds_weigh_what_two_did_and_every_merge_still_sees_its_branches(rt, admin):
    assert admin.deploy("rounds.bpmn").status_code == 201
    instance = admin.start("rounds", variables={"ballast": BALLAST, "rounds": 0, "wanted": 20}).json["id"]
    sizes, holding = {}, {}
    for n in range(1, 21):
        state = _state(rt, instance)
        sizes[n], holding[n] = len(state), _tasks_holding_data(state)
        _do_round(admin, instance, n)
    assert holding[20] == holding[2], holding  # an emptied task is written empty, not as deletions
    one_copy = len(json.dumps(BALLAST))
    # eighteen more rounds add their tasks' bookkeeping, less than one copy of the data
    assert sizes[20] - sizes[2] < one_copy, sizes
    assert sizes[2] < 4 * one_copy, sizes  # the copies the open work needs, not every copy

    finished = admin.get(f"/api/v1/instances/{instance}").json
    assert finished["status"] == "completed"
    variables = finished["variables"]
    assert variables["rounds"] == 20 and variables["ballast"] == BALLAST
    # each round's join merged both branches, and each round started from the last one's data
    assert {k: v for k, v in variables.items() if k[0] in "ab" and k[1:].isdigit()} == {
        **{f"a{n}": n for n in range(1, 21)},
        **{f"b{n}": 10 * n for n in range(1, 21)},
    }


def test_once_a_join_has_fired_and_no_path_leads_back_its_branches_copies_go(rt, admin):
    assert admin.deploy("side_by_side.bpmn").status_code == 201
    instance = admin.start("side_by_side", variables={"ballast": BALLAST}).json["id"]
    one_copy = len(json.dumps(BALLAST))
    # while the join waits, the branch that reached it keeps what the join will merge
    for element, data in (("fill_a", {"a": 1}), ("fill_b", {"b": 2})):
        [task] = [t for t in admin.tasks(instance=instance) if t["element_id"] == element]
        assert admin.complete(task["id"], data).status_code == 200
    # fired: the copy `file` started from is the only one left, with both branches' work in it
    assert len(_state(rt, instance)) < 2 * one_copy
    [filing] = [t for t in admin.tasks(instance=instance) if t["element_id"] == "file"]
    assert admin.complete(filing["id"], {}).status_code == 200
    variables = admin.get(f"/api/v1/instances/{instance}").json["variables"]
    assert (variables["a"], variables["b"], variables["ballast"]) == (1, 2, BALLAST)
