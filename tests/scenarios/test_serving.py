"""`kaoping serve` with four gunicorn workers on PostgreSQL, many clients at once: nothing is
lost and nothing is done twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from ..conftest import FIXTURES, free_port

pytestmark = pytest.mark.slow

INSTANCES = 40


@pytest.fixture
def server(postgres_url, tmp_path):
    database_url = postgres_url
    env = {
        **os.environ,
        "KAOPING_DATABASE_URL": database_url,
        "KAOPING_SCHEDULER": "0",
        "KAOPING_PROCESSES_DIR": str(tmp_path / "none"),
    }
    kaoping = str(Path(sys.executable).with_name("kaoping"))

    def cli(*args):
        done = subprocess.run([kaoping, *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1]

    tokens = {
        "admin": cli("users", "create", "admin", "--admin"),
        "office": cli("users", "create", "office", "--group", "provincial_office"),
        "leader": cli("users", "create", "leader", "--group", "leading_group"),
    }
    port = free_port()
    process = subprocess.Popen(
        [kaoping, "serve", "--port", str(port), "--workers", "4"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        booted = 0
        for line in process.stderr:  # wait on the server's own word, not on a timer
            booted += "Booting worker" in line
            if booted == 4:
                break
        assert booted == 4, "gunicorn did not boot four workers"
        yield f"http://127.0.0.1:{port}/api/v1", tokens
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_four_workers_many_clients_nothing_lost_nothing_twice(server, postgres_url):
    base, tokens = server
    auth = {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}
    files = [
        ("file", ("review.bpmn", (FIXTURES / "review.bpmn").read_bytes())),
        ("file", ("draft.json", (FIXTURES / "draft.json").read_bytes())),
    ]
    assert (
        requests.post(f"{base}/definitions", files=files, headers=auth["admin"], timeout=60).status_code
        == 201
    )

    def start(i):
        return requests.post(
            f"{base}/instances",
            json={"definition": "review", "business_key": f"k{i % (INSTANCES // 2)}"},
            headers=auth["office"],
            timeout=60,
        ).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(start, range(INSTANCES)))
    assert sorted(codes) == [201] * (INSTANCES // 2) + [409] * (INSTANCES // 2)

    def race(task_id, who, data):
        return requests.post(
            f"{base}/tasks/{task_id}/complete", json={"data": data}, headers=auth[who], timeout=60
        ).status_code

    for who, data in (("office", {"responsibility": 40, "policy": 30}), ("leader", {"decision": "approve"})):
        tasks = requests.get(f"{base}/tasks", params={"limit": 1000}, headers=auth[who], timeout=60).json()[
            "items"
        ]
        assert len(tasks) == INSTANCES // 2
        with ThreadPoolExecutor(8) as pool:  # every task is completed by two clients at once
            codes = list(
                pool.map(
                    lambda t, who=who, data=data: race(t["id"], who, data),
                    [t for t in tasks for _ in range(2)],
                )
            )
        assert sorted(codes) == [200] * len(tasks) + [409] * len(tasks)

    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        statuses = conn.execute(text("SELECT status, count(*) FROM instances GROUP BY status")).all()
        completions = conn.execute(
            text("SELECT count(*), count(DISTINCT task_id) FROM audit_events WHERE type = 'task.completed'")
        ).one()
        started = conn.execute(
            text("SELECT count(*) FROM audit_events WHERE type = 'instance.started'")
        ).scalar()
    engine.dispose()
    assert statuses == [("completed", INSTANCES // 2)]
    assert tuple(completions) == (INSTANCES, INSTANCES)
    assert started == INSTANCES // 2
