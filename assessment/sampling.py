"""Spot-check sampling (抽考核实, Art. 7(4)): stratified by county category at the plan's
ratio, reproducible from a seed that the audit trail records with the resulting list.

To recompute a sample: take the plan's counties, group them by category, sort each group by
code, and in each group draw `max(1, round(len(group) * ratio))` counties with
`random.Random(f"{seed}:{category}").sample(group, k)`; the sample is the union, by code."""

from __future__ import annotations

import random
import secrets


def new_seed() -> int:
    return secrets.randbits(32)


def stratified_sample(counties: list[dict], ratio: float, seed: int) -> list[dict]:
    if not 0 < ratio <= 1:
        raise ValueError("the sampling ratio is a fraction in (0, 1]")
    strata: dict[str, list[dict]] = {}
    for county in sorted(counties, key=lambda c: c["code"]):
        strata.setdefault(county["category"], []).append(county)
    drawn = []
    for category in sorted(strata):
        group = strata[category]
        k = min(len(group), max(1, round(len(group) * ratio)))
        drawn.extend(random.Random(f"{seed}:{category}").sample(group, k))
    return sorted(
        (
            {"code": c["code"], "name": c["name"], "prefecture": c["prefecture"], "category": c["category"]}
            for c in drawn
        ),
        key=lambda c: c["code"],
    )
