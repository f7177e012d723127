"""Combining the sources into scores (Art. 6, 7(5) comprehensive evaluation, Art. 9 weighting).
Every weight comes from the year's plan; the grades themselves are DMN decisions.

What is scored is the plan's indicator tree (Art. 6: the four aspects and their sub-items, each
indicator with a weight). For each county and each indicator, the sources that scored it are
mixed by the plan's `source_weights`: its prefecture's rating (`self_assessment`) — replaced, for
each indicator the province verified, by the spot check's verified score when the county was
spot-checked (Art. 7(4)) —, the mean of the departments that scored it (`routine`; a department
counts only on the indicators in its remit, Art. 7(3)), and the third party's score
(`third_party`; a single number in its report counts for every indicator). A source that did not
score an indicator is left out of that indicator's mix. The county's score is the
indicator-weighted mean of its indicators that have a score; beside it each county keeps
`scores` (each source's own indicator-weighted score), `aspects` (the four aspects', from their
indicators) and `indicators` (each indicator's mixed score).

A prefecture's score is (100 − `prefecture_own_weight`)% its counties' scores weighted by county
category (the plan's `category_weights`, Art. 9) and `prefecture_own_weight`% its own score on
the responsibility indicators it bears itself (党委和政府主体责任 and the others of the aspect):
per indicator the assessment team's verified rating from the field evaluation where it gave one,
else the prefecture's self-rating. Without an own score it is its counties' alone. It keeps
`counties_score`, `own_score` and `aspects` (its counties' aspects, weighted by category).

A serious-risk finding (返贫致贫问题突出和规模性风险较大, Art. 8) counts when it is confirmed: for a
county by the spot check or the third party's field evaluation, for a prefecture by any of its
counties' confirmed findings; a prefecture's own tick in its self-assessment alone is shown
(`serious_self_reported`) but confirms nothing. Where the plan's `serious_risk_rules_out_good`
says so (Art. 9), a confirmed finding sets `good_ruled_out`, which the grade tables read to cap
the grade below 好. A prefecture's `average_counties` counts its counties graded 一般, which the
prefecture table reads to refuse a highlight lift to 好 (Art. 9, 10)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from statistics import fmean
from typing import Any

ASPECTS = ("responsibility", "policy", "work", "results")
SOURCES = ("self_assessment", "routine", "third_party")
OWN_ASPECT = "responsibility"  # what a prefecture bears itself (plan.OWN_ASPECT)


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _mix(parts: Mapping[str, float | None], weights: Mapping[str, Any]) -> float | None:
    """The weighted mean of the parts present (and weighted); None if there are none."""
    present = {k: v for k, v in parts.items() if v is not None and _number(weights.get(k))}
    if not present:
        return None
    total = sum(float(weights[k]) for k in present)
    return sum(float(weights[k]) * v for k, v in present.items()) / total


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _rated(rows: Any) -> dict[str, float]:
    """Indicator scores by key, from form rows [{key, score}] or a mapping {key: score}; rows
    without a score are left out."""
    if isinstance(rows, Mapping):
        pairs: Iterable = rows.items()
    else:
        pairs = ((r.get("key"), r.get("score")) for r in rows or [] if isinstance(r, Mapping))
    return {str(k): s for k, v in pairs if k is not None and (s := _number(v)) is not None}


def score_counties(
    counties,
    indicators,
    source_weights,
    self_assessments,
    routine_evaluations,
    third_party_report,
    spot_checks,
    serious_risk_rules_out_good=False,
    departments=None,
) -> list[dict]:
    """Each county's score from the plan's `indicators` [{key, aspect, name, weight}]. A
    prefecture's ratings count for its own counties only; with the plan's `departments`
    [{key, indicators}] given, a department's scores count on the indicators in its remit only."""
    weight = {i["key"]: float(i.get("weight") or 0) for i in indicators}
    aspect_of = {i["key"]: i.get("aspect") for i in indicators}
    prefecture_of = {c["code"]: c.get("prefecture") for c in counties}
    ratings: dict[str, dict[str, float]] = {}
    for assessment in self_assessments or []:
        for row in assessment.get("county_ratings") or []:
            code = row.get("code")
            if assessment.get("code") and prefecture_of.get(code) not in (None, assessment["code"]):
                continue  # a prefecture rates its own counties
            ratings[code] = _rated(row.get("indicators"))
    remits = None if departments is None else {d["key"]: set(d.get("indicators") or ()) for d in departments}
    routine: dict[str, dict[str, list[float]]] = {}
    for evaluation in routine_evaluations or []:
        remit = None if remits is None else remits.get(evaluation.get("department"), set())
        for row in evaluation.get("scores") or []:
            for key, score in _rated(row.get("indicators")).items():
                if remit is None or key in remit:
                    routine.setdefault(row["code"], {}).setdefault(key, []).append(score)
    report = third_party_report or {}
    third: dict[str, dict[str, float]] = {}
    for row in report.get("county_scores") or []:
        given = row.get("indicators")
        if given is not None:
            third[row["code"]] = _rated(given)
        elif (single := _number(row.get("score"))) is not None:
            third[row["code"]] = dict.fromkeys(weight, single)  # one number counts for every indicator
    reported_serious = set(report.get("serious") or [])
    checks = {c["code"]: c for c in spot_checks or []}
    scored = []
    for county in counties:
        code, check = county["code"], checks.get(county["code"])
        verified = _rated(check.get("indicators")) if check else {}
        own, by_department, by_third = ratings.get(code, {}), routine.get(code, {}), third.get(code, {})
        by_source: dict[str, dict[str, float | None]] = {s: {} for s in SOURCES}
        mixed: dict[str, float | None] = {}
        for key in weight:
            parts = {
                "self_assessment": verified[key] if key in verified else own.get(key),
                "routine": fmean(by_department[key]) if by_department.get(key) else None,
                "third_party": by_third.get(key),
            }
            for source, value in parts.items():
                by_source[source][key] = value
            mixed[key] = _mix(parts, source_weights)
        serious = bool(check and check.get("serious_return_to_poverty")) or code in reported_serious
        scored.append(
            {
                **county,
                "score": _rounded(_mix(mixed, weight)) or 0.0,
                "scores": {s: _rounded(_mix(by_source[s], weight)) for s in SOURCES},
                "aspects": {
                    a: _rounded(_mix({k: v for k, v in mixed.items() if aspect_of[k] == a}, weight))
                    for a in ASPECTS
                },
                "indicators": {k: _rounded(v) for k, v in mixed.items()},
                "spot_checked": check is not None,
                "highlight": False,
                "serious_return_to_poverty": serious,
                "good_ruled_out": serious and bool(serious_risk_rules_out_good),
            }
        )
    return scored


