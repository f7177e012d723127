"""The rating tables in processes/*.dmn (Art. 8-10), run the way the engine runs them: a BPMN
businessRuleTask names the decision with `spiffworkflow:calledDecisionId`, SpiffWorkflow's
DMN engine evaluates the table with the workflow's script engine, and the outputs are merged
into the task data.  Every case runs on SpiffWorkflow's plain PythonScriptEngine and on the
engine's sandboxed one (engine.definitions.sandbox.scripts), which is what production uses."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.process import VALIDATOR
from SpiffWorkflow.util.task import TaskState

from engine.definitions.parser import new_parser
from engine.definitions.sandbox.scripts import make_script_engine
from engine.definitions.xml import parse_xml

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
COUNTY_DMN = PROCESSES / "county-grade.dmn"
PREFECTURE_DMN = PROCESSES / "prefecture-grade.dmn"
FLAGS_DMN = PROCESSES / "result-flags.dmn"
DMN_NS = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}

RATE_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="rate_definitions" targetNamespace="http://kaoping.test/ratings">
  <bpmn:process id="rate" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="decide" name="评定 / Rate">
      <bpmn:extensionElements>
        <spiffworkflow:calledDecisionId>{decision}</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


@cache
def _specs(dmn_file: Path, decision: str):
    parser = SpiffBpmnParser(validator=VALIDATOR)  # validates the DMN against the DMN 1.3 XSD too
    parser.add_dmn_file(str(dmn_file))
    parser.add_bpmn_str(RATE_BPMN.format(decision=decision).encode(), filename="rate.bpmn")
    return parser.get_spec("rate"), parser.get_subprocess_specs("rate")


def _plain_engine():
    return PythonScriptEngine()


def _sandboxed_engine():
    return make_script_engine(lambda: datetime(2026, 1, 15, 9, 0))


@pytest.fixture(params=[_plain_engine, _sandboxed_engine], ids=["python", "sandbox"])
def script_engine(request):
    return request.param()


def run_decision(dmn_file: Path, decision: str, data: dict, script_engine) -> dict:
    """Run start -> businessRuleTask(decision) -> end with `data`; the completed workflow's data."""
    spec, subprocess_specs = _specs(dmn_file, decision)
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
    workflow.get_next_task(state=TaskState.READY).data.update(data)
    workflow.do_engine_steps()
    assert workflow.completed
    task = workflow.get_next_task(spec_name="decide", state=TaskState.COMPLETED)
    assert {k: task.data[k] for k in data} == data  # the inputs are left as they were
    return workflow.data


# ---------------------------------------------------------------- county_grade (Art. 8, 9, 10)

# category: (好 threshold, 较好 threshold) -- the example thresholds in county-grade.dmn
COUNTY_THRESHOLDS = {
    "national_key": (85, 75),
    "provincial_key": (86, 76),
    "other_poor": (87, 77),
    "other": (88, 78),
}
LIFT_WINDOW = 3


def county_grade(script_engine, category, score, highlight=False, good_ruled_out=False) -> str:
    data = {
        "county": {
            "category": category,
            "score": score,
            "highlight": highlight,
            "good_ruled_out": good_ruled_out,
        }
    }
    return run_decision(COUNTY_DMN, "county_grade", data, script_engine)["grade"]


def _county_cases():
    for category, (good, fair) in COUNTY_THRESHOLDS.items():
        lift = good - LIFT_WINDOW
        cases = [
            # 好 boundary, no highlight
            (good - 0.01, False, "较好"),
            (good, False, "好"),
            (good + 0.01, False, "好"),
            # 较好 boundary, no highlight
            (fair - 0.01, False, "一般"),
            (fair, False, "较好"),
            (fair + 0.01, False, "较好"),
            # the ends of the scale
            (0, False, "一般"),
            (100, False, "好"),
            (100, True, "好"),
            # Art. 10: a highlight lifts 较好 to 好 within 3 points of the 好 threshold ...
            (lift - 0.01, True, "较好"),
            (lift, True, "好"),
            (lift + 0.01, True, "好"),
            (good - 0.01, True, "好"),
            (good, True, "好"),
            # ... only with the highlight ...
            (lift, False, "较好"),
            (good - 0.01, False, "较好"),
            # ... and never lifts 一般
            (fair - 0.01, True, "一般"),
            (fair, True, "较好"),
            (0, True, "一般"),
        ]
        for score, highlight, grade in cases:
            yield pytest.param(
                category,
                score,
                highlight,
                grade,
                id=f"{category}-{score}-{'highlight' if highlight else 'plain'}",
            )


