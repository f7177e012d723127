"""Samples → figures ({median_ms, p90_ms, n}), the ratios DESIGN.md sets bars for, a table on
stdout, and results.json (written to a .tmp file first, then renamed)."""

from __future__ import annotations

import json
import math
import os
import statistics
from pathlib import Path

# (name, numerator, denominator, bar): every ratio must be at or under its bar.
RATIOS = [
    ("rest_complete / raw_step", "rest_complete", "raw_step", 3.0),
    ("rest_start / raw_start", "rest_start", "raw_start", 3.0),
    (
        "rest_complete_units_145 / rest_complete_units_16",
        "rest_complete_units_145",
        "rest_complete_units_16",
        1.5,
    ),
    ("rest_complete_stored / rest_complete_empty", "rest_complete_stored", "rest_complete_empty", 1.2),
]
RSS_BAR_MB = 120.0

DESCRIPTIONS = {
    "raw_start": "raw SpiffWorkflow: new workflow + engine steps + serialize (chain)",
    "raw_step": "raw SpiffWorkflow: deserialize + complete + engine steps + serialize (chain)",
    "raw_step_units_16": "raw step, multi-instance stage of 16 units",
    "raw_step_units_145": "raw step, multi-instance stage of 145 units",
    "rest_health": "GET /health: HTTP + Flask + SELECT 1, no token (the floor)",
    "rest_start": "POST /instances (chain), 1 client",
    "rest_complete": "POST /tasks/{id}/complete (chain), 1 client",
    "rest_task_list_instance": "GET /tasks?instance= (chain), 1 client",
    "rest_start_4c": "POST /instances (chain), 4 concurrent clients",
    "rest_complete_4c": "POST /tasks/{id}/complete (chain), 4 concurrent clients",
    "rest_task_list_instance_4c": "GET /tasks?instance= (chain), 4 concurrent clients",
    "rest_start_units_16": "POST /instances, 16 units",
    "rest_complete_units_16": "complete one unit's copy, 16-unit stage",
    "rest_start_units_145": "POST /instances, 145 units",
    "rest_complete_units_145": "complete one unit's copy, 145-unit stage",
    "rest_complete_empty": "complete (chain), fresh instances, empty database (asked in turn with the next)",
    "rest_complete_stored": "complete (chain), fresh instances, many instances stored",
    "rest_task_page_empty": "GET /tasks as the clerk, empty database (no items)",
    "rest_task_page_stored": "GET /tasks as the clerk, first 100 of ~100k ready tasks",
    "rest_start_bulk": "POST /instances while filling for the RSS figure, 4 clients",
}


def figure(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p90 = ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p90_ms": round(p90 * 1000, 3),
        "n": len(ordered),
        # not barred, but they show a cost the median hides (e.g. one slow step per stage)
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def build(samples: dict[str, list[float]], rss: dict, meta: dict) -> dict:
    results: dict = {name: figure(values) for name, values in samples.items() if values}
    ratios = {}
    for name, top, bottom, bar in RATIOS:
        if top in results and bottom in results:
            value = results[top]["median_ms"] / results[bottom]["median_ms"]
            of_means = results[top]["mean_ms"] / results[bottom]["mean_ms"]
            ratios[name] = {
                "value": round(value, 2),
                "bar": bar,
                "pass": value <= bar,
                "of_means": round(of_means, 2),
            }
    after = rss["after_instances"]
    results["ratios"] = ratios
    results[f"rss_mb_after_{after}"] = round(rss["after_mb"], 1)
    results["rss"] = {
        **{k: round(v, 1) if isinstance(v, float) else v for k, v in rss.items()},
        "bar_mb": RSS_BAR_MB,
        "pass": rss["after_mb"] <= RSS_BAR_MB,
    }
    results["meta"] = meta
    return results


def write(results: dict, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def table(results: dict) -> str:
    lines = [f"{'figure':<27} {'median':>7} {'p90':>7} {'mean':>7} {'max':>7} {'n':>6}  (ms)  what"]
    for name, value in results.items():
        if isinstance(value, dict) and "median_ms" in value:
            lines.append(
                f"{name:<27} {value['median_ms']:>7.2f} {value['p90_ms']:>7.2f} "
                f"{value['mean_ms']:>7.2f} {value['max_ms']:>7.1f} {value['n']:>6}  "
                f"{DESCRIPTIONS.get(name, '')}"
            )
    lines.append("")
    lines.append(
        f"{'ratio (of medians; of means for information)':<50} {'value':>6} {'bar':>5}  "
        f"verdict  {'of means':>8}"
    )
    for name, ratio in results["ratios"].items():
        lines.append(
            f"{name:<50} {ratio['value']:>6.2f} {ratio['bar']:>5.1f}  "
            f"{'pass' if ratio['pass'] else 'FAIL':<7}  {ratio['of_means']:>8.2f}"
        )
    rss = results["rss"]
    lines.append(
        f"{'worker RSS after ' + str(rss['after_instances']) + ' instances, MB':<50} "
        f"{rss['after_mb']:>6.1f} {rss['bar_mb']:>5.0f}  {'pass' if rss['pass'] else 'FAIL'}"
        f"   (at start {rss['start_mb']:.1f} MB; after restart with "
        f"{rss.get('stored_instances', '?')} stored {rss.get('restart_mb', 0):.1f} MB)"
    )
    meta = results.get("meta", {})
    raw, ours = meta.get("raw_state_bytes", {}), meta.get("engine_state_bytes", {})
    if raw:
        lines.append(
            "state bytes, raw SpiffWorkflow (spec included): "
            + ", ".join(f"{k} {v:,}" for k, v in raw.items())
        )
    if ours:
        lines.append(
            "state bytes, Kaoping's stored workflow_states (average): "
            + ", ".join(f"{k} {v:,}" for k, v in ours.items())
        )
    return "\n".join(lines)
