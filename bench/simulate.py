"""The assessment at speed (issue 6's bench): `kaoping simulate` on SQLite, one annual cycle and
the whole span 2021-11 → 2026-03 (five annual cycles and the five-year evaluation), wall time
of the command as an operator runs it. Bars: a cycle ≤ 10 s, the span ≤ 60 s."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet

KAOPING = str(Path(sys.executable).with_name("kaoping"))
SPANS = {
    "one_cycle": ("2021-11-01T00:00:00+08:00", "2022-03-31T00:00:00+08:00"),
    "whole_span": ("2021-11-01T00:00:00+08:00", "2026-03-31T00:00:00+08:00"),
}
BARS = {"one_cycle": 10.0, "whole_span": 60.0}


def run(quick: bool) -> dict:
    results = {}
    for name, (start, end) in SPANS.items():
        if quick and name == "whole_span":
            continue
        with tempfile.TemporaryDirectory(prefix="kaoping-bench-simulate-") as scratch:
            env = {
                **os.environ,
                "KAOPING_DATABASE_URL": f"sqlite:///{scratch}/sim.db",
                "KAOPING_CONTROLLED_CLOCK": "1",
                "KAOPING_CLOCK_START": "2021-10-01T00:00:00+08:00",
                "KAOPING_SECRET_KEY": Fernet.generate_key().decode(),
                "KAOPING_SCHEDULER": "0",
            }
            env.pop("KAOPING_PROCESSES_DIR", None)
            began = time.perf_counter()
            done = subprocess.run(
                [KAOPING, "simulate", "--from", start, "--to", end],
                env=env,
                capture_output=True,
                text=True,
                timeout=1800,  # the paced whole span takes minutes now: report it, do not stop
            )
            took = time.perf_counter() - began
        if done.returncode != 0:
            raise RuntimeError(f"simulate failed:\n{done.stdout}\n{done.stderr[-3000:]}")
        results[name] = {
            "seconds": round(took, 1),
            "bar": BARS[name],
            "pass": took <= BARS[name],
            "printed": [line for line in done.stdout.splitlines() if "published" in line],
        }
    return results


def table(results: dict) -> str:
    lines = []
    for name, r in results.items():
        lines.append(
            f"kaoping simulate, {name.replace('_', ' ')}: {r['seconds']} s (bar {r['bar']} s, "
            f"{'pass' if r['pass'] else 'FAIL'})"
        )
        lines.extend(f"    {line}" for line in r["printed"])
    return "\n".join(lines)


if __name__ == "__main__":
    import json

    print(json.dumps(run("--quick" in sys.argv), indent=2, ensure_ascii=False))
