"""`python -m bench [--quick]`: every figure in one run (see bench/__init__.py)."""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from functools import partial
from pathlib import Path

import SpiffWorkflow

from . import CHAIN, HERE, http, raw, report, simulate, timers, webhooks
from .fill import clone, copy_database, count_instances, state_sizes
from .server import Server, create_user, server_env

FULL = dict(
    raw_instances=300,
    raw_stages=2,
    instances=100,
    clients=4,
    stages_16=9,
    stages_145=1,
    handful=50,
    pages=20,
    rss_instances=10_000,
    stored=100_000,
)
QUICK = dict(
    raw_instances=50,
    raw_stages=1,
    instances=20,
    clients=4,
    stages_16=2,
    stages_145=1,
    handful=10,
    pages=5,
    rss_instances=1_000,
    stored=2_000,
)  # about 1,000 of the stored ones are clones


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer iterations; 2,000 stored instances (about 1,000 of them cloned) "
        "instead of 100,000, and 1,000 starts instead of 10,000 for RSS",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (database, logs)")
    args = parser.parse_args(argv)
    # a plain `kill` of the benchmark still unwinds the with-blocks that stop the server
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda number, _frame: sys.exit(128 + number))
    size = QUICK if args.quick else FULL
    scratch = Path(tempfile.mkdtemp(prefix="kaoping-bench-"))
    ok = False
    try:
        results = run(size, scratch, quick=args.quick)
        with clock_phase("(f) timers on PostgreSQL"):
            results["timers"] = timers.run(args.quick)
        with clock_phase("(g) webhooks"):
            results["webhooks"] = webhooks.run(args.quick)
        with clock_phase("(h) kaoping simulate"):
            results["simulate"] = simulate.run(args.quick)
        report.write(results, args.out)
        print(report.table(results))
        if results["timers"]:
            print("\n" + timers.table(results["timers"]))
        print("\n" + webhooks.table(results["webhooks"]))
        print("\n" + simulate.table(results["simulate"]))
        print(f"\nwritten: {args.out}")
        ok = True
    except http.ServerMisbehaved as exc:
        print(f"\nbench: the server answered unexpectedly:\n{exc}", file=sys.stderr)
        for log in sorted(scratch.glob("server-*.log"), key=lambda p: p.stat().st_mtime)[-1:]:
            tail = log.read_text(errors="replace").splitlines()[-60:]
            print(f"\nbench: the end of {log.name}:\n" + "\n".join(tail), file=sys.stderr)
    finally:
        if ok and not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            print(f"bench: scratch directory (database, server logs): {scratch}", file=sys.stderr)
    return 0 if ok else 1


def clock_phase(name: str):
    return _Phases()(name)


