"""Feedback and rectification (考评反馈与整改, Art. 7(6)), and the follow-up of consequences (Art. 8).

"向各州(市)党委和政府反馈考核评估情况，并提出改进工作意见建议。督促认真整改问题，整改情况纳入乡村振兴
监督检查": after publication each prefecture is sent every problem found about it and its counties,
with the office's 改进意见; then the prefecture, and each county graded 一般 or with findings,
answers every problem with a measure, a date and who is responsible, and later reports each one
done. Every problem is a row of `rectification_items` from the moment it is fed back until it is
reported done, whatever cycle comes in between: supervision reads the open ones there.

The consequences a result carries (约谈提醒, 挂牌督办, 追究责任) each become a follow-up task of the
office, so that none is only a flag in a table."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, insert, or_, select, update

from .models import RectificationItem
from .proposal import CONSEQUENCES, SOURCES

if TYPE_CHECKING:
    from SpiffWorkflow.task import Task

    from engine.runtime.principal import Principal
    from engine.runtime.unit_of_work import Step

items = RectificationItem.__table__
# The consequences that each need the office to act on them (Art. 8, 11), named as everywhere.
FOLLOW_UPS = {k: CONSEQUENCES[k] for k in ("interview_reminder", "listed_supervision", "accountability")}
# Groups that supervise every unit's rectification (Art. 5, 7(6)); a unit's own group sees its own.
SUPERVISORS = frozenset({"provincial_office", "assessment_team", "leading_group", "provincial_leadership"})
GRADE_PROBLEM = "考核评估等次为“一般” / graded 一般"


def _source_label(source: str) -> str:
    return {**SOURCES, "grade": "考核评估等次 / Grade", "advice": "改进意见 / Advice"}.get(
        source.split(":")[0], source
    )


def feedback_of(units: list[dict]) -> list[dict]:
    """One feedback per prefecture: its own problems and its counties', and which of its counties
    must answer them (graded 一般 or with findings). The office adds the 改进意见."""
    counties: dict[str, list[dict]] = {}
    for unit in units:
        if unit.get("level") == "county":
            counties.setdefault(unit.get("prefecture") or "", []).append(unit)
    feedback = []
    for unit in units:
        if unit.get("level") != "prefecture":
            continue
        own = counties.get(unit["code"], [])
        problems = [
            {
                "unit": u["name"],
                "unit_code": u["code"],
                "source": _source_label(f["source"]),
                "source_key": f["source"],
                "text": f["text"],
            }
            for u in [unit, *own]
            for f in _problems(u)
        ]
        feedback.append(
            {
                "code": unit["code"],
                "name": unit["name"],
                "grade": unit["grade"],
                "problems": problems,
                "counties": [
                    {"code": c["code"], "name": c["name"], "grade": c["grade"], "problems": _problems(c)}
                    for c in own
                    if _problems(c)
                ],
                "advice": "",
            }
        )
    return feedback


def _problems(unit: dict) -> list[dict]:
    found = [{"source": f["source"], "text": f["text"]} for f in unit.get("findings") or []]
    if unit.get("grade") == "一般":
        found.insert(0, {"source": "grade", "text": GRADE_PROBLEM})
    return found


def rectifications_due(feedback_due: list[dict], feedbacks: list[dict]) -> list[dict]:
    """Who answers what: each prefecture (its own problems and the 改进意见) and each of its
    counties with problems; every problem numbered, its answers left for the unit's form. The
    feedback tasks give only their advice (in the order they were due): what was found, and about
    whom, is the feedback's own, not what a form sent back."""
    due = []
    for fb, sent in zip(feedback_due, feedbacks, strict=True):
        advice = str((sent or {}).get("advice") or "").strip()
        own = [
            {"source": p["source_key"], "text": p["text"]}
            for p in fb.get("problems") or []
            if p["unit_code"] == fb["code"]
        ]
        if advice:
            own.append({"source": "advice", "text": f"改进意见 / Advice: {advice}"})
        due.append(_unit("prefecture", fb["code"], fb["name"], None, fb["grade"], advice, own))
        for county in fb.get("counties") or []:
            due.append(
                _unit(
                    "county",
                    county["code"],
                    county["name"],
                    fb["code"],
                    county["grade"],
                    advice,
                    county["problems"],
                )
            )
    return due


