"""Races and crashes: two people completing the same task at once, and a process that dies
between loading an instance and saving it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

from sqlalchemy import func, select

from engine.persistence.models import AuditEvent, Instance, Task, WorkflowState


def test_two_completions_of_one_task_one_wins_one_conflicts(rt, admin, people):
    office = people("li.office", groups=["provincial_office"])
    colleague = people("chen.office", groups=["provincial_office"])
    admin.deploy("review.bpmn", "draft.json")
    instance = office.start("review").json
    [draft] = office.tasks()
    barrier = threading.Barrier(2)
    results = {}

    def complete(actor):
        barrier.wait()
        results[actor.name] = actor.complete(draft["id"], {"responsibility": 40, "policy": 30}).status_code

    threads = [threading.Thread(target=complete, args=(a,)) for a in (office, colleague)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results.values()) == [200, 409]
    with rt.db.read() as session:
        completed = session.scalars(select(AuditEvent).where(AuditEvent.type == "task.completed")).all()
        assert len(completed) == 1
        approvals = session.scalar(
            select(func.count())
            .select_from(Task)
            .where(Task.instance_id == instance["id"], Task.element_id == "approve")
        )
        assert approvals == 1


def test_a_crash_between_load_and_save_leaves_the_instance_as_it_was(rt, settings, admin, people):
    office = people("li.office", groups=["provincial_office"])
    admin.deploy("review.bpmn", "draft.json")
    instance = office.start("review").json
    [draft] = office.tasks()
    before = _state(rt, instance["id"])

    # A separate process applies the completion and dies before saving: no exception handler,
    # no rollback call, just the process gone (os._exit), as in a power cut or OOM kill.
    script = textwrap.dedent(f"""
        import os
        from engine.config import Settings
        from engine.runtime import commands
        from engine.runtime.principal import Principal
        from engine.runtime.runtime import Runtime
        rt = Runtime.create(Settings(database_url={settings.database_url!r}))
        rt.before_save = lambda: os._exit(17)
        commands.complete(rt, Principal("li.office", groups=frozenset({{"provincial_office"}})),
                          {draft["id"]!r}, {{"responsibility": 40, "policy": 30}})
    """)
    crashed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert crashed.returncode == 17, crashed.stderr
    assert _state(rt, instance["id"]) == before

    # ...and the engine carries on from there as if nothing had happened.
    assert office.complete(draft["id"], {"responsibility": 40, "policy": 30}).status_code == 200
    assert _state(rt, instance["id"]) != before


def _state(rt, instance_id):
    with rt.db.read() as session:
        instance = session.get(Instance, instance_id)
        state = session.get(WorkflowState, instance_id).state
        tasks = session.execute(
            select(Task.id, Task.state).where(Task.instance_id == instance_id).order_by(Task.id)
        ).all()
        events = session.scalar(select(func.count()).select_from(AuditEvent))
        return instance.status, instance.lock_version, state, tuple(tasks), events
