"""Unit tests for forms.schema and forms.validation (form-js schemas)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from forms.schema import FormSchemaError, form_id, parse_form
from forms.validation import FormInvalid, validate_submission

EXAMPLE = Path(__file__).resolve().parents[2] / "forms" / "example-review.json"


def form(*components: dict, form_id: str = "f") -> dict:
    return {"type": "default", "id": form_id, "schemaVersion": 16, "components": list(components)}


def errors_of(schema: dict, data: object) -> dict[str, list[str]]:
    with pytest.raises(FormInvalid) as caught:
        validate_submission(schema, data)
    return caught.value.errors


SCORE = {
    "type": "number",
    "key": "score",
    "label": "分数 / Score",
    "validate": {"required": True, "min": 0, "max": 100},
}
NAME = {"type": "textfield", "key": "name", "validate": {"minLength": 2, "maxLength": 5}}
CHOICE = {
    "type": "select",
    "key": "choice",
    "values": [{"label": "A", "value": "a"}, {"label": "B", "value": "b"}],
}


# -- required -----------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", []])
def test_required_rejects_empty_values(value):
    schema = form({"type": "textfield", "key": "t", "validate": {"required": True}})
    assert errors_of(schema, {"t": value}) == {"t": ["必填 / required"]}


def test_required_rejects_missing_key_and_reports_all_fields_at_once():
    schema = form(SCORE, {"type": "textarea", "key": "note", "validate": {"required": True}})
    assert errors_of(schema, {}) == {"score": ["必填 / required"], "note": ["必填 / required"]}


def test_required_checkbox_must_be_ticked_like_form_js():
    schema = form({"type": "checkbox", "key": "agree", "validate": {"required": True}})
    assert errors_of(schema, {"agree": False}) == {"agree": ["必填 / required"]}
    assert validate_submission(schema, {"agree": True}) == {"agree": True}


def test_optional_empty_value_is_kept_with_its_own_type():
    schema = form({"type": "textfield", "key": "t"}, {"type": "number", "key": "n"})
    assert validate_submission(schema, {"t": "", "n": ""}) == {"t": "", "n": None}


# -- types --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["5", True, float("nan"), [1]])
def test_number_rejects_non_numbers(value):
    assert errors_of(form(SCORE), {"score": value}) == {"score": ["须为数字 / must be a number"]}


@pytest.mark.parametrize("value", [3, 2.5])
def test_number_keeps_int_and_float(value):
    cleaned = validate_submission(form(SCORE), {"score": value})
    assert cleaned == {"score": value} and type(cleaned["score"]) is type(value)


def test_text_must_be_a_string():
    assert errors_of(form(NAME), {"name": 12}) == {"name": ["须为文本 / must be text"]}


def test_checkbox_must_be_bool():
    schema = form({"type": "checkbox", "key": "ok"})
    assert errors_of(schema, {"ok": "true"}) == {"ok": ["须为是或否 / must be true or false"]}


@pytest.mark.parametrize(
    "subtype,good,bad",
    [
        ("date", "2024-02-29", "2023-02-29"),
        ("time", "09:30", "25:00"),
        ("datetime", "2024-05-01T09:30+08:00", "2024-05-01 09:30"),
    ],
)
def test_datetime_must_be_parseable_iso(subtype, good, bad):
    schema = form({"type": "datetime", "key": "when", "subtype": subtype})
    assert validate_submission(schema, {"when": good}) == {"when": good}
    assert list(errors_of(schema, {"when": bad})) == ["when"]


# -- enums --------------------------------------------------------------------


def test_select_value_must_be_one_of_the_values():
    assert errors_of(form(CHOICE), {"choice": "c"}) == {
        "choice": ["须为以下之一：a, b / must be one of: a, b"]
    }


def test_checklist_must_be_a_list_of_allowed_values():
    schema = form({**CHOICE, "type": "checklist"})
    assert validate_submission(schema, {"choice": ["a", "b"]}) == {"choice": ["a", "b"]}
    assert errors_of(schema, {"choice": ["a", "z"]}) == {
        "choice": ["须为以下之一：a, b / must be one of: a, b"]
    }
    assert errors_of(schema, {"choice": "a"}) == {"choice": ["须为列表 / must be a list"]}


def test_bool_does_not_pass_for_a_numeric_option():
    schema = form({"type": "radio", "key": "r", "values": [{"label": "one", "value": 1}]})
    assert validate_submission(schema, {"r": 1}) == {"r": 1}
    assert list(errors_of(schema, {"r": True})) == ["r"]


# -- lengths, ranges, patterns --------------------------------------------------


def test_min_and_max_length():
    assert errors_of(form(NAME), {"name": "a"}) == {
        "name": ["长度不得少于 2 个字符 / must be at least 2 characters"]
    }
    assert errors_of(form(NAME), {"name": "abcdef"}) == {
        "name": ["长度不得超过 5 个字符 / must be at most 5 characters"]
    }
    assert validate_submission(form(NAME), {"name": "审议意见"}) == {"name": "审议意见"}


def test_min_and_max_on_numbers():
    assert errors_of(form(SCORE), {"score": -1}) == {"score": ["不得小于 0 / must be at least 0"]}
    assert errors_of(form(SCORE), {"score": 100.5}) == {"score": ["不得大于 100 / must be at most 100"]}
    assert validate_submission(form(SCORE), {"score": 100}) == {"score": 100}


def test_pattern_must_match_the_whole_value():
    schema = form({"type": "textfield", "key": "code", "validate": {"pattern": "[A-Z]{3}"}})
    assert validate_submission(schema, {"code": "ABC"}) == {"code": "ABC"}
    assert errors_of(schema, {"code": "ABCD"}) == {
        "code": ["须符合格式 [A-Z]{3} / must match pattern [A-Z]{3}"]
    }


def test_email_validation_type():
    schema = form({"type": "textfield", "key": "mail", "validate": {"validationType": "email"}})
    assert validate_submission(schema, {"mail": "a@b.cn"}) == {"mail": "a@b.cn"}
    assert list(errors_of(schema, {"mail": "not-an-email"})) == ["mail"]


# -- nesting ------------------------------------------------------------------


def test_group_with_path_nests_and_reports_dotted_paths():
    schema = form(
        {
            "type": "group",
            "path": "address",
            "components": [
                {"type": "textfield", "key": "city", "validate": {"required": True}},
                {"type": "textfield", "key": "street"},
            ],
        }
    )
    assert errors_of(schema, {"address": {"street": "x"}}) == {"address.city": ["必填 / required"]}
    assert errors_of(schema, {}) == {"address.city": ["必填 / required"]}
    assert validate_submission(schema, {"address": {"city": "台北"}}) == {"address": {"city": "台北"}}


def test_absent_optional_group_stays_absent():
    schema = form({"type": "group", "path": "address", "components": [{"type": "textfield", "key": "city"}]})
    assert validate_submission(schema, {"other": 1}) == {}
    assert validate_submission(schema, {"address": {}}) == {"address": {}}


def test_group_without_path_keeps_children_at_the_current_level():
    schema = form({"type": "group", "components": [NAME]})
    assert validate_submission(schema, {"name": "abc"}) == {"name": "abc"}


def test_dynamiclist_rows_report_the_failing_row():
    schema = form(
        {
            "type": "dynamiclist",
            "path": "rows",
            "isRepeating": True,
            "components": [{**NAME, "validate": {"required": True}}, SCORE],
        }
    )
    rows = [{"name": "ab", "score": 1}, {"name": "cd", "score": 2}, {"name": "", "score": "x"}]
    assert errors_of(schema, {"rows": rows}) == {
        "rows[2].name": ["必填 / required"],
        "rows[2].score": ["须为数字 / must be a number"],
    }
    assert errors_of(schema, {"rows": [rows[0], "oops"]}) == {"rows[1]": ["须为对象 / must be an object"]}
    assert errors_of(schema, {"rows": {"name": "ab"}}) == {"rows": ["须为列表 / must be a list"]}


# -- cleaning -----------------------------------------------------------------


def test_unknown_and_disabled_keys_are_dropped():
    schema = form(
        NAME, {"type": "textfield", "key": "locked", "disabled": True}, {"type": "text", "text": "hello"}
    )
    cleaned = validate_submission(schema, {"name": "abc", "locked": "x", "isAdmin": True})
    assert cleaned == {"name": "abc"}


def test_successful_validation_returns_typed_data():
    schema = form(
        SCORE,
        NAME,
        CHOICE,
        {"type": "checkbox", "key": "ok"},
        {"type": "taglist", "key": "tags", "values": [{"label": "x", "value": "x"}]},
        {"type": "datetime", "key": "due", "subtype": "date"},
        {"type": "dynamiclist", "path": "rows", "components": [NAME]},
    )
    data = {
        "score": 7.5,
        "name": "abc",
        "choice": "b",
        "ok": True,
        "tags": ["x"],
        "due": "2025-01-31",
        "rows": [{"name": "xy", "extra": 1}],
    }
    expected = {k: v for k, v in data.items() if k != "rows"} | {"rows": [{"name": "xy"}]}
    assert validate_submission(schema, data) == expected


def test_submission_that_is_not_an_object_is_refused():
    assert errors_of(form(NAME), ["name"]) == {"": ["须为对象 / must be an object"]}


def test_example_form_file():
    schema = parse_form(EXAMPLE.read_bytes())
    assert form_id(schema) == "example-review"
    assert validate_submission(schema, {"decision": "return", "comment": "补材料"}) == {
        "decision": "return",
        "comment": "补材料",
    }
    assert set(errors_of(schema, {"comment": "x" * 2001})) == {"decision", "comment"}


def test_validation_is_fast_after_first_call():
    schema = form(*({**SCORE, "key": f"f{i}"} for i in range(20)))
    data = {f"f{i}": i for i in range(20)}
    validate_submission(schema, data)
    start = time.perf_counter()
    for _ in range(200):
        validate_submission(schema, data)
    assert (time.perf_counter() - start) / 200 < 0.001


# -- malformed schemas ----------------------------------------------------------


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("not json", "not valid JSON"),
        ("[]", "JSON object"),
        ('{"type": "default"}', '"components" list'),
        ('{"components": [{"key": "a"}]}', 'no "type"'),
        (
            '{"components": [{"type": "textfield", "key": "a"}, {"type": "number", "key": "a"}]}',
            'duplicate key "a"',
        ),
        (
            '{"components": [{"type": "textfield", "key": "a"}, {"type": "group", "components": '
            '[{"type": "number", "key": "a"}]}]}',
            'duplicate key "a"',
        ),
        ('{"components": [{"type": "textfield", "key": "first name"}]}', "identifier-like"),
        (
            '{"components": [{"type": "textfield", "key": "a", "validate": {"pattern": "[a-"}}]}',
            "does not compile",
        ),
        ('{"components": [{"type": "dynamiclist", "components": []}]}', 'needs a "path"'),
        ('{"components": [{"type": "slider", "key": "a"}]}', "unknown component type"),
        ('{"components": [{"type": "radio", "key": "a"}]}', 'needs "values"'),
    ],
)
def test_malformed_schema_is_refused(text, fragment):
    with pytest.raises(FormSchemaError) as caught:
        parse_form(text)
    assert fragment in str(caught.value)


def test_schema_error_names_the_component():
    text = json.dumps(form({"type": "textfield", "key": "code", "validate": {"pattern": "("}}))
    with pytest.raises(FormSchemaError, match=r'textfield "code"'):
        parse_form(text)


def test_validate_submission_refuses_a_broken_form():
    with pytest.raises(FormSchemaError):
        validate_submission({"components": "nope"}, {})


def test_same_keys_in_separate_paths_are_allowed():
    schema = parse_form(json.dumps(form(NAME, {"type": "group", "path": "g", "components": [NAME]})))
    assert validate_submission(schema, {"name": "abc", "g": {"name": "de"}}) == {
        "name": "abc",
        "g": {"name": "de"},
    }
