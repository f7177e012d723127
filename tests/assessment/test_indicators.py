"""What is scored (Art. 6): the plan's indicator tree, the server's check of the plan the office
submits, what each scoring task is offered, and the scoring forms (nested dynamiclists) that
carry it."""

from __future__ import annotations

import copy
import random
from pathlib import Path

import pytest

from assessment import plan
from assessment.categories import load_categories
from assessment.divisions import load_divisions
from engine.config import PROJECT_ROOT
from forms.generate import generate
from forms.schema import parse_form
from forms.validation import FormInvalid, validate_submission

DIVISIONS = load_divisions(PROJECT_ROOT / "processes" / "data" / "yunnan-divisions.json")
CATEGORIES = load_categories(PROJECT_ROOT / "processes" / "data" / "yunnan-county-categories.json")
FORMS = PROJECT_ROOT / "forms"


@pytest.fixture(scope="module")
def shipped() -> dict:
    return plan.example_plan(DIVISIONS, 2021, CATEGORIES)


def _form(name: str) -> dict:
    return parse_form((FORMS / f"{name}.json").read_bytes())


# -- the shipped tree ---------------------------------------------------------------------------


def test_the_tree_has_the_four_aspects_and_art_6s_sub_items(shipped):
    indicators = shipped["indicators"]
    keys = [i["key"] for i in indicators]
    assert len(keys) == len(set(keys))
    assert [a for a in plan.ASPECTS if any(i["aspect"] == a for i in indicators)] == list(plan.ASPECTS)
    by_key = {i["key"]: i for i in indicators}
    assert by_key["party_government"]["name"].startswith("党委和政府主体责任 / ")
    assert by_key["fund_performance"]["name"].startswith("资金绩效评价 / ")
    assert by_key["fund_performance"]["aspect"] == "policy"
    names = {i["name"].split(" / ")[0] for i in indicators}
    for item in (
        "行业部门主管责任",
        "帮扶责任",
        "监管责任",
        "易地扶贫搬迁后续扶持",
        "就业帮扶",
        "产业帮扶",
        "群众认可度",
    ):
        assert item in names
    assert all(" / " in i["name"] for i in indicators)  # bilingual, Chinese first
    assert sum(i["weight"] for i in indicators) == 100


def test_the_aspect_weights_are_the_sums_of_their_indicators(shipped):
    assert shipped["weights"] == {"responsibility": 25, "policy": 25, "work": 25, "results": 25}
    changed = [{**i, "weight": 10} if i["key"] == "income" else i for i in shipped["indicators"]]
    assert plan.aspect_weights(changed)["results"] == 28
    assert plan.aspect_weights([{"key": "x", "aspect": "work", "weight": 2.5}]) == {
        "responsibility": 0,
        "policy": 0,
        "work": 2.5,
        "results": 0,
    }


def test_each_department_scores_its_remit(shipped):
    remit = {d["key"]: d["indicators"] for d in shipped["departments"]}
    keys = {i["key"] for i in shipped["indicators"]}
    assert all(remit.values()) and all(set(r) <= keys for r in remit.values())
    assert "fund_performance" in remit["finance"] and "services" in remit["finance"]
    assert remit["statistics"] == ["income"]
    assert remit["civil_affairs"] == ["safety_net"]
    for key in ("education", "health", "housing", "water"):
        assert set(remit[key]) == {"livelihood", "basic_needs"}
    assert 0 < shipped["prefecture_own_weight"] < 100


# -- check_plan -----------------------------------------------------------------------------------


def test_the_shipped_plan_passes_the_check(shipped):
    assert plan.check_plan(shipped, {}) == {}
    assert plan.check_plan({}, shipped) == {}  # what the submission leaves out is read from the task


def test_indicator_weights_not_totalling_100_are_refused(shipped):
    submitted = copy.deepcopy(shipped)
    submitted["indicators"][3]["weight"] = 6  # 5 → 6: 101
    errors = plan.check_plan(submitted, shipped)
    assert list(errors) == ["indicators"]
    assert "100" in errors["indicators"][0] and "101" in errors["indicators"][0]
    submitted["indicators"][4]["weight"] = 5  # 6 → 5: 100 again
    assert plan.check_plan(submitted, shipped) == {}


def test_source_weights_not_totalling_100_are_refused(shipped):
    errors = plan.check_plan(
        {"source_weights": {"self_assessment": 30, "routine": 30, "third_party": 30}}, shipped
    )
    assert list(errors) == ["source_weights"]
    assert " / " in errors["source_weights"][0]  # bilingual


