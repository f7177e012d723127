"""The assessment cycle's forms (forms/*.json): their data shapes, and forms.generate."""

from __future__ import annotations

import copy
import random
from pathlib import Path

import pytest

from forms.generate import generate
from forms.schema import CONTAINER_TYPES, KEYED_TYPES, parse_form
from forms.validation import FormInvalid, validate_submission

FORMS = Path(__file__).resolve().parents[2] / "forms"
SEEDS = range(20)

# The contract other code relies on: None is a field, a dict a group path, [dict] a dynamiclist.
ASPECTS = dict.fromkeys(["responsibility", "policy", "work", "results"])
INDICATORS = [dict.fromkeys(["key", "name", "score"])]
SHAPES: dict[str, dict] = {
    "annual-plan": {
        "weights": ASPECTS,
        "indicators": [dict.fromkeys(["key", "aspect", "name", "weight"])],
        "source_weights": dict.fromkeys(["self_assessment", "routine", "third_party"]),
        "prefecture_own_weight": None,
        "category_weights": dict.fromkeys(["national_key", "provincial_key", "other_poor", "other"]),
        "sampling_ratio": None,
        "serious_risk_rules_out_good": None,
        "third_party": None,
        "departments": [dict.fromkeys(["key", "name", "indicators"])],
        "counties": [
            dict.fromkeys(["code", "name", "prefecture", "category", "category_confirmed", "category_note"])
        ],
        "due": dict.fromkeys(
            ["self_assessment", "routine_evaluation", "field_evaluation", "spot_check", "comprehensive"]
        ),
    },
    "comprehensive": {
        "report": None,
        "amendments": [dict.fromkeys(["code", "grade", "reason"])],
        "confirmed": None,
    },
    "feedback": {"feedback": dict.fromkeys(["code", "name", "grade", "advice"])},
    "field-findings": {
        "findings": {
            "summary": None,
            "issues": [dict.fromkeys(["code", "issue"])],
            "prefecture_ratings": [{"code": None, "name": None, "indicators": INDICATORS}],
        }
    },
    "follow-up": {
        "follow_up": dict.fromkeys(["code", "name", "label", "grade", "reasons", "done_on", "record"])
    },
    "gate-decision": {
        "amendments": [dict.fromkeys(["code", "grade", "reason"])],
        "decision": None,
        "comment": None,
    },
    "publication": dict.fromkeys(["notice_number", "notice"]),
    "rectification": {
        "answer": {
            "name": None,
            "grade": None,
            "advice": None,
            "problems": [dict.fromkeys(["number", "source", "text", "measure", "deadline", "responsible"])],
        }
    },
    "rectification-report": {
        "answer": {
            "name": None,
            "problems": [
                dict.fromkeys(["number", "source", "text", "measure", "deadline", "done", "outcome"])
            ],
        }
    },
    "routine-evaluation": {
        "evaluation": {
            "department": None,
            "scores": [
                {
                    "code": None,
                    "name": None,
                    "indicators": INDICATORS,
                    "issue": None,
                }
            ],
            "note": None,
        }
    },
    "self-assessment": {
        "assessment": {
            "code": None,
            "progress": None,
            "results": None,
            "problems": None,
            "measures": None,
            "highlight": None,
            "highlight_note": None,
            "serious_return_to_poverty": None,
            "own_ratings": INDICATORS,
            "county_ratings": [{"code": None, "name": None, "indicators": INDICATORS}],
        }
    },
    "spot-check": {
        "check": {
            "code": None,
            "indicators": INDICATORS,
            "problems": [dict.fromkeys(["text"])],
            "serious_return_to_poverty": None,
            "falsification": None,
            "notes": None,
        }
    },
    "transition-self-assessment": {
        "five_year": dict.fromkeys(
            ["code", "summary", "problems", "plans", "highlight", "serious_return_to_poverty"]
        )
    },
}
NAMES = sorted(SHAPES)

