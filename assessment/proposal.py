"""The proposed results (结果建议, Art. 7(5)): what the grade tables computed is a proposal, which
the comprehensive evaluation (综合评价), the leading group's review (审议) and the provincial
sign-off (审定) see as a table and may amend, unit by unit, each change with its reason.

A unit (prefecture or county) keeps `computed_grade`, the DMN's grade, beside `grade`, the one
decided so far, and `amendments`, every change in order: who, at which step, when, from which
grade to which, why. A return at a gate sends the amended proposal back to the team; nothing is
forgotten on the way round. After each step the consequence table (result-flags.dmn) is decided
again on the grades as they stand, so the flags a gate sees are those of the grades it decides.

The problems found about a unit (its `findings`) travel with it from every source: the spot
check's problems, the experts' issues, the third party's findings and the departments' issues;
they are shown at the gates and fed back afterwards (rectification.py)."""

from __future__ import annotations

from typing import Any

from .categories import label_zh

GRADES = ("好", "较好", "一般")
SOURCES = {
    "spot_check": "抽考核实 / Spot check",
    "experts": "实地考评 / Field evaluation",
    "third_party": "第三方评估 / Third party",
    "department": "行业部门平时评价 / Routine evaluation",
}
# The consequences of a result (result-flags.dmn) as the gates' table and the export name them.
CONSEQUENCES = {
    "commendation": "表扬、资金项目倾斜 / Commendation, priority in funds and projects",
    "interview_reminder": "约谈提醒 / Interview",
    "listed_supervision": "挂牌督办 / Listed supervision",
    "revitalization_not_good": "乡村振兴战略实绩考核不得确定为“好” / Not 好 in the rural-revitalization performance assessment",
    "accountability": "追究责任 / Accountability",
}
ASPECT_NAMES = {"responsibility": "责任", "policy": "政策", "work": "工作", "results": "成效"}


def units_of(prefecture_results: list[dict], county_results: list[dict]) -> list[dict]:
    """Prefectures then counties, one list, each row saying its level."""
    return [{**u, "level": "prefecture"} for u in prefecture_results] + [
        {**u, "level": "county"} for u in county_results
    ]


def findings_of(
    spot_checks: list[dict] | None,
    expert_findings: dict | None,
    third_party_report: dict | None,
    routine_evaluations: list[dict] | None,
) -> dict[str, list[dict]]:
    """Every problem found, by the code of the unit it is about."""
    found: dict[str, list[dict]] = {}

    def add(code: Any, source: str, text: Any) -> None:
        text = str(text or "").strip()
        if code and text:
            found.setdefault(str(code), []).append({"source": source, "text": text})

    for check in spot_checks or []:
        for problem in check.get("problems") or []:
            add(check.get("code"), "spot_check", problem.get("text"))
        if check.get("serious_return_to_poverty"):
            add(check.get("code"), "spot_check", "经核实：返贫致贫问题突出和规模性风险较大")
        if check.get("falsification"):
            add(check.get("code"), "spot_check", "经核实：存在弄虚作假")
    for issue in (expert_findings or {}).get("issues") or []:
        add(issue.get("code"), "experts", issue.get("issue"))
    report = third_party_report or {}
    for finding in report.get("findings") or []:
        if isinstance(finding, dict):
            add(finding.get("code"), "third_party", finding.get("text"))
    for code in report.get("serious") or []:
        add(code, "third_party", "返贫致贫问题突出和规模性风险较大")
    for evaluation in routine_evaluations or []:
        source = f"department:{evaluation.get('department')}"
        for row in evaluation.get("scores") or []:
            add(row.get("code"), source, row.get("issue"))
    return found


def propose(
    units: list[dict], found: dict[str, list[dict]], spot_checks: list[dict] | None = None
) -> list[dict]:
    """The computed results as a proposal: nothing amended yet, the findings attached, and a
    falsification verified by the spot check marked on its county (Art. 8: 追究责任)."""
    falsified = {c.get("code") for c in spot_checks or [] if c.get("falsification")}
    return [
        {
            **u,
            "computed_grade": u["grade"],
            "amendments": [],
            "findings": found.get(u["code"], []),
            "falsification": u["code"] in falsified,
        }
        for u in units
    ]