def test_indicator_keys_aspects_and_department_remits_are_checked(shipped):
    indicators = copy.deepcopy(shipped["indicators"])
    indicators[1]["key"] = indicators[0]["key"]
    indicators[2]["aspect"] = "elsewhere"
    indicators[3]["weight"] = -1
    indicators[4]["weight"] += 6  # keeps the sum at 100
    departments = copy.deepcopy(shipped["departments"])
    departments[0]["indicators"] = ["livelihood", "nowhere"]
    departments[1]["indicators"] = []
    departments[2]["key"] = departments[3]["key"]
    errors = plan.check_plan({"indicators": indicators, "departments": departments}, shipped)
    assert set(errors) == {
        "indicators[1].key",
        "indicators[2].aspect",
        "indicators[3].weight",
        "departments[0].indicators",
        "departments[1].indicators",
        "departments[3].key",
    }
    assert "nowhere" in errors["departments[0].indicators"][0]


def test_every_aspect_needs_an_indicator(shipped):
    kept = [i for i in shipped["indicators"] if i["aspect"] != "work"]
    kept[0] = {**kept[0], "weight": kept[0]["weight"] + 25}
    departments = [
        {**d, "indicators": [k for k in d["indicators"] if k in {i["key"] for i in kept}] or ["income"]}
        for d in shipped["departments"]
    ]
    errors = plan.check_plan({"indicators": kept, "departments": departments}, shipped)
    assert list(errors) == ["indicators"] and "工作落实" in errors["indicators"][0]
    assert plan.check_plan({"indicators": []}, shipped)["indicators"] == [
        "须列出考核评估指标 / the plan needs its indicators"
    ]


def test_categories_and_the_own_share_are_checked(shipped):
    counties = copy.deepcopy(shipped["counties"])
    counties[5]["category"] = "somewhere"
    errors = plan.check_plan(
        {
            "counties": counties,
            "category_weights": {"national_key": 4, "unknown": 1},
            "prefecture_own_weight": 120,
        },
        shipped,
    )
    assert set(errors) == {"counties[5].category", "category_weights", "prefecture_own_weight"}


# -- what each task is offered ------------------------------------------------------------------


def test_each_scoring_task_is_offered_its_rows_with_names(shipped):
    indicators = shipped["indicators"]
    prefectures = plan.prefectures_of(DIVISIONS, shipped["counties"])
    own = [i["key"] for i in indicators if i["aspect"] == "responsibility"]
    every = [i["key"] for i in indicators]
    names = {i["key"]: i["name"] for i in indicators}

    assessments = plan.self_assessments_due(prefectures, indicators)
    assert [a["code"] for a in assessments] == [p["code"] for p in prefectures]
    kunming = assessments[0]
    assert [r["key"] for r in kunming["own_ratings"]] == own
    assert all(r["name"] == names[r["key"]] for r in kunming["own_ratings"])
    assert [c["code"] for c in kunming["county_ratings"]] == [c["code"] for c in prefectures[0]["counties"]]
    assert all([r["key"] for r in c["indicators"]] == every for c in kunming["county_ratings"])
    assert set(kunming["county_ratings"][0]) == {"code", "name", "indicators"}

    evaluations = {
        e["department"]: e
        for e in plan.routine_evaluations_due(shipped["departments"], shipped["counties"], indicators)
    }
    finance = evaluations["finance"]["scores"]
    assert len(finance) == len(shipped["counties"])
    assert [r["key"] for r in finance[0]["indicators"]] == [
        "services",
        "fund_performance",
    ]  # the plan's order
    assert finance[0]["indicators"][1] == {"key": "fund_performance", "name": names["fund_performance"]}

    findings = plan.field_findings_due(prefectures, indicators)
    assert [r["code"] for r in findings["prefecture_ratings"]] == [p["code"] for p in prefectures]
    assert all([r["key"] for r in p["indicators"]] == own for p in findings["prefecture_ratings"])

    sample = plan.spot_checks_due(shipped["counties"][:2], indicators)
    assert sample[0]["code"] == shipped["counties"][0]["code"] and sample[0]["prefecture"]
    assert [r["key"] for r in sample[1]["indicators"]] == every
    sample[0]["indicators"][0]["score"] = 1  # each row is its own, not shared
    assert "score" not in sample[1]["indicators"][0]


# -- the forms ------------------------------------------------------------------------------------