def run(size: dict, scratch: Path, *, quick: bool) -> dict:
    clock = _Phases()
    database, empty = scratch / "bench.db", scratch / "empty.db"
    (scratch / "processes").mkdir()
    env = server_env(f"sqlite:///{database}", scratch / "processes")
    samples: dict[str, list[float]] = defaultdict(list)
    rss: dict = {}

    def add(more: dict) -> None:
        for name, values in more.items():
            samples[name].extend(values)

    # Raw SpiffWorkflow in two halves, before and after the HTTP phases, so that a change in
    # the machine's load during the run weighs on both sides of the ratios.
    with clock("(a) raw SpiffWorkflow, first half"):
        raw_sizes = _raw(add, size)

    with clock("accounts"):
        tokens = {
            "admin": create_user(env, "bench.admin", admin=True),
            "clerk": create_user(env, "bench.clerk", groups=("bench_clerk",)),
            "reviewer": create_user(env, "bench.reviewer", groups=("bench_reviewer",)),
        }
        copy_database(database, empty)  # the same accounts, for (d)'s empty side

    with Server(env, scratch / "server-1.log") as server:
        base, admin = server.base, http.Client(server.base, tokens["admin"])
        with clock("deploy + warm-up"):
            http.deploy(admin)
            http.warm_up(base, tokens, admin)
            rss["start_mb"] = server.worker_rss_mb()
            add(http.health(base, size["pages"]))
        with clock("(b) chain, 1 client"):
            add(http.chain_instances(base, tokens, size["instances"]))
        with clock(f"(b) chain, {size['clients']} clients"):
            add(
                http.in_parallel(
                    size["clients"],
                    size["instances"],
                    partial(http.chain_instances, base, tokens, suffix="_4c"),
                )
            )
        with clock("(c) 16- and 145-unit stages"):
            add(http.stage(admin, 16, size["stages_16"]))
            add(http.stage(admin, 145, size["stages_145"]))
            http.check_chain_outcome(admin)
        with clock(f"(e) {size['rss_instances']} starts, {size['clients']} clients"):
            add(
                http.in_parallel(
                    size["clients"], size["rss_instances"], partial(http.starts_only, base, tokens)
                )
            )
            rss["after_mb"] = server.worker_rss_mb()
            rss["after_instances"] = size["rss_instances"]
            template = admin.call("POST", "/instances", expect=(201,), json_body={"definition": CHAIN})[0][
                "id"
            ]
        admin.close()

    with clock(f"(d) fill to {size['stored']} instances"):
        added = clone(database, template, max(0, size["stored"] - count_instances(database)))
        rss["stored_instances"] = stored = count_instances(database)

    # (d) Two servers, one on the filled database and one on an empty one, asked in turn.
    empty_env = {**env, "KAOPING_DATABASE_URL": f"sqlite:///{empty}"}
    with (
        Server(env, scratch / "server-2.log") as full,
        Server(empty_env, scratch / "server-empty.log") as bare,
    ):
        with clock(f"(d) handful, {stored} stored vs empty, in turn"):
            admin = http.Client(bare.base, tokens["admin"])
            http.deploy(admin)
            http.warm_up(bare.base, tokens, admin)
            admin.close()
            admin = http.Client(full.base, tokens["admin"])
            http.warm_up(full.base, tokens, admin)
            admin.close()
            rss["restart_mb"] = full.worker_rss_mb()
            add(
                _only(
                    http.alternate(
                        size["handful"],
                        [
                            partial(http.chain_instances, bare.base, tokens, 1, "_empty"),
                            partial(http.chain_instances, full.base, tokens, 1, "_stored"),
                        ],
                    ),
                    "rest_complete_empty",
                    "rest_complete_stored",
                )
            )
            add(
                http.alternate(
                    size["pages"],
                    [
                        partial(http.task_pages, bare.base, tokens["clerk"], 1, "rest_task_page_empty"),
                        partial(http.task_pages, full.base, tokens["clerk"], 1, "rest_task_page_stored"),
                    ],
                )
            )

    with clock("(a) raw SpiffWorkflow, second half"):
        _raw(add, size)

    engine = _engine_dir()
    meta = {
        "quick": quick,
        "sizes": size,
        "python": platform.python_version(),
        "spiffworkflow": getattr(SpiffWorkflow, "__version__", "3.2.0"),
        "cpus": os.cpu_count(),
        "database": "sqlite (WAL), gunicorn 1 sync worker, auth on",
        "engine": engine,
        "commit": _commit(engine),
        "phases_s": clock.took,
        "stored_instances": stored,
        "rows_cloned": added,
        "database_mb": round(database.stat().st_size / 2**20, 1),
        "raw_state_bytes": raw_sizes,
        "engine_state_bytes": state_sizes(database),
    }
    return report.build(samples, rss, meta)


def _raw(add, size: dict) -> dict[str, int]:
    more, sizes = raw.measure(size["raw_instances"] // 2, (16, 145), size["raw_stages"])
    add(more)
    return sizes


def _only(samples: dict, *names: str) -> dict:
    return {name: values for name, values in samples.items() if name in names}


def _engine_dir() -> str | None:
    """Where the server imports `engine` from: asked of this Python in the server's
    environment, away from our working directory as a console script is."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import engine, os; print(os.path.dirname(os.path.dirname(os.path.abspath(engine.__file__))))",
        ],
        cwd="/",
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout.strip() or None


def _commit(where: str | None) -> str | None:
    try:
        done = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=where or HERE,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return done.stdout.strip() or None
    except OSError:
        return None


class _Phases:
    """Wall time of each phase, printed as it ends (stderr), kept for results.json."""

    def __init__(self):
        self.took: dict[str, float] = {}

    def __call__(self, name: str):
        phases = self

        class _Phase:
            def __enter__(self):
                print(f"bench: {name} …", file=sys.stderr, flush=True)
                self.began = time.monotonic()

            def __exit__(self, *_):
                phases.took[name] = round(time.monotonic() - self.began, 1)
                print(f"bench: {name}: {phases.took[name]} s", file=sys.stderr, flush=True)

        return _Phase()


if __name__ == "__main__":
    sys.exit(main())
