"""The sums behind the grades (Art. 7(5), 9): sources mixed by the plan's weights, a spot
check superseding the prefecture's own rating, and a prefecture weighted by its counties."""

from __future__ import annotations

import pytest

from assessment.sampling import stratified_sample
from assessment.scoring import five_year_reading, five_year_scores, score_counties, score_prefectures

WEIGHTS = {"responsibility": 25, "policy": 25, "work": 25, "results": 25}
SOURCES = {"self_assessment": 30, "routine": 30, "third_party": 40}
COUNTIES = [
    {"code": "530102", "name": "五华区", "prefecture": "530100", "category": "national_key"},
    {"code": "530103", "name": "盘龙区", "prefecture": "530100", "category": "other"},
]


def _ratings(code, value):
    return {"code": code, **{aspect: value for aspect in WEIGHTS}}


def test_sources_are_mixed_and_a_spot_check_supersedes_the_own_rating():
    scored = score_counties(
        COUNTIES,
        WEIGHTS,
        SOURCES,
        [{"code": "530100", "county_ratings": [_ratings("530102", 90), _ratings("530103", 70)]}],
        [
            {"scores": [{"code": "530102", "score": 80}, {"code": "530103", "score": 60}]},
            {"scores": [{"code": "530102", "score": 70}, {"code": "530103", "score": 80}]},
        ],
        {"county_scores": [{"code": "530102", "score": 85}], "serious": ["530103"]},
        [{"code": "530103", "verified_score": 50, "serious_return_to_poverty": False}],
    )
    wuhua, panlong = scored
    assert wuhua["score"] == pytest.approx((30 * 90 + 30 * 75 + 40 * 85) / 100)
    assert panlong["score"] == pytest.approx((30 * 50 + 30 * 70) / 60)  # no third-party score
    assert panlong["spot_checked"] and panlong["serious_return_to_poverty"]
    assert not wuhua["serious_return_to_poverty"]


def test_a_prefecture_is_weighted_by_its_counties_categories():
    counties = [
        {**COUNTIES[0], "score": 90.0, "serious_return_to_poverty": False},
        {**COUNTIES[1], "score": 60.0, "serious_return_to_poverty": False},
    ]
    [kunming] = score_prefectures(
        [{"code": "530100", "name": "昆明市"}],
        counties,
        {"national_key": 4, "other": 1},
        [{"code": "530100", "highlight": True}],
    )
    assert kunming["score"] == pytest.approx((4 * 90 + 1 * 60) / 5)
    assert kunming["highlight"] and not kunming["serious_return_to_poverty"]


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
