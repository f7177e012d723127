"""Kaoping's benchmark: the raw SpiffWorkflow step and the REST step side by side, in one run.

`python -m bench [--quick]` prints a table and writes bench/results.json (generated, not kept
under version control by default). DESIGN.md, "Cost per step", states the bars it checks.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
MODELS = HERE / "models"
CHAIN = "bench_chain"  # user task → script task → user task, in lanes (models/chain.bpmn)
UNITS = "bench_units"  # one parallel multi-instance user task over `units` (models/units.bpmn)
MODEL_FILES = {CHAIN: MODELS / "chain.bpmn", UNITS: MODELS / "units.bpmn"}
FILL_DATA = {"a": 40, "b": 30}  # what the first task of the chain submits; its script adds them


def units(count: int) -> list[dict]:
    """`count` assessed units, each routed to its own group `unit:<code>`."""
    return [{"code": f"53{i:04d}", "name": f"unit {i}"} for i in range(count)]
