"""Timers on PostgreSQL (issue 4's bench): 10,000 due timers drained by two `kaoping scheduler`
processes, with a count proving each fired exactly once; and the scheduler's scan with up to
100,000 waiting timers none of which is due, which must stay flat as that number grows.

Runs against its own database, `kaoping_bench`, on the PostgreSQL of KAOPING_BENCH_POSTGRES_URL
(default: the local one CI has); skipped, and said so, when there is none."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine.config import Settings
from engine.persistence import timer_rows
from engine.persistence.migrate import upgrade
from engine.persistence.models import Timer
from engine.runtime import commands
from engine.runtime.principal import SYSTEM
from engine.runtime.runtime import Runtime
from engine.scheduler.deployment import deploy_files
from engine.scheduler.drain import drain

from . import HERE

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
KAOPING = str(Path(sys.executable).with_name("kaoping"))


def bench_database() -> str | None:
    url = make_url(os.environ.get("KAOPING_BENCH_POSTGRES_URL", DEFAULT_URL))
    try:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = 'kaoping_bench'")).first():
                conn.execute(text("CREATE DATABASE kaoping_bench"))
        admin.dispose()
    except Exception as exc:  # no PostgreSQL here: the timer bench is skipped, and says so
        print(f"bench: timers skipped, no PostgreSQL ({type(exc).__name__})", file=sys.stderr)
        return None
    target = url.set(database="kaoping_bench").render_as_string(hide_password=False)
    engine = create_engine(target)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(target)
    return target


def run(quick: bool) -> dict | None:
    url = bench_database()
    if url is None:
        return None
    count = 1_000 if quick else 10_000
    settings = Settings(
        database_url=url, controlled_clock=True, clock_start="2026-11-25T09:00:00+08:00", scheduler=False
    )
    rt = Runtime.create(settings)
    deploy_files(rt, [("wait_timer.bpmn", (HERE / "models" / "wait_timer.bpmn").read_bytes())], "bench")
    began = time.monotonic()
    with ThreadPoolExecutor(4) as pool:  # set-up only: each start commits on its own
        list(pool.map(lambda _: commands.start(rt, SYSTEM, "wait_timer"), range(count)))
    filling = time.monotonic() - began
    rt.clock.set(rt.clock.now() + timedelta(hours=2))
    drained, per_process = _two_schedulers(url)
    fired, distinct, left = _exactly_once(rt)
    scans = _scans(rt, (1_000, 10_000, 100_000) if not quick else (1_000, 10_000))
    idle_pass = _pass(rt)
    rt.db.dispose()
    smallest, largest = min(scans), max(scans)
    return {
        "due_timers": count,
        "start_s": round(filling, 1),
        "drain_s": round(drained, 2),
        "fired_per_scheduler": per_process,
        "timer_fired_events": fired,
        "distinct_timers_fired": distinct,
        "timers_left": left,
        "exactly_once": fired == distinct == count and left == 0,
        "scan_median_ms": {str(n): v for n, v in scans.items()},
        "idle_pass_median_ms": idle_pass,
        "scan_ratio": {
            "value": round(scans[largest] / scans[smallest], 2),
            "bar": 1.2,
            "of": f"{largest} / {smallest} waiting timers",
        },
    }


def _two_schedulers(url: str) -> tuple[float, list[int]]:
    env = {**os.environ, "KAOPING_DATABASE_URL": url, "KAOPING_CONTROLLED_CLOCK": "1"}
    began = time.monotonic()
    processes = [
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
    for process in processes:
        out, err = process.communicate(timeout=1800)
        if process.returncode != 0:
            raise RuntimeError(f"scheduler failed:\n{err[-3000:]}")
        fired.append(int(out.strip().splitlines()[-1].split()[-1]))
    return time.monotonic() - began, fired


def _exactly_once(rt) -> tuple[int, int, int]:
    with rt.db.connect() as conn:
        fired, distinct = conn.execute(
            text("SELECT count(*), count(DISTINCT task_id) FROM audit_events WHERE type = 'timer.fired'")
        ).one()
        left = conn.execute(text("SELECT count(*) FROM timers")).scalar()
    return fired, distinct, left


def _scans(rt, sizes) -> dict[int, float]:
    """Median of the scheduler's scan (its one indexed query, nothing due) on an open
    connection, as the number of waiting timers grows; the whole idle pass (a pooled
    connection, the clock, the scan) is timed beside it in `_passes`."""
    far = datetime(2099, 1, 1, tzinfo=UTC)
    results, stored = {}, 0
    for size in sizes:
        rows = [
            {
                "kind": "timer",
                "definition_id": "bench",
                "definition_key": "bench",
                "version": 1,
                "instance_id": uuid.uuid4().hex,
                "task_id": str(uuid.uuid4()),
                "element_id": "t",
                "due_at": far + timedelta(seconds=i),
            }
            for i in range(size - stored)
        ]
        with rt.db.transaction() as conn:
            for at in range(0, len(rows), 10_000):
                conn.execute(Timer.__table__.insert(), rows[at : at + 10_000])
            conn.execute(text("ANALYZE timers"))
        stored = size
        now = rt.clock.now()
        with rt.db.connect() as conn:
            for _ in range(50):
                timer_rows.due(conn, now, 100)  # warm
            medians = []
            for _ in range(3):  # the lowest of three medians: a noisy neighbour only adds
                samples = []
                for _ in range(300):
                    began = time.perf_counter()
                    assert not timer_rows.due(conn, now, 100)
                    samples.append(time.perf_counter() - began)
                medians.append(statistics.median(samples))
        results[size] = round(min(medians) * 1000, 3)
    return results


def _pass(rt) -> float:
    samples = []
    for _ in range(200):
        began = time.perf_counter()
        assert drain(rt) == 0
        samples.append(time.perf_counter() - began)
    return round(statistics.median(samples) * 1000, 3)


def table(results: dict) -> str:
    scans = " · ".join(f"{n} waiting: {ms} ms" for n, ms in results["scan_median_ms"].items())
    return "\n".join(
        [
            f"timers (PostgreSQL): {results['due_timers']} due timers drained by 2 scheduler processes "
            f"in {results['drain_s']} s (fired {results['fired_per_scheduler']}); "
            f"timer.fired events {results['timer_fired_events']}, distinct {results['distinct_timers_fired']}, "
            f"left {results['timers_left']}: exactly once = {results['exactly_once']}",
            f"scheduler scan, nothing due: {scans}; whole idle pass {results['idle_pass_median_ms']} ms; "
            f"ratio {results['scan_ratio']['value']} (bar {results['scan_ratio']['bar']}, {results['scan_ratio']['of']})",
        ]
    )


if __name__ == "__main__":
    import json

    outcome = run("--quick" in sys.argv)
    print(json.dumps(outcome, indent=2) if outcome else "skipped")