@pytest.mark.parametrize("category, score, highlight, expected", list(_county_cases()))
def test_county_grade_boundaries(script_engine, category, score, highlight, expected):
    assert county_grade(script_engine, category, score, highlight) == expected


@pytest.mark.parametrize(
    "score, grades",
    [
        # the same score is rated differently by category (Art. 9 分类考核评估)
        (85, {"national_key": "好", "provincial_key": "较好", "other_poor": "较好", "other": "较好"}),
        (87.5, {"national_key": "好", "provincial_key": "好", "other_poor": "好", "other": "较好"}),
        (76.5, {"national_key": "较好", "provincial_key": "较好", "other_poor": "一般", "other": "一般"}),
        # 84 with a highlight: inside the window for all but `other` (85..88)
        (84, {"national_key": "好", "provincial_key": "好", "other_poor": "好", "other": "较好"}),
    ],
)
def test_county_grade_depends_on_category(script_engine, score, grades):
    highlight = score == 84
    assert {c: county_grade(script_engine, c, score, highlight) for c in grades} == grades


def test_county_grade_accepts_integer_and_float_scores(script_engine):
    assert county_grade(script_engine, "national_key", 85) == "好"
    assert county_grade(script_engine, "national_key", 85.0) == "好"
    assert county_grade(script_engine, "national_key", 84.999999) == "较好"


def test_county_unknown_category_falls_to_the_catch_all(script_engine):
    # No category row matches, so the last row answers: 一般 (which then draws the Art. 8 flags).
    assert county_grade(script_engine, "national", 99, True) == "一般"


def test_county_highlight_must_be_the_boolean_true(script_engine):
    # The highlight column compares with `== True`: a string from a careless form does not lift.
    assert county_grade(script_engine, "national_key", 83, "true") == "较好"


def test_county_score_that_is_not_a_number_stops_the_task(script_engine):
    with pytest.raises(WorkflowTaskException):
        county_grade(script_engine, "national_key", "90")


def test_county_without_score_stops_the_task(script_engine):
    with pytest.raises(WorkflowTaskException):
        run_decision(
            COUNTY_DMN,
            "county_grade",
            {"county": {"category": "other", "highlight": False, "good_ruled_out": False}},
            script_engine,
        )


# ---------------------------------------------------------------- prefecture_grade (Art. 8, 9, 10)

PREFECTURE_GOOD, PREFECTURE_FAIR = 86, 76


def prefecture_grade(script_engine, score, highlight=False, good_ruled_out=False, average_counties=0) -> str:
    data = {
        "prefecture": {
            "score": score,
            "highlight": highlight,
            "good_ruled_out": good_ruled_out,
            "average_counties": average_counties,
        }
    }
    return run_decision(PREFECTURE_DMN, "prefecture_grade", data, script_engine)["grade"]


@pytest.mark.parametrize(
    "score, highlight, expected",
    [
        (85.99, False, "较好"),
        (86, False, "好"),
        (86.01, False, "好"),
        (75.99, False, "一般"),
        (76, False, "较好"),
        (76.01, False, "较好"),
        (0, False, "一般"),
        (100, False, "好"),
        # Art. 10 lift: [83, 86) with a highlight -> 好
        (82.99, True, "较好"),
        (83, True, "好"),
        (83.01, True, "好"),
        (85.99, True, "好"),
        (86, True, "好"),
        (83, False, "较好"),
        # never lifts 一般
        (75.99, True, "一般"),
        (76, True, "较好"),
        (0, True, "一般"),
    ],
)
def test_prefecture_grade_boundaries(script_engine, score, highlight, expected):
    assert prefecture_grade(script_engine, score, highlight) == expected


def test_prefecture_weighted_score_is_compared_as_given(script_engine):
    # The table does not round: a weighted sum that lands a hair under 86 is 较好.
    # Whoever computes the weighted score (Art. 9) must round it first.
    weighted = 0.1 * 860.0 - 1e-12
    assert weighted < 86
    assert prefecture_grade(script_engine, weighted) == "较好"
    assert prefecture_grade(script_engine, round(weighted, 2)) == "好"


# ---------------------------------------------------------------- result_flags (Art. 8, 9)


