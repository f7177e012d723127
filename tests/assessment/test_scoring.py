"""The sums behind the grades (Art. 6, 7(5), 9): each indicator's sources mixed by the plan's
weights, a spot check superseding the prefecture's own rating indicator by indicator, the
departments counting on their remit only, and a prefecture weighted by its counties' categories
and its own responsibility."""

from __future__ import annotations

import pytest

from assessment.sampling import stratified_sample
from assessment.scoring import five_year_reading, five_year_scores, score_counties, score_prefectures

# A small tree: two indicators of responsibility, one each of policy and results (work has none).
INDICATORS = [
    {"key": "party_government", "aspect": "responsibility", "name": "党委和政府主体责任", "weight": 20},
    {"key": "oversight", "aspect": "responsibility", "name": "监管责任", "weight": 20},
    {"key": "livelihood", "aspect": "policy", "name": "民生保障普惠性政策", "weight": 30},
    {"key": "income", "aspect": "results", "name": "收入增幅", "weight": 30},
]
KEYS = [i["key"] for i in INDICATORS]
SOURCES = {"self_assessment": 30, "routine": 30, "third_party": 40}
COUNTIES = [
    {"code": "530102", "name": "五华区", "prefecture": "530100", "category": "national_key"},
    {"code": "530103", "name": "盘龙区", "prefecture": "530100", "category": "other"},
]
DEPARTMENTS = [
    {"key": "education", "indicators": ["livelihood"]},
    {"key": "statistics", "indicators": ["income"]},
]


def _rows(scores: dict) -> list[dict]:
    return [{"key": k, "name": k, "score": v} for k, v in scores.items()]


def _rating(code, value=None, **scores):
    return {"code": code, "indicators": _rows({k: scores.get(k, value) for k in KEYS})}


def _assessment(*ratings, code="530100", **extra):
    return {"code": code, "county_ratings": list(ratings), **extra}


def _score(**kwargs):
    args = {
        "counties": COUNTIES,
        "indicators": INDICATORS,
        "source_weights": SOURCES,
        "self_assessments": [],
        "routine_evaluations": [],
        "third_party_report": None,
        "spot_checks": [],
        **kwargs,
    }
    return {c["code"]: c for c in score_counties(**args)}


def test_sources_are_mixed_and_a_spot_check_supersedes_the_own_rating():
    scored = score_counties(
        COUNTIES,
        INDICATORS,
        SOURCES,
        [_assessment(_rating("530102", 90), _rating("530103", 70))],
        [
            {"department": "a", "scores": [{"code": c, "indicators": _rows(dict.fromkeys(KEYS, s))}]}
            for c, s in (("530102", 80), ("530103", 60), ("530102", 70), ("530103", 80))
        ],
        {"county_scores": [{"code": "530102", "score": 85}], "serious": ["530103"]},
        [
            {
                "code": "530103",
                "indicators": _rows(dict.fromkeys(KEYS, 50)),
                "serious_return_to_poverty": False,
            }
        ],
    )
    wuhua, panlong = scored
    assert wuhua["score"] == pytest.approx((30 * 90 + 30 * 75 + 40 * 85) / 100)
    assert panlong["score"] == pytest.approx((30 * 50 + 30 * 70) / 60)  # no third-party score
    assert wuhua["scores"] == {"self_assessment": 90, "routine": 75, "third_party": 85}
    assert panlong["scores"] == {"self_assessment": 50, "routine": 70, "third_party": None}
    assert panlong["spot_checked"] and panlong["serious_return_to_poverty"]
    assert not wuhua["serious_return_to_poverty"]


def test_each_indicator_mixes_the_sources_that_scored_it():
    """The department scored only income; the third party only the two results-side
    indicators: each indicator is mixed from its own sources, then weighted by the plan."""
    scored = _score(
        counties=COUNTIES[:1],
        self_assessments=[_assessment(_rating("530102", 80))],
        routine_evaluations=[
            {"department": "statistics", "scores": [{"code": "530102", "indicators": _rows({"income": 60})}]}
        ],
        third_party_report={
            "county_scores": [{"code": "530102", "indicators": {"income": 100, "livelihood": 90}}]
        },
    )["530102"]
    income = (30 * 80 + 30 * 60 + 40 * 100) / 100
    livelihood = (30 * 80 + 40 * 90) / 70
    assert scored["indicators"] == {
        "party_government": 80,
        "oversight": 80,
        "livelihood": pytest.approx(round(livelihood, 2)),
        "income": pytest.approx(income),
    }
    assert scored["score"] == pytest.approx(
        round((20 * 80 + 20 * 80 + 30 * livelihood + 30 * income) / 100, 2)
    )
    assert scored["aspects"] == {
        "responsibility": 80,
        "policy": pytest.approx(round(livelihood, 2)),
        "work": None,  # the plan gives work no indicator here: no score, not 0
        "results": pytest.approx(income),
    }
    # each source's own score, over the indicators it scored
    assert scored["scores"] == {"self_assessment": 80, "routine": 60, "third_party": pytest.approx(95)}