def amend(units: list[dict], amendments: list[dict] | None, stage: str, by: str, at: str) -> list[dict]:
    """The units with this step's amendments applied; each kept on its unit. The amendments were
    checked when submitted (`check_amendments`), so an unknown code here changes nothing."""
    changes = {str(a["code"]): a for a in amendments or []}
    amended = []
    for unit in units:
        change = changes.get(unit["code"])
        if change and change.get("grade") in GRADES and change["grade"] != unit["grade"]:
            record = {
                "stage": stage,
                "by": by,
                "at": at,
                "from": unit["grade"],
                "to": change["grade"],
                "reason": str(change.get("reason") or "").strip(),
            }
            unit = {**unit, "grade": change["grade"], "amendments": [*unit.get("amendments", []), record]}
        amended.append(unit)
    return amended


def check_amendments(cleaned: dict, task_data: dict) -> dict[str, list[str]]:
    """The server's rules for the amendments of one step (the form states them; this enforces
    them): each names a unit of the proposal once, changes its grade to another of the three,
    gives a reason, and gives no unit 好 that the plan's serious-risk rule keeps from it."""
    units = {u["code"]: u for u in task_data.get("units") or []}
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for n, change in enumerate(cleaned.get("amendments") or []):
        where, code = f"amendments[{n}]", str(change.get("code") or "")
        unit = units.get(code)
        if unit is None:
            errors[f"{where}.code"] = [f"结果建议中没有单位 {code} / no unit {code} in the proposal"]
            continue
        if code in seen:
            errors[f"{where}.code"] = [f"{unit['name']} 已修改过一次 / {code} is amended twice"]
        seen.add(code)
        grade = change.get("grade")
        if grade not in GRADES:
            errors[f"{where}.grade"] = ["等次须为 好、较好 或 一般 / the grade is 好, 较好 or 一般"]
        elif grade == unit["grade"]:
            errors[f"{where}.grade"] = [f"{unit['name']} 已是“{grade}” / {code} is already {grade}"]
        elif grade == "好" and unit.get("good_ruled_out"):
            errors[f"{where}.grade"] = [
                f"{unit['name']} 经核实返贫致贫问题突出和规模性风险较大，按年度方案不得为“好” / "
                "the plan rules out 好 for a confirmed serious-risk finding"
            ]
        if not str(change.get("reason") or "").strip():
            errors[f"{where}.reason"] = ["修改等次须说明理由 / an amendment needs a reason"]
    return errors


def results_table(units: list[dict]) -> list[dict]:
    """The proposal as the gates read it, one flat row per unit (a form's table shows flat rows)."""
    return [
        {
            "level": "州(市)" if u.get("level") == "prefecture" else "县(市、区)",
            "code": u["code"],
            "name": u["name"],
            "category": label_zh(u.get("category")),
            "score": u.get("score"),
            "aspects": " · ".join(
                f"{ASPECT_NAMES[k]} {v}" for k, v in (u.get("aspects") or {}).items() if k in ASPECT_NAMES
            ),
            "computed_grade": u.get("computed_grade") or u.get("grade"),
            "grade": u["grade"],
            "consequences": "、".join(
                label.split(" / ")[0]
                for key, label in CONSEQUENCES.items()
                if (u.get("flags") or {}).get(key)
            ),
            "findings": "；".join(f["text"] for f in u.get("findings") or [])[:500],
            "amended": "；".join(
                f"{a['stage']} {a['from']}→{a['to']}（{a['reason']}）" for a in u.get("amendments") or []
            ),
        }
        for u in units
    ]


def split_units(units: list[dict]) -> tuple[list[dict], list[dict]]:
    """(prefectures, counties) of the decided units, as they are published."""
    return (
        [u for u in units if u.get("level") == "prefecture"],
        [u for u in units if u.get("level") == "county"],
    )