def flags(script_engine, grade, serious) -> tuple:
    data = {"unit": {"grade": grade, "serious_return_to_poverty": serious}}
    out = run_decision(FLAGS_DMN, "result_flags", data, script_engine)
    # One output, `flags`, with three keys: a multi-instance task over units collects it whole.
    out = out["flags"]
    values = (out["interview_reminder"], out["listed_supervision"], out["revitalization_not_good"])
    assert all(type(v) is bool for v in values), values
    return values


ALL = (True, True, True)
NONE = (False, False, False)


@pytest.mark.parametrize(
    "grade, serious, expected",
    [
        ("好", False, NONE),
        ("较好", False, NONE),
        ("一般", False, ALL),  # Art. 8 一般 -> 约谈提醒、挂牌督办; Art. 9 不得确定为“好”
        ("好", True, ALL),  # Art. 8 返贫致贫问题突出、规模性风险较大; Art. 9 存在突出问题
        ("较好", True, ALL),
        ("一般", True, ALL),
    ],
)
def test_result_flags_every_combination(script_engine, grade, serious, expected):
    assert flags(script_engine, grade, serious) == expected


@pytest.mark.parametrize(
    "grade, serious",
    [
        ("优秀", False),  # not a grade
        (None, False),
        ("好", None),  # problem flag not set
        ("较好", "no"),
    ],
)
def test_result_flags_unrecognised_input_is_flagged(script_engine, grade, serious):
    # Fail-safe catch-all: bad data shows up as flags at the approval gates, not as silence.
    assert flags(script_engine, grade, serious) == ALL


def test_result_flags_without_the_problem_flag_stops_the_task(script_engine):
    with pytest.raises(WorkflowTaskException):
        run_decision(FLAGS_DMN, "result_flags", {"unit": {"grade": "好"}}, script_engine)


def test_county_grade_feeds_result_flags(script_engine):
    grade = county_grade(script_engine, "other_poor", 76.99)
    assert grade == "一般"
    assert flags(script_engine, grade, False) == ALL


# ------------------------------------------- grades and flags together (Art. 8, 9, 10)

CONSEQUENCES = ("interview_reminder", "listed_supervision", "revitalization_not_good")


def test_a_confirmed_serious_finding_caps_the_grade_below_good(script_engine):
    """The plan's serious_risk_rules_out_good, as each unit carries it in `good_ruled_out`."""
    for category, (good, fair) in COUNTY_THRESHOLDS.items():
        assert county_grade(script_engine, category, 100, True, good_ruled_out=True) == "较好"
        assert county_grade(script_engine, category, good - 1, True, good_ruled_out=True) == "较好"
        assert county_grade(script_engine, category, fair - 0.01, False, good_ruled_out=True) == "一般"
    assert prefecture_grade(script_engine, 100, True, good_ruled_out=True) == "较好"
    assert prefecture_grade(script_engine, 84, True, good_ruled_out=True) == "较好"
    assert prefecture_grade(script_engine, 70, False, good_ruled_out=True) == "一般"


def test_a_highlight_does_not_lift_a_prefecture_with_a_county_graded_average(script_engine):
    assert prefecture_grade(script_engine, 84, True, average_counties=1) == "较好"
    assert prefecture_grade(script_engine, 84, True, average_counties=0) == "好"
    assert prefecture_grade(script_engine, 90, False, average_counties=1) == "好"  # by its score alone


def _published(script_engine, table, level, unit, serious):
    """One unit through its grade table and then the flags table, as the processes run them."""
    grade = run_decision(table, f"{level}_grade", {level: unit}, script_engine)["grade"]
    out = run_decision(
        FLAGS_DMN,
        "result_flags",
        {"unit": {"grade": grade, "serious_return_to_poverty": serious}},
        script_engine,
    )["flags"]
    return grade, {k: out[k] for k in CONSEQUENCES}


def test_no_unit_is_good_with_any_consequence_under_the_shipped_plan(script_engine):
    """Every combination of score band, highlight, confirmed finding and 一般 counties: a row
    graded 好 never carries 约谈提醒, 挂牌督办 or 乡村振兴战略实绩考核不得确定为“好”, and a
    confirmed finding or 一般 always carries all three."""
    seen = set()
    for serious in (False, True):
        ruled_out = serious  # the shipped plan: serious_risk_rules_out_good is true
        for highlight in (False, True):
            for score in (0, 70, 76, 80, 83, 84, 85, 86, 88, 100):
                units = [
                    (
                        COUNTY_DMN,
                        "county",
                        {"category": c, "score": score, "highlight": highlight, "good_ruled_out": ruled_out},
                    )
                    for c in COUNTY_THRESHOLDS
                ] + [
                    (
                        PREFECTURE_DMN,
                        "prefecture",
                        {
                            "score": score,
                            "highlight": highlight,
                            "good_ruled_out": ruled_out,
                            "average_counties": n,
                        },
                    )
                    for n in (0, 2)
                ]
                for table, level, unit in units:
                    grade, consequences = _published(script_engine, table, level, unit, serious)
                    seen.add(grade)
                    if grade == "好":
                        assert not any(consequences.values()), (level, unit)
                    if serious or grade == "一般":
                        assert all(consequences.values()), (level, unit)
    assert seen == {"好", "较好", "一般"}