# What the engine prefills before a task is shown: readonly codes and the rows to fill in.
BASES: dict[str, dict] = {
    "annual-plan": {
        "indicators": [{"key": "livelihood", "aspect": "policy", "name": "民生保障", "weight": 100}],
        "departments": [{"key": "education", "name": "省教育厅", "indicators": ["livelihood"]}],
        "counties": [
            {"code": "530102", "name": "五华区", "prefecture": "昆明市"},
            {"code": "532923", "name": "祥云县", "prefecture": "大理白族自治州", "category": "other"},
        ],
    },
    "self-assessment": {
        "assessment": {
            "code": "530100",
            "own_ratings": [{"key": "party_government", "name": "党委和政府主体责任"}],
            "county_ratings": [
                {"code": "530102", "name": "五华区", "indicators": [{"key": "income", "name": "收入"}]},
                {
                    "code": "530103",
                    "name": "盘龙区",
                    "indicators": [{"key": "income", "name": "收入", "score": 77.5}],
                },
            ],
        }
    },
    "routine-evaluation": {
        "evaluation": {
            "department": "education",
            "scores": [
                {"code": "530100", "name": "昆明市", "indicators": [{"key": "livelihood", "name": "民生"}]},
                {"code": "530102", "name": "五华区", "indicators": [{"key": "livelihood", "name": "民生"}]},
            ],
        }
    },
    "field-findings": {
        "findings": {
            "issues": [{"code": "530102"}],
            "prefecture_ratings": [
                {"code": "530100", "name": "昆明市", "indicators": [{"key": "supervision", "name": "监管"}]}
            ],
        }
    },
    "spot-check": {"check": {"code": "530102", "indicators": [{"key": "income", "name": "收入"}]}},
    "comprehensive": {},
    "gate-decision": {},
    "publication": {},
    "feedback": {"feedback": {"code": "530100", "name": "昆明市", "grade": "较好"}},
    "rectification": {
        "answer": {
            "name": "五华区",
            "grade": "一般",
            "problems": [{"number": 1, "source": "grade", "text": "等次为一般"}],
        }
    },
    "rectification-report": {
        "answer": {"name": "五华区", "problems": [{"number": 1, "source": "grade", "text": "等次为一般"}]}
    },
    "follow-up": {"follow_up": {"code": "530102", "name": "五华区", "label": "约谈提醒"}},
    "transition-self-assessment": {"five_year": {"code": "530100"}},
}


def load(name: str) -> dict:
    return parse_form((FORMS / f"{name}.json").read_bytes())


def declared_shape(components: list) -> dict:
    """The data shape a form declares, walked as the validator walks it."""
    shape: dict = {}
    for comp in components:
        if comp["type"] in KEYED_TYPES and not comp.get("disabled"):
            shape[comp["key"]] = None
        elif comp["type"] in CONTAINER_TYPES:
            inner = declared_shape(comp.get("components") or [])
            if not comp.get("path"):
                shape.update(inner)
            else:
                shape[comp["path"]] = inner if comp["type"] == "group" else [inner]
    return shape


def data_shape(data: dict) -> dict:
    shape: dict = {}
    for key, value in data.items():
        if isinstance(value, dict):
            shape[key] = data_shape(value)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            rows = [data_shape(row) for row in value]
            assert all(row == rows[0] for row in rows), f"{key}: rows differ in shape"
            shape[key] = rows[:1]
        else:
            shape[key] = None
    return shape


def required_paths(components: list, prefix: tuple = ()) -> list[tuple]:
    """Paths (keys, and row 0 of each dynamiclist) of the fields the validator requires."""
    found: list[tuple] = []
    for comp in components:
        if comp["type"] in KEYED_TYPES:
            if (comp.get("validate") or {}).get("required") is True and not comp.get("disabled"):
                found.append(prefix + (comp["key"],))
        elif comp["type"] in CONTAINER_TYPES:
            path = comp.get("path")
            inner = prefix + ((path, 0) if comp["type"] == "dynamiclist" else (path,) if path else ())
            found += required_paths(comp.get("components") or [], inner)
    return found