def test_the_spot_check_replaces_the_prefectures_rating_indicator_by_indicator():
    check = {
        "code": "530102",
        "indicators": [{"key": "party_government", "score": 40}, {"key": "income", "score": 50}],
    }
    scored = _score(
        self_assessments=[_assessment(_rating("530102", 90), _rating("530103", 90))],
        spot_checks=[check],
    )
    wuhua, panlong = scored["530102"], scored["530103"]
    assert wuhua["spot_checked"] and not panlong["spot_checked"]
    # verified where the team scored, the prefecture's rating where it did not
    assert wuhua["indicators"] == {"party_government": 40, "oversight": 90, "livelihood": 90, "income": 50}
    assert wuhua["score"] == pytest.approx((20 * 40 + 20 * 90 + 30 * 90 + 30 * 50) / 100)
    assert panlong["score"] == 90


def test_a_spot_check_without_indicator_scores_keeps_the_prefectures_rating():
    scored = _score(
        self_assessments=[_assessment(_rating("530102", 88))],
        spot_checks=[{"code": "530102", "serious_return_to_poverty": True}],
    )["530102"]
    assert scored["score"] == 88 and scored["spot_checked"] and scored["serious_return_to_poverty"]


def test_departments_count_on_the_indicators_in_their_remit_only():
    outside = _rows({"party_government": 0, "livelihood": 70, "income": 0})
    evaluations = [
        {"department": "education", "scores": [{"code": "530102", "indicators": outside}]},
        {"department": "unknown", "scores": [{"code": "530102", "indicators": _rows({"livelihood": 0})}]},
        {"department": "statistics", "scores": [{"code": "530102", "indicators": _rows({"income": 90})}]},
    ]
    scored = _score(counties=COUNTIES[:1], routine_evaluations=evaluations, departments=DEPARTMENTS)["530102"]
    assert scored["indicators"] == {
        "party_government": None,
        "oversight": None,
        "livelihood": 70,
        "income": 90,
    }
    assert scored["score"] == pytest.approx((30 * 70 + 30 * 90) / 60)
    # without the plan's departments every score a department gave counts
    unchecked = _score(counties=COUNTIES[:1], routine_evaluations=evaluations[2:])["530102"]
    assert unchecked["indicators"]["income"] == 90


def test_the_routine_source_is_the_mean_of_the_departments_that_scored_the_indicator():
    evaluations = [
        {"department": "education", "scores": [{"code": "530102", "indicators": _rows({"livelihood": 60})}]},
        {"department": "health", "scores": [{"code": "530102", "indicators": _rows({"livelihood": 80})}]},
    ]
    departments = [*DEPARTMENTS, {"key": "health", "indicators": ["livelihood"]}]
    scored = _score(counties=COUNTIES[:1], routine_evaluations=evaluations, departments=departments)["530102"]
    assert scored["indicators"]["livelihood"] == 70 and scored["score"] == 70


def test_a_prefecture_rates_its_own_counties_only():
    intruder = _assessment(_rating("530102", 10), code="530300")
    scored = _score(counties=COUNTIES[:1], self_assessments=[_assessment(_rating("530102", 90)), intruder])
    assert scored["530102"]["score"] == 90


def test_a_county_nobody_scored_scores_zero():
    scored = _score(counties=COUNTIES[:1])["530102"]
    assert scored["score"] == 0.0 and scored["scores"] == dict.fromkeys(SOURCES)


def _graded(*scores):
    return [
        {**county, "score": score, "aspects": {"policy": score}, "serious_return_to_poverty": False}
        for county, score in zip(COUNTIES, scores, strict=True)
    ]