def _offered(shipped) -> dict[str, dict]:
    indicators = shipped["indicators"]
    prefectures = plan.prefectures_of(DIVISIONS, shipped["counties"][:12])
    return {
        "annual-plan": shipped,
        "self-assessment": {"assessment": plan.self_assessments_due(prefectures, indicators)[0]},
        "routine-evaluation": {
            "evaluation": plan.routine_evaluations_due(
                shipped["departments"], shipped["counties"][:3], indicators
            )[8]
        },
        "field-findings": {"findings": plan.field_findings_due(prefectures, indicators)},
        "spot-check": {"check": plan.spot_checks_due(shipped["counties"][:1], indicators)[0]},
    }


@pytest.mark.parametrize(
    "name", ["annual-plan", "self-assessment", "routine-evaluation", "field-findings", "spot-check"]
)
def test_generated_submissions_of_the_offered_data_validate_and_keep_the_rows(shipped, name):
    form, offered = _form(name), _offered(shipped)[name]
    for seed in range(5):
        data = generate(form, offered, rng=random.Random(seed))
        cleaned = validate_submission(form, data)
        if name == "annual-plan":
            assert cleaned["indicators"] == shipped["indicators"]
            assert cleaned["departments"] == shipped["departments"]
            assert plan.check_plan(cleaned, shipped) == {}


def test_the_self_assessment_rates_the_prefecture_and_each_county_on_every_indicator(shipped):
    form, offered = _form("self-assessment"), _offered(shipped)["self-assessment"]
    cleaned = validate_submission(form, generate(form, offered, rng=random.Random(1)))["assessment"]
    assert [r["key"] for r in cleaned["own_ratings"]] == [
        r["key"] for r in offered["assessment"]["own_ratings"]
    ]
    for row, given in zip(cleaned["county_ratings"], offered["assessment"]["county_ratings"], strict=True):
        assert (row["code"], row["name"]) == (given["code"], given["name"])
        assert [(r["key"], r["name"]) for r in row["indicators"]] == [
            (r["key"], r["name"]) for r in given["indicators"]
        ]
        assert all(0 <= r["score"] <= 100 for r in row["indicators"])


def test_a_missing_score_in_a_nested_row_is_refused_at_its_path(shipped):
    form, offered = _form("self-assessment"), _offered(shipped)["self-assessment"]
    data = generate(form, offered, rng=random.Random(2))
    del data["assessment"]["county_ratings"][1]["indicators"][3]["score"]
    data["assessment"]["own_ratings"][0]["score"] = 101
    with pytest.raises(FormInvalid) as caught:
        validate_submission(form, data)
    assert set(caught.value.errors) == {
        "assessment.county_ratings[1].indicators[3].score",
        "assessment.own_ratings[0].score",
    }


def test_the_routine_evaluation_scores_the_remit_and_may_name_a_problem(shipped):
    form, offered = _form("routine-evaluation"), _offered(shipped)["routine-evaluation"]
    data = generate(form, offered, rng=random.Random(3))
    data["evaluation"]["scores"][0]["issue"] = "监测对象帮扶措施针对性不强"
    cleaned = validate_submission(form, data)["evaluation"]
    assert cleaned["department"] == "finance"
    assert all(
        [r["key"] for r in row["indicators"]] == ["services", "fund_performance"] for row in cleaned["scores"]
    )
    assert cleaned["scores"][0]["issue"] == "监测对象帮扶措施针对性不强"
    assert "score" not in cleaned["scores"][0]


def test_the_spot_check_verifies_indicator_scores_not_one_number(shipped):
    form, offered = _form("spot-check"), _offered(shipped)["spot-check"]
    data = generate(form, offered, rng=random.Random(4))
    data["check"]["verified_score"] = 80
    cleaned = validate_submission(form, data)["check"]
    assert "verified_score" not in cleaned
    assert [r["key"] for r in cleaned["indicators"]] == [i["key"] for i in shipped["indicators"]]


def test_the_field_evaluation_may_leave_a_prefecture_rating_to_its_self_rating(shipped):
    form, offered = _form("field-findings"), _offered(shipped)["field-findings"]
    data = generate(form, offered, rng=random.Random(5))
    data["findings"]["prefecture_ratings"][0]["indicators"][0].pop("score")
    cleaned = validate_submission(form, data)["findings"]
    assert "score" not in cleaned["prefecture_ratings"][0]["indicators"][0]
    assert cleaned["summary"] and [r["code"] for r in cleaned["prefecture_ratings"]]


def test_the_plan_form_states_the_sum_rule():
    text = Path(FORMS / "annual-plan.json").read_text(encoding="utf-8")
    assert "合计须为 100" in text and "must total 100" in text