# ---------------------------------------------------------------- the files themselves


@pytest.mark.parametrize(
    "dmn_file, decision",
    [
        (COUNTY_DMN, "county_grade"),
        (PREFECTURE_DMN, "prefecture_grade"),
        (FLAGS_DMN, "result_flags"),
    ],
)
def test_table_is_one_first_hit_decision_with_its_id_and_article_notes(dmn_file, decision):
    root = etree.parse(str(dmn_file)).getroot()
    decisions = root.findall("dmn:decision", DMN_NS)
    assert [d.get("id") for d in decisions] == [decision]
    name = decisions[0].get("name")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in name) and any(
        ch.isascii() and ch.isalpha() for ch in name
    )
    assert "Art." in decisions[0].findtext("dmn:description", namespaces=DMN_NS)
    table = decisions[0].find("dmn:decisionTable", DMN_NS)
    assert table.get("hitPolicy") == "FIRST"
    rules = table.findall("dmn:rule", DMN_NS)
    assert rules and all("Art." in r.findtext("dmn:description", "", DMN_NS) for r in rules)
    # the last row is a catch-all
    assert all(
        e.findtext("dmn:text", namespaces=DMN_NS) == "-" for e in rules[-1].findall("dmn:inputEntry", DMN_NS)
    )


def test_tables_deploy_through_the_engines_parser():
    """The hardened XML reader and the engine's parser (with its XSD validator) accept the files."""
    parser = new_parser()
    for dmn_file in (COUNTY_DMN, PREFECTURE_DMN, FLAGS_DMN):
        parser.add_dmn_xml(parse_xml(dmn_file.read_bytes(), dmn_file.name), filename=dmn_file.name)
    assert {"county_grade", "prefecture_grade", "result_flags"} <= set(parser.dmn_parsers)
    for decision in ("county_grade", "prefecture_grade", "result_flags"):
        parser.get_engine(decision, None)  # parses the table


EACH_BPMN = RATE_BPMN.replace(
    "<spiffworkflow:calledDecisionId>{decision}</spiffworkflow:calledDecisionId>",
    """<spiffworkflow:calledDecisionId>result_flags</spiffworkflow:calledDecisionId>
        <spiffworkflow:properties>
          <spiffworkflow:property name="decideEach" value="units" />
          <spiffworkflow:property name="as" value="unit" />
          <spiffworkflow:property name="into" value="units" />
        </spiffworkflow:properties>""",
)


def test_deciding_each_unit_sets_its_flags_and_keeps_the_flags_it_had(script_engine):
    """The engine's `decideEach`: the consequences of each unit's grade join the flags the unit
    already carries (the five-year evaluation's missing years), as `flags.x` outputs say."""
    parser = new_parser()
    parser.add_dmn_xml(parse_xml(FLAGS_DMN.read_bytes(), FLAGS_DMN.name), filename=FLAGS_DMN.name)
    parser.add_bpmn_xml(parse_xml(EACH_BPMN.encode(), "each.bpmn"), filename="each.bpmn")
    workflow = BpmnWorkflow(
        parser.get_spec("rate"), parser.get_subprocess_specs("rate"), script_engine=script_engine
    )
    units = [
        {
            "code": "530100",
            "grade": "一般",
            "serious_return_to_poverty": False,
            "flags": {"missing_years": ["2022"]},
        },
        {"code": "530300", "grade": "好", "serious_return_to_poverty": False},
    ]
    workflow.get_next_task(state=TaskState.READY).data.update({"units": units})
    workflow.do_engine_steps()
    decided = {u["code"]: u["flags"] for u in workflow.data["units"]}
    assert decided["530100"]["missing_years"] == ["2022"]
    assert decided["530100"]["interview_reminder"] and decided["530100"]["revitalization_not_good"]
    assert decided["530300"]["commendation"] and not decided["530300"]["interview_reminder"]