def test_a_prefecture_is_weighted_by_its_counties_categories():
    [kunming] = score_prefectures(
        [{"code": "530100", "name": "昆明市"}],
        _graded(90.0, 60.0),
        {"national_key": 4, "other": 1},
        [{"code": "530100", "highlight": True}],
    )
    assert kunming["score"] == pytest.approx((4 * 90 + 1 * 60) / 5)
    assert kunming["highlight"] and not kunming["serious_return_to_poverty"]
    assert kunming["aspects"]["policy"] == kunming["score"]


def test_a_prefectures_own_responsibility_is_its_share_of_its_score():
    own_ratings = _rows({"party_government": 70, "oversight": 90})
    findings = {"prefecture_ratings": [{"code": "530100", "indicators": [{"key": "oversight", "score": 50}]}]}

    def kunming(assessment, field_findings=None, own_weight=20):
        [row] = score_prefectures(
            [{"code": "530100", "name": "昆明市"}],
            _graded(90.0, 60.0),
            {"national_key": 4, "other": 1},
            [assessment],
            indicators=INDICATORS,
            prefecture_own_weight=own_weight,
            field_findings=field_findings,
        )
        return row

    counties = (4 * 90 + 1 * 60) / 5
    self_rated = kunming({"code": "530100", "own_ratings": own_ratings})
    assert self_rated["own_score"] == 80 and self_rated["counties_score"] == counties
    assert self_rated["score"] == pytest.approx(0.8 * counties + 0.2 * 80)
    # the team's verified rating replaces the self-rating where it gave one
    verified = kunming({"code": "530100", "own_ratings": own_ratings}, findings)
    assert verified["own_score"] == 60
    assert verified["score"] == pytest.approx(0.8 * counties + 0.2 * 60)
    # verified alone, without a self-rating
    assert kunming({"code": "530100"}, findings)["own_score"] == 50
    # neither: the counties alone
    alone = kunming({"code": "530100"})
    assert alone["own_score"] is None and alone["score"] == counties
    # a share of 0 leaves the own score out
    assert kunming({"code": "530100", "own_ratings": own_ratings}, own_weight=0)["score"] == counties


def test_a_confirmed_finding_in_a_county_rules_out_good_for_its_prefecture():
    counties = _graded(90.0, 60.0)
    counties[1] = {**counties[1], "serious_return_to_poverty": True, "grade": "一般"}
    [kunming] = score_prefectures(
        [{"code": "530100", "name": "昆明市"}],
        counties,
        {"national_key": 4, "other": 1},
        [{"code": "530100", "serious_return_to_poverty": False}],
        True,
    )
    assert kunming["serious_return_to_poverty"] and kunming["good_ruled_out"]
    assert kunming["average_counties"] == 1 and not kunming["serious_self_reported"]


def test_the_five_year_score_sets_the_annual_scores_side_by_side():
    annual = {
        "2021": [{"code": "530100", "score": 80.0}],
        "2022": [{"code": "530100", "score": 90.0}],
        "2023": [],
    }
    [row] = five_year_scores([{"code": "530100", "name": "昆明市"}], annual, [])
    assert row["annual_scores"] == {"2021": 80.0, "2022": 90.0, "2023": None}
    assert row["score"] == 85.0
    assert row["missing_years"] == ["2023"] and row["years_averaged"] == 2


def test_a_unit_with_no_published_year_is_not_graded_and_is_named():
    """Nothing published for a unit used to average to 0.0, which the DMN grades 一般."""
    years = [2024, 2025]
    annual = {"2024": [], "2025": [{"code": "530100", "score": 88.0}]}
    read = five_year_reading(
        years,
        [{"code": "530100", "name": "昆明市"}, {"code": "530300", "name": "曲靖市"}],
        [],
        annual,
        {"2024": [], "2025": []},
        [],
    )
    assert [p["code"] for p in read["prefectures"]] == ["530100"]
    assert read["missing_years"] == ["2024"]
    assert read["ungraded"] == [{"level": "prefecture", "code": "530300", "name": "曲靖市"}]


def test_the_sample_is_stratified_and_reproducible():
    counties = [
        {
            "code": f"53{n:04d}",
            "name": str(n),
            "prefecture": "530100",
            "category": ("national_key", "other")[n % 2],
        }
        for n in range(40)
    ]
    first = stratified_sample(counties, 0.25, seed=7)
    assert first == stratified_sample(list(reversed(counties)), 0.25, seed=7)
    assert [c["category"] for c in first].count("national_key") == 5
    assert first != stratified_sample(counties, 0.25, seed=8)
    with pytest.raises(ValueError):
        stratified_sample(counties, 0, seed=7)
