"""Schedulers as separate processes: a restart after a due time fires once; two schedulers on
one PostgreSQL fire each of 1,000 timers exactly once; a scheduler killed with SIGKILL in the
middle of a batch loses and duplicates nothing once another pass runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from engine.auth.users import create_user
from engine.persistence.models import AuditEvent, Task, Timer
from engine.runtime import commands
from engine.runtime.principal import SYSTEM
from engine.scheduler.deployment import deploy_files

from ..conftest import FIXTURES, free_port

pytestmark = [pytest.mark.slow, pytest.mark.controlled_clock("2026-11-25T09:00:00+08:00")]
KAOPING = str(Path(sys.executable).with_name("kaoping"))
MANY = 1000


def _env(rt, tmp_path, **extra) -> dict:
    return {
        **os.environ,
        "KAOPING_DATABASE_URL": rt.settings.database_url,
        "KAOPING_CONTROLLED_CLOCK": "1",
        "KAOPING_PROCESSES_DIR": str(tmp_path / "none"),
        **extra,
    }


def _waiting_instances(rt, count: int) -> None:
    deploy_files(rt, [("wait_timer.bpmn", (FIXTURES / "wait_timer.bpmn").read_bytes())], "test")
    for _ in range(count):
        commands.start(rt, SYSTEM, "wait_timer")


def _counts(rt):
    with rt.db.read() as session:
        fired = session.execute(
            select(func.count(), func.count(func.distinct(AuditEvent.task_id))).where(
                AuditEvent.type == "timer.fired"
            )
        ).one()
        after = session.scalar(select(func.count()).select_from(Task).where(Task.element_id == "after"))
        left = session.scalar(select(func.count()).select_from(Timer))
    return tuple(fired), after, left


def test_a_timer_due_while_the_server_was_down_fires_once_on_restart(rt, tmp_path):
    with rt.db.write() as session:
        create_user(session, "admin", now=rt.clock.now(), admin=True)
    _waiting_instances(rt, 1)
    env = _env(rt, tmp_path, KAOPING_SCHEDULER="1")

    def serve_once_and_ask():
        port = free_port()
        server = subprocess.Popen(
            [KAOPING, "serve", "--port", str(port)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            for line in server.stderr:  # the request below queues until the worker is up
                if "Booting worker" in line:
                    break
            return requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=60).json()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    assert serve_once_and_ask()["scheduler"] == "running"
    assert _counts(rt)[0] == (0, 0)  # not due yet: nothing fired
    rt.clock.set(rt.clock.now() + timedelta(hours=2))  # time passes while nothing runs
    serve_once_and_ask()
    assert _counts(rt) == ((1, 1), 1, 0)
    serve_once_and_ask()
    assert _counts(rt) == ((1, 1), 1, 0)


def test_two_schedulers_on_postgresql_fire_each_timer_exactly_once(rt, tmp_path):
    if not rt.settings.database_url.startswith("postgresql"):
        pytest.skip("several schedulers share one PostgreSQL; SQLite runs one writer at a time")
    _waiting_instances(rt, MANY)
    rt.clock.set(rt.clock.now() + timedelta(hours=2))
    env = _env(rt, tmp_path)
    schedulers = [
        subprocess.Popen(
            [KAOPING, "scheduler", "--once"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    fired = []
    for process in schedulers:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        fired.append(int(out.strip().splitlines()[-1].split()[-1]))
    assert sum(fired) == MANY and all(n > 0 for n in fired), fired  # both worked, none twice
    assert _counts(rt) == ((MANY, MANY), MANY, 0)


def test_a_scheduler_killed_mid_batch_loses_and_duplicates_nothing(rt, tmp_path):
    _waiting_instances(rt, MANY)
    rt.clock.set(rt.clock.now() + timedelta(hours=2))
    env = _env(rt, tmp_path)
    victim = subprocess.Popen(
        [KAOPING, "scheduler", "--verbose"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    seen = 0
    for line in victim.stdout:  # let it get well into the work, then pull the plug
        seen += line.startswith("fired timer")
        if seen >= MANY // 5:
            break
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    (fired, _), _, _ = _counts(rt)
    assert MANY // 5 <= fired < MANY

    rest = subprocess.run(
        [KAOPING, "scheduler", "--once"], env=env, capture_output=True, text=True, timeout=600
    )
    assert rest.returncode == 0, rest.stderr
    assert _counts(rt) == ((MANY, MANY), MANY, 0)