def _unit(level, code, name, prefecture, grade, advice, problems) -> dict:
    return {
        "level": level,
        "code": code,
        "name": name,
        "prefecture": prefecture,
        "grade": grade,
        "advice": advice,
        "problems": [
            {"number": n, "source": p["source"], "text": p["text"]} for n, p in enumerate(problems, start=1)
        ],
    }


PLANNED = ("measure", "deadline", "responsible")
REPORTED = ("done", "outcome")


def answer_form(unit: dict) -> dict:
    """What the unit's form shows and fills: its problems and the answers so far. The unit itself
    (which unit, at which level) stays apart, so no answer can change whose problems they are."""
    return {
        "name": unit["name"],
        "grade": unit["grade"],
        "advice": unit.get("advice") or "",
        "problems": [dict(p) for p in unit.get("problems") or []],
    }


def take_answers(unit: dict, answer: dict, fields: tuple[str, ...]) -> dict:
    """The unit with the answers to its own problems taken from the form, by problem number;
    a problem reported done stays done."""
    given = {p.get("number"): p for p in (answer or {}).get("problems") or []}
    problems = []
    for p in unit.get("problems") or []:
        new = {f: given[p["number"]][f] for f in fields if f in given.get(p["number"], {})}
        problems.append(
            {**p, **new, "done": bool(p.get("done") or new.get("done"))} if "done" in fields else {**p, **new}
        )
    return {**unit, "problems": problems}


def latest_deadline(unit: dict) -> str:
    """When the unit's report is due: the latest date it set itself."""
    return max((p["deadline"] for p in unit.get("problems") or [] if p.get("deadline")), default="")


def all_rectified(unit: dict) -> bool:
    return all(p.get("done") for p in unit.get("problems") or [])


def follow_ups_of(units: list[dict]) -> list[dict]:
    """One task of the office per consequence a published unit carries (Art. 8)."""
    return [
        {
            "code": u["code"],
            "name": u["name"],
            "level": u.get("level"),
            "kind": kind,
            "label": label,
            "grade": u["grade"],
            "reasons": "；".join(f["text"] for f in u.get("findings") or [])[:2000] or f"等次 {u['grade']}",
        }
        for u in units
        for kind, label in FOLLOW_UPS.items()
        if (u.get("flags") or {}).get(kind)
    ]


# --- tracking, in the step that completes each task (a task hook) ---------------------------------


def track(step: Step, task: Task, properties: Mapping[str, str]) -> None:
    """`rectificationsOpened` (an expression giving the units due), `rectificationPlanned` and
    `rectificationReported` (an expression giving one unit with its answered problems)."""
    for key, apply in (
        ("rectificationsOpened", _opened),
        ("rectificationPlanned", _planned),
        ("rectificationReported", _reported),
    ):
        if properties.get(key):
            value = step.rt.script_engine.evaluate(task, properties[key])
            apply(step, str(task.data.get("cycle") or ""), value)


def _opened(step: Step, cycle: str, units: list[dict]) -> None:
    known = {
        (r.unit_code, r.number)
        for r in step.conn.execute(select(items.c.unit_code, items.c.number).where(items.c.cycle == cycle))
    }
    rows = [
        {
            "cycle": cycle,
            "instance_id": step.instance.id,
            "unit_code": unit["code"],
            "level": unit["level"],
            "unit_name": unit["name"],
            "prefecture_code": unit.get("prefecture"),
            "number": p["number"],
            "source": p["source"],
            "problem": p["text"],
            "advice": unit.get("advice") or None,
            "status": "open",
            "opened_at": step.now,
        }
        for unit in units
        for p in unit.get("problems") or []
        if (unit["code"], p["number"]) not in known
    ]
    if rows:
        step.conn.execute(insert(items), rows)
    step.record("rectification.opened", actor="system", data={"cycle": cycle, "problems": len(rows)})


