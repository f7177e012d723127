"""Combining the sources into scores (Art. 7(5) comprehensive evaluation, Art. 9 weighting).
Every weight comes from the year's plan; the grades themselves are DMN decisions.

A county's score mixes three sources by the plan's `source_weights`: its prefecture's rating
(the four aspects of Art. 6 mixed by the plan's `weights`) — replaced by the province's verified
score when the county was spot-checked —, the mean of the departments' routine scores, and the
third party's score (missing sources are left out of the mix). A prefecture's score is the mean
of its counties' scores weighted by county category (the plan's `category_weights`).

A serious-risk finding (返贫致贫问题突出和规模性风险较大, Art. 8) counts when it is confirmed: for a
county by the spot check or the third party's field evaluation, for a prefecture by any of its
counties' confirmed findings; a prefecture's own tick in its self-assessment alone is shown
(`serious_self_reported`) but confirms nothing. Where the plan's `serious_risk_rules_out_good`
says so (Art. 9), a confirmed finding sets `good_ruled_out`, which the grade tables read to cap
the grade below 好. A prefecture's `average_counties` counts its counties graded 一般, which the
prefecture table reads to refuse a highlight lift to 好 (Art. 9, 10)."""

from __future__ import annotations

from statistics import fmean

ASPECTS = ("responsibility", "policy", "work", "results")


def _mix(parts: dict[str, float | None], weights: dict[str, float]) -> float:
    present = {k: v for k, v in parts.items() if v is not None and weights.get(k)}
    if not present:
        return 0.0
    total = sum(weights[k] for k in present)
    return round(sum(weights[k] * v for k, v in present.items()) / total, 2)


def score_counties(
    counties,
    weights,
    source_weights,
    self_assessments,
    routine_evaluations,
    third_party_report,
    spot_checks,
    serious_risk_rules_out_good=False,
) -> list[dict]:
    ratings = {r["code"]: r for a in self_assessments or [] for r in a.get("county_ratings", [])}
    routine: dict[str, list[float]] = {}
    for evaluation in routine_evaluations or []:
        for row in evaluation.get("scores", []):
            routine.setdefault(row["code"], []).append(float(row["score"]))
    report = third_party_report or {}
    third = {row["code"]: float(row["score"]) for row in report.get("county_scores", [])}
    reported_serious = set(report.get("serious", []))
    checks = {c["code"]: c for c in spot_checks or []}
    scored = []
    for county in counties:
        code, check = county["code"], checks.get(county["code"])
        own = ratings.get(code)
        self_score = _mix({a: own.get(a) for a in ASPECTS}, weights) if own else None
        parts = {
            "self_assessment": float(check["verified_score"]) if check else self_score,
            "routine": round(fmean(routine[code]), 2) if routine.get(code) else None,
            "third_party": third.get(code),
        }
        serious = bool(check and check.get("serious_return_to_poverty")) or code in reported_serious
        scored.append(
            {
                **county,
                "score": _mix(parts, source_weights),
                "scores": parts,
                "spot_checked": check is not None,
                "highlight": False,
                "serious_return_to_poverty": serious,
                "good_ruled_out": serious and bool(serious_risk_rules_out_good),
            }
        )
    return scored


def score_prefectures(
    prefectures, county_results, category_weights, self_assessments, serious_risk_rules_out_good=False
) -> list[dict]:
    """Prefectures from their counties, once the counties are graded (`county_results`)."""
    own = {a["code"]: a for a in self_assessments or []}
    by_prefecture: dict[str, list[dict]] = {}
    for county in county_results:
        by_prefecture.setdefault(county["prefecture"], []).append(county)
    scored = []
    for prefecture in prefectures:
        counties = by_prefecture.get(prefecture["code"], [])
        weight = {c["code"]: float(category_weights.get(c["category"], 1)) for c in counties}
        total = sum(weight.values()) or 1.0
        assessment = own.get(prefecture["code"], {})
        serious = any(c["serious_return_to_poverty"] for c in counties)
        scored.append(
            {
                "code": prefecture["code"],
                "name": prefecture["name"],
                "score": round(sum(weight[c["code"]] * c["score"] for c in counties) / total, 2),
                "highlight": bool(assessment.get("highlight")),
                "serious_return_to_poverty": serious,
                "serious_self_reported": bool(assessment.get("serious_return_to_poverty")),
                "good_ruled_out": serious and bool(serious_risk_rules_out_good),
                "average_counties": sum(1 for c in counties if c.get("grade") == "一般"),
            }
        )
    return scored


def five_year_scores(
    units, annual: dict[str, list[dict]], five_year_assessments=(), serious_risk_rules_out_good=False
) -> list[dict]:
    """The transition evaluation: each unit's (prefecture's or county's) annual scores 2021–2025
        side by side, read from the published results, and their mean over the years it has a
        published score for. A year without one is named (`missing_years`), never averaged as 0;
        a unit with no published year at all gets no score (None), so it is not graded. The five-year
    self-assessment's serious-risk tick is the only finding this evaluation has; where the plan rules
    out 好 for it, it does (`good_ruled_out`), as its consequences follow it (Art. 8, 9)."""
    own = {a["code"]: a for a in five_year_assessments or []}
    scored = []
    for unit in units:
        by_year = {
            year: next((r["score"] for r in rows if r["code"] == unit["code"]), None)
            for year, rows in sorted(annual.items())
        }
        present = [s for s in by_year.values() if s is not None]
        assessment = own.get(unit["code"], {})
        serious = bool(assessment.get("serious_return_to_poverty"))
        scored.append(
            {
                **unit,
                "annual_scores": by_year,
                "score": round(fmean(present), 2) if present else None,
                "years_averaged": len(present),
                "missing_years": [year for year, s in by_year.items() if s is None],
                "highlight": bool(assessment.get("highlight")),
                "serious_return_to_poverty": serious,
                "good_ruled_out": serious and bool(serious_risk_rules_out_good),
            }
        )
    return scored


def five_year_reading(
    years,
    prefectures,
    counties,
    annual,
    annual_counties,
    five_year_assessments,
    serious_risk_rules_out_good=False,
) -> dict:
    """What the five-year evaluation reads, when it reads: the units it can grade, the years
    with no published results at all, and the units with none in any year (not graded)."""
    scored = {
        "prefecture": five_year_scores(
            prefectures, annual, five_year_assessments, serious_risk_rules_out_good
        ),
        "county": five_year_scores(counties, annual_counties, (), serious_risk_rules_out_good),
    }
    return {
        "prefectures": [u for u in scored["prefecture"] if u["score"] is not None],
        "counties": [u for u in scored["county"] if u["score"] is not None],
        "missing_years": [
            str(y) for y in years if not annual.get(str(y)) and not annual_counties.get(str(y))
        ],
        "ungraded": [
            {"level": level, "code": u["code"], "name": u["name"]}
            for level, units in scored.items()
            for u in units
            if u["score"] is None
        ],
    }


def name_missing_years(units: list[dict]) -> list[dict]:
    """A graded five-year unit with its missing years among its result flags, where the
    published row and its export show them beside the consequences."""
    return [
        {**u, "flags": {**(u.get("flags") or {}), "missing_years": u.get("missing_years", [])}} for u in units
    ]
