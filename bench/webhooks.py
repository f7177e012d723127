"""Webhooks (issue 5's bench): outbound throughput from a backlog of 10,000 outbox rows to a
loopback receiver (a separate process), and what 10 subscriptions add to a task completion
(fan-out is the scheduler's work after the commit, so: nothing but the one outbox row)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import func, insert, select

from engine.config import Settings
from engine.persistence.migrate import upgrade
from engine.persistence.models import OutboxMessage
from engine.persistence.webhook_models import WebhookDelivery
from engine.runtime import commands
from engine.runtime.principal import SYSTEM
from engine.runtime.runtime import Runtime
from engine.scheduler.deployment import deploy_files
from webhooks import subscriptions
from webhooks.delivery import deliver_due
from webhooks.fanout import fan_out

from . import CHAIN, FILL_DATA, MODEL_FILES


def run(quick: bool) -> dict:
    backlog = 1_000 if quick else 10_000
    with tempfile.TemporaryDirectory(prefix="kaoping-bench-webhooks-") as scratch:
        receiver = subprocess.Popen(
            [sys.executable, "-m", "bench.receiver"],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        try:
            url = f"http://127.0.0.1:{receiver.stdout.readline().strip()}/hook"
            throughput = _throughput(_runtime(scratch, "backlog"), url, backlog)
            added = _subscription_cost(_runtime(scratch, "cost"), url, 100 if quick else 300)
        finally:
            receiver.terminate()
            receiver.wait(timeout=10)
    return {**throughput, **added}


def _runtime(scratch: str, name: str) -> Runtime:
    url = f"sqlite:///{scratch}/{name}.db"
    upgrade(url)
    return Runtime.create(
        Settings(
            database_url=url,
            scheduler=False,
            secret_key=Fernet.generate_key().decode(),
            processes_dir=Path(scratch) / "none",
        )
    )


def _throughput(rt: Runtime, url: str, backlog: int) -> dict:
    subscriptions.create(rt, "bench", url, ["*"])
    now = rt.clock.now()
    rows = [
        {
            "message_id": f"msg_{uuid.uuid4().hex}",
            "event_type": "task.completed",
            "instance_id": None,
            "payload": {"type": "task.completed", "timestamp": now.isoformat(), "data": {"n": n}},
            "created_at": now,
            "dispatched_at": None,
        }
        for n in range(backlog)
    ]
    with rt.db.transaction() as conn:
        conn.execute(insert(OutboxMessage.__table__), rows)
    began = time.perf_counter()
    while fan_out(rt):
        pass
    fanned = time.perf_counter() - began
    delivered = 0
    while True:
        sent = deliver_due(rt)
        delivered += sent
        if not sent:
            break
    took = time.perf_counter() - began
    with rt.db.connect() as conn:
        succeeded = conn.execute(
            select(func.count())
            .select_from(WebhookDelivery.__table__)
            .where(WebhookDelivery.status == "succeeded")
        ).scalar()
    rt.db.dispose()
    return {
        "backlog": backlog,
        "fan_out_s": round(fanned, 2),
        "drain_s": round(took, 2),
        "deliveries_per_s": round(delivered / took),
        "succeeded": succeeded,
    }


def _subscription_cost(rt: Runtime, url: str, count: int) -> dict:
    deploy_files(rt, [(path.name, path.read_bytes()) for path in MODEL_FILES.values()], "bench")

    def completions() -> list[float]:
        samples = []
        for _ in range(count):
            step = commands.start(rt, SYSTEM, CHAIN)
            [task] = step.opened
            began = time.perf_counter()
            commands.complete(rt, SYSTEM, task.id, FILL_DATA)
            samples.append(time.perf_counter() - began)
        return samples

    completions()  # warm
    bare = completions()
    for _ in range(10):
        subscriptions.create(rt, "bench", url, ["*"])
    subscribed = completions()
    with rt.db.connect() as conn:
        outbox_rows = conn.execute(select(func.count()).select_from(OutboxMessage.__table__)).scalar()
    rt.db.dispose()
    ms = lambda xs: round(statistics.median(xs) * 1000, 3)  # noqa: E731
    return {
        "complete_0_subscriptions_ms": ms(bare),
        "complete_10_subscriptions_ms": ms(subscribed),
        "subscription_ratio": round(statistics.median(subscribed) / statistics.median(bare), 2),
        # each round is a start and a completion, two outbox rows each
        "outbox_rows_per_step": round(outbox_rows / (3 * count * 2), 2),
    }


def table(results: dict) -> str:
    return "\n".join(
        [
            f"webhooks: {results['backlog']} outbox rows to a loopback receiver: fan-out {results['fan_out_s']} s, "
            f"all delivered in {results['drain_s']} s ({results['deliveries_per_s']}/s, {results['succeeded']} succeeded)",
            f"a completion (in-process) with 0 subscriptions {results['complete_0_subscriptions_ms']} ms, with 10 "
            f"{results['complete_10_subscriptions_ms']} ms (ratio {results['subscription_ratio']}); the state change "
            f"writes outbox rows only, {results['outbox_rows_per_step']} per step, whatever the number of subscriptions",
        ]
    )


if __name__ == "__main__":
    import json

    print(json.dumps(run("--quick" in sys.argv), indent=2))
