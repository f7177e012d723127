"""What people read uses the rules' own terms: the results export, the dashboard, the shipped
forms, the DMN tables, the BPMN element names and processes/README.md.

The rules say 抽考核实 for the province's step (Art. 7(4)); "返贫致贫问题突出和规模性风险较大"
(Art. 8); "乡村振兴战略实绩考核不得确定为“好”" (Art. 9); 国家乡村振兴重点帮扶县, 省级乡村振兴重点帮扶县 and
有巩固拓展脱贫成果任务县(市、区) (Art. 9)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from lxml import etree

from assessment import results
from assessment.categories import LABELS as CATEGORIES
from assessment.cycle_definitions import STAGES
from engine.config import PROJECT_ROOT

PROCESSES = PROJECT_ROOT / "processes"
FORMS = PROJECT_ROOT / "forms"

SERIOUS = "返贫致贫问题突出和规模性风险较大"
NOT_GOOD = "乡村振兴战略实绩考核不得确定为“好”"

# Each: a pattern no reader-facing text may match, and what the rules say instead.
WRONG = (
    (re.compile("交叉抽查"), "抽考核实"),
    (re.compile("规模性返贫等严重问题|存在规模性返贫|已发生规模性返贫"), SERIOUS),
    (re.compile("返贫问题突出"), SERIOUS),
    (re.compile("(?<!乡村振兴)重点帮扶县"), "国家/省级乡村振兴重点帮扶县"),
    (re.compile("有巩固任务县"), "有巩固拓展脱贫成果任务县"),
    (re.compile('(?<!乡村振兴战略实绩考核)不得(确定)?为[“"]?好|不得为[“"]?好'), NOT_GOOD),
)


def _zh(text: str) -> str:
    return text.partition(" / ")[0]


def _form_texts(node) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("label", "text", "description") and isinstance(value, str):
                yield value
            else:
                yield from _form_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _form_texts(item)


def _xml_texts(path) -> Iterator[str]:
    """Names, labels and descriptions: what a modeler, the diagram or the task list shows."""
    for element in etree.parse(str(path)).iter():
        if not isinstance(element.tag, str):  # comments: read in the file too
            yield element.text or ""
            continue
        for attribute in ("name", "label"):
            if element.get(attribute):
                yield element.get(attribute)
        if etree.QName(element).localname in ("description", "documentation", "text"):
            yield element.text or ""


def reader_texts() -> Iterator[tuple[str, str]]:
    for heading in results.HEADINGS:
        yield "results export heading", heading
    for label in CATEGORIES.values():
        yield "dashboard category", label
    for _key, zh, en in STAGES:
        yield "dashboard stage", f"{zh} / {en}"
    for path in sorted(FORMS.glob("*.json")):
        for text in _form_texts(json.loads(path.read_text(encoding="utf-8"))):
            yield f"forms/{path.name}", text
    for path in sorted(PROCESSES.glob("*.bpmn")) + sorted(PROCESSES.glob("*.dmn")):
        for text in _xml_texts(path):
            yield f"processes/{path.name}", text
    for line in (PROCESSES / "README.md").read_text(encoding="utf-8").splitlines():
        yield "processes/README.md", line


def test_every_text_a_person_reads_uses_the_rules_terms():
    found = [
        f"{where}: {text!r} (the rules say {right})"
        for where, text in reader_texts()
        for pattern, right in WRONG
        if pattern.search(text)
    ]
    assert not found, "\n".join(found)


def test_the_export_headings_of_the_consequences_are_the_rules_words():
    heading = dict(zip(results.COLUMNS, results.HEADINGS, strict=True))
    assert _zh(heading["revitalization_not_good"]) == NOT_GOOD
    assert _zh(heading["serious_return_to_poverty"]) == SERIOUS
    assert _zh(heading["interview_reminder"]) == "约谈提醒"
    assert _zh(heading["listed_supervision"]) == "挂牌督办"


def test_county_categories_are_named_as_in_art_9():
    assert _zh(CATEGORIES["national_key"]) == "国家乡村振兴重点帮扶县"
    assert _zh(CATEGORIES["provincial_key"]) == "省级乡村振兴重点帮扶县"
    assert _zh(CATEGORIES["other_poor"]) == "其他脱贫县"
    assert "有巩固拓展脱贫成果任务县" in _zh(CATEGORIES["other"])
    plan = json.loads((FORMS / "annual-plan.json").read_text(encoding="utf-8"))
    [select] = [c for c in _components(plan) if c.get("key") == "category" and c.get("values")]
    assert {v["value"]: _zh(v["label"]) for v in select["values"]} == {
        key: _zh(label) for key, label in CATEGORIES.items()
    }


def test_the_serious_problem_box_says_what_art_8_says():
    for name in ("self-assessment", "spot-check", "transition-self-assessment"):
        form = json.loads((FORMS / f"{name}.json").read_text(encoding="utf-8"))
        [box] = [c for c in _components(form) if c.get("key") == "serious_return_to_poverty"]
        assert _zh(box["label"]) == SERIOUS, name


def test_the_spot_check_task_is_named_as_the_step():
    tree = etree.parse(str(PROCESSES / "annual-evaluation.bpmn"))
    [task] = tree.xpath("//*[@id='spot_check']")
    assert _zh(task.get("name")) == "抽考核实"


def _components(node) -> Iterator[dict]:
    if isinstance(node, dict):
        if "type" in node:
            yield node
        for value in node.values():
            yield from _components(value)
    elif isinstance(node, list):
        for item in node:
            yield from _components(item)


def test_the_readme_names_the_rules_not_a_path_outside_the_project():
    readme = (PROCESSES / "README.md").read_text(encoding="utf-8")
    assert "shared/" not in readme