def score_prefectures(
    prefectures,
    county_results,
    category_weights,
    self_assessments,
    serious_risk_rules_out_good=False,
    indicators=(),
    prefecture_own_weight=0,
    field_findings=None,
) -> list[dict]:
    """Prefectures from their counties, once the counties are graded (`county_results`), and
    from their own responsibility indicators: the team's verified `prefecture_ratings` of the
    field evaluation (`field_findings`) where given, else the self-assessment's `own_ratings`."""
    own = {a["code"]: a for a in self_assessments or []}
    own_weight = {
        i["key"]: float(i.get("weight") or 0) for i in indicators or [] if i.get("aspect") == OWN_ASPECT
    }
    verified = {
        row.get("code"): _rated(row.get("indicators"))
        for row in (field_findings or {}).get("prefecture_ratings") or []
    }
    share = min(max(_number(prefecture_own_weight) or 0.0, 0.0), 100.0) / 100
    by_prefecture: dict[str, list[dict]] = {}
    for county in county_results:
        by_prefecture.setdefault(county["prefecture"], []).append(county)
    scored = []
    for prefecture in prefectures:
        code = prefecture["code"]
        counties = by_prefecture.get(code, [])
        weight = {c["code"]: float(category_weights.get(c["category"], 1)) for c in counties}
        assessment = own.get(code, {})
        counties_score = _mix({c["code"]: c["score"] for c in counties}, weight)
        self_rated, team_rated = _rated(assessment.get("own_ratings")), verified.get(code, {})
        own_score = _mix(
            {k: team_rated[k] if k in team_rated else self_rated.get(k) for k in own_weight}, own_weight
        )
        if own_score is None or not share:
            score = counties_score
        elif counties_score is None:
            score = own_score
        else:
            score = (1 - share) * counties_score + share * own_score
        serious = any(c["serious_return_to_poverty"] for c in counties)
        scored.append(
            {
                "code": code,
                "name": prefecture["name"],
                "score": _rounded(score) or 0.0,
                "counties_score": _rounded(counties_score),
                "own_score": _rounded(own_score),
                "aspects": {
                    a: _rounded(_mix({c["code"]: (c.get("aspects") or {}).get(a) for c in counties}, weight))
                    for a in ASPECTS
                },
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