def _planned(step: Step, cycle: str, unit: dict) -> None:
    for p in unit.get("problems") or []:
        step.conn.execute(
            update(items)
            .where(items.c.cycle == cycle, items.c.unit_code == unit["code"], items.c.number == p["number"])
            .values(
                measure=p.get("measure") or None,
                responsible=p.get("responsible") or None,
                due_on=date.fromisoformat(p["deadline"]) if p.get("deadline") else None,
                planned_at=step.now,
            )
        )


def _reported(step: Step, cycle: str, unit: dict) -> None:
    for p in unit.get("problems") or []:
        where = and_(items.c.cycle == cycle, items.c.unit_code == unit["code"], items.c.number == p["number"])
        if p.get("done"):
            step.conn.execute(
                update(items)
                .where(where, items.c.status == "open")
                .values(status="done", done_at=step.now, outcome=p.get("outcome") or None)
            )
        else:
            step.conn.execute(update(items).where(where).values(outcome=p.get("outcome") or None))


# --- supervision ----------------------------------------------------------------------------------


def visible_to(principal: Principal):
    """Supervisors and administrators see every unit; a prefecture its own and its counties'; a
    county its own; anyone else nothing."""
    if principal.is_admin or principal.groups & SUPERVISORS:
        return None
    prefectures = [g.split(":", 1)[1] for g in principal.groups if g.startswith("prefecture:")]
    counties = [g.split(":", 1)[1] for g in principal.groups if g.startswith("county:")]
    return or_(
        items.c.unit_code.in_(prefectures + counties),
        items.c.prefecture_code.in_(prefectures),
    )


def listing(
    conn: Connection, principal: Principal, status: str = "open", cycle: str | None = None
) -> list[dict[str, Any]]:
    query = select(items).order_by(
        items.c.due_on.is_(None), items.c.due_on, items.c.cycle, items.c.unit_code, items.c.number
    )
    seen = visible_to(principal)
    if seen is not None:
        query = query.where(seen)
    if status != "all":
        query = query.where(items.c.status == status)
    if cycle:
        query = query.where(items.c.cycle == cycle)
    return [dict(r._mapping) for r in conn.execute(query)]


HEADINGS = (
    "周期 / Cycle",
    "层级 / Level",
    "代码 / Code",
    "单位 / Unit",
    "序号 / No.",
    "来源 / Source",
    "问题 / Problem",
    "整改措施 / Measure",
    "责任人 / Responsible",
    "整改时限 / Due",
    "状态 / Status",
    "完成情况 / Outcome",
)


STATES = {"open": "未完成 / Open", "overdue": "逾期 / Overdue", "done": "已完成 / Done"}


def with_state(row: dict[str, Any], today: date) -> dict[str, Any]:
    """A row with where it stands today: done, open, or open past the date its unit set."""
    late = row["status"] == "open" and row["due_on"] is not None and row["due_on"] < today
    state = "overdue" if late else row["status"]
    return {**row, "state": state, "state_label": STATES[state], "source_label": _source_label(row["source"])}


def table(rows: list[dict[str, Any]], today: date) -> list[list[Any]]:
    lines: list[list[Any]] = [list(HEADINGS)]
    for r in map(lambda row: with_state(row, today), rows):
        lines.append(
            [
                r["cycle"],
                r["level"],
                r["unit_code"],
                r["unit_name"],
                r["number"],
                _source_label(r["source"]),
                r["problem"],
                r["measure"] or "",
                r["responsible"] or "",
                r["due_on"].isoformat() if r["due_on"] else "",
                r["state_label"],
                r["outcome"] or "",
            ]
        )
    return lines


def as_csv(rows: list[dict[str, Any]], today: date) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(table(rows, today))
    return "\ufeff" + out.getvalue()