def error_path(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


# -- the files --------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_form_parses_with_its_file_stem_as_id(name):
    form = load(name)
    assert (form["type"], form["id"], form["schemaVersion"]) == ("default", name, 16)


@pytest.mark.parametrize("name", NAMES)
def test_form_declares_exactly_the_contracted_keys_and_paths(name):
    assert declared_shape(load(name)["components"]) == SHAPES[name]


def find(components: list, *path: str) -> dict:
    for comp in components:
        if path[0] in (comp.get("key"), comp.get("path")):
            return comp if len(path) == 1 else find(comp["components"], *path[1:])
    raise KeyError(path)


def test_annual_plan_rules():
    parts = load("annual-plan")["components"]
    ratio = find(parts, "sampling_ratio")
    assert (ratio["validate"]["min"], ratio["validate"]["max"], ratio["decimalDigits"]) == (0.05, 1, 2)
    assert find(parts, "category_weights", "other")["validate"]["max"] == 10
    code = find(parts, "counties", "code")
    assert code["readonly"] is True and code["validate"]["pattern"] == r"^53\d{4}$"
    assert [v["value"] for v in find(parts, "counties", "category")["values"]] == [
        "national_key",
        "provincial_key",
        "other_poor",
        "other",
    ]
    assert find(parts, "departments", "key")["validate"]["pattern"] == "^[a-z_]+$"
    assert all(find(parts, "due", k)["subtype"] == "date" for k in SHAPES["annual-plan"]["due"])


def test_gate_decision_offers_approve_and_return_and_says_a_return_needs_a_comment():
    parts = load("gate-decision")["components"]
    assert [v["value"] for v in find(parts, "decision")["values"]] == ["approve", "return"]
    comment = find(parts, "comment")
    assert comment["validate"] == {"maxLength": 2000}
    assert "退回" in comment["label"] and "return" in comment["description"]


def test_no_form_disables_a_field_the_validator_would_drop():
    for name in NAMES:
        text = (FORMS / f"{name}.json").read_text(encoding="utf-8")
        assert '"disabled"' not in text, name


# -- generate ---------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("prefilled", [False, True], ids=["bare", "prefilled"])
def test_generated_data_validates(name, prefilled):
    form = load(name)
    for seed in SEEDS:
        data = generate(form, BASES[name] if prefilled else None, rng=random.Random(seed))
        assert validate_submission(form, data) == data, seed


@pytest.mark.parametrize("name", ["annual-plan", "self-assessment", "routine-evaluation"])
def test_generated_submission_has_the_exact_data_shape(name):
    form = load(name)
    for seed in SEEDS:
        data = generate(form, BASES[name], rng=random.Random(seed))
        assert data_shape(data) == SHAPES[name]


def test_generated_annual_plan_values_follow_the_rules():
    form = load("annual-plan")
    for seed in SEEDS:
        data = generate(form, None, rng=random.Random(seed))
        assert (
            0.05 <= data["sampling_ratio"] <= 1 and round(data["sampling_ratio"], 2) == data["sampling_ratio"]
        )
        assert all(0 <= w <= 10 for w in data["category_weights"].values())
        assert all(row["category"] in SHAPES["annual-plan"]["category_weights"] for row in data["counties"])


def test_prefilled_rows_are_kept_and_only_their_missing_fields_filled():
    form, base = load("self-assessment"), BASES["self-assessment"]
    snapshot = copy.deepcopy(base)
    for seed in SEEDS:
        rows = generate(form, base, rng=random.Random(seed))["assessment"]["county_ratings"]
        assert [(r["code"], r["name"]) for r in rows] == [("530102", "五华区"), ("530103", "盘龙区")]
        assert rows[1]["indicators"][0]["score"] == 77.5
        assert all(0 <= i["score"] <= 100 for r in rows for i in r["indicators"])
    assert base == snapshot  # the caller's base is not modified

    plan = generate(load("annual-plan"), BASES["annual-plan"], rng=random.Random(1))
    assert plan["departments"] == [{"key": "education", "name": "省教育厅", "indicators": ["livelihood"]}]
    assert [r["code"] for r in plan["counties"]] == ["530102", "532923"]
    assert plan["counties"][1]["category"] == "other"


def test_readonly_prefilled_values_survive_validation():
    form = load("spot-check")
    cleaned = validate_submission(form, generate(form, BASES["spot-check"], rng=random.Random(3)))
    assert cleaned["check"]["code"] == "530102"


def test_an_empty_or_missing_dynamiclist_gets_up_to_two_rows():
    form = load("field-findings")
    counts = set()
    for seed in SEEDS:
        for base in (None, {"findings": {"issues": []}}):
            issues = generate(form, base, rng=random.Random(seed))["findings"]["issues"]
            counts.add(len(issues))
            assert all(row["code"].startswith("53") and len(row["code"]) == 6 for row in issues)
    assert counts == {0, 1, 2}


def test_scores_spread_over_the_grades():
    form = load("routine-evaluation")
    scores = [
        indicator["score"]
        for seed in SEEDS
        for row in generate(form, BASES["routine-evaluation"], rng=random.Random(seed))["evaluation"][
            "scores"
        ]
        for indicator in row["indicators"]
    ]
    assert sum(60 <= s <= 98 for s in scores) >= len(scores) * 0.6
    assert len(set(scores)) > len(scores) // 2


def test_same_seed_same_data():
    form = load("annual-plan")
    assert generate(form, rng=random.Random(7)) == generate(form, rng=random.Random(7))


def test_gate_return_with_an_override_comment_validates():
    form = load("gate-decision")
    overrides = {"decision": "return", "comment": "拟评等次依据不足，请补充抽考核实情况。", "amendments": []}
    data = generate(form, rng=random.Random(0), overrides=overrides)
    assert validate_submission(form, data) == overrides


def test_overrides_replace_top_level_values_wholesale():
    form = load("spot-check")
    data = generate(
        form,
        BASES["spot-check"],
        rng=random.Random(0),
        overrides={
            "check": {"code": "530102", "indicators": [{"key": "income", "name": "收入", "score": 55}]}
        },
    )
    assert validate_submission(form, data) == {
        "check": {"code": "530102", "indicators": [{"key": "income", "name": "收入", "score": 55}]}
    }


# -- refusals ----------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_each_missing_required_field_is_refused(name):
    form = load(name)
    valid = generate(form, BASES[name], rng=random.Random(5))
    paths = required_paths(form["components"])
    assert paths, name
    for path in paths:
        data = copy.deepcopy(valid)
        holder = data
        for part in path[:-1]:
            holder = holder[part]
        del holder[path[-1]]
        with pytest.raises(FormInvalid) as caught:
            validate_submission(form, data)
        assert caught.value.errors == {error_path(path): ["必填 / required"]}


def test_unconfirmed_comprehensive_evaluation_is_refused():
    form = load("comprehensive")
    with pytest.raises(FormInvalid) as caught:
        validate_submission(form, {"report": "报告", "confirmed": False})
    assert caught.value.errors == {"confirmed": ["必填 / required"]}


def test_a_county_code_outside_yunnan_is_refused():
    form = load("field-findings")
    with pytest.raises(FormInvalid) as caught:
        validate_submission(
            form, {"findings": {"summary": "总体较好", "issues": [{"code": "110101", "issue": "x"}]}}
        )
    assert list(caught.value.errors) == ["findings.issues[0].code"]


def test_generate_handles_other_component_kinds_and_rules():
    def field(kind, key, **extra):
        return {"type": kind, "key": key, "validate": {"required": True}, **extra}

    form = {
        "type": "default",
        "id": "mixed",
        "schemaVersion": 16,
        "components": [
            field("number", "step", increment="0.25", validate={"required": True, "min": 1, "max": 3}),
            field("number", "text_number", serializeToString=True, decimalDigits=0),
            field("textfield", "mail", validate={"required": True, "validationType": "email"}),
            field("textfield", "phone", validate={"required": True, "validationType": "phone"}),
            field(
                "textfield",
                "ref",
                validate={"required": True, "pattern": r"(AB|CD)-[^0-9]{2,3}\d?", "maxLength": 6},
            ),
            field("textarea", "long", validate={"required": True, "minLength": 120, "maxLength": 130}),
            field("checklist", "tags", values=[{"label": "x", "value": "x"}, {"label": "y", "value": "y"}]),
            field("select", "dynamic", valuesKey="options"),
            field("datetime", "at", subtype="datetime"),
            field("datetime", "clock", subtype="time"),
            field("textfield", "off", disabled=True),
            {"type": "group", "components": [field("checkbox", "flat")]},
        ],
    }
    for seed in SEEDS:
        data = generate(form, rng=random.Random(seed))
        assert "off" not in data and data["flat"] is True
        assert validate_submission(form, data) == data
