"""Publishing (通报, Art. 8): the approved results of a cycle become rows officials can read
and export, and a `results.published` event. Written in the step that publishes them."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from engine.errors import NotFound
from engine.persistence.models import AuditEvent
from engine.runtime.unit_of_work import Step

from .categories import label_zh
from .models import CycleResult, UnitResult
from .proposal import CONSEQUENCES, GRADES

cycles, units, audit = CycleResult.__table__, UnitResult.__table__, AuditEvent.__table__


def publish(step: Step, cycle: str, kind: str, data: dict[str, Any]) -> None:
    conn, now = step.conn, step.now
    approvals = _approvals(conn, step.instance.id) + [
        e["data"] | {"element": e["element"], "actor": e["actor"], "at": e["at"].isoformat()}
        for e in step.journal.events
        if e["type"] == "approval.decided"
    ]
    approved_by = list({a["gate"]: a for a in approvals if a.get("decision") == "approve"}.values())
    conn.execute(delete(units).where(units.c.cycle == cycle))
    conn.execute(delete(cycles).where(cycles.c.cycle == cycle))
    conn.execute(
        insert(cycles).values(
            cycle=cycle,
            kind=kind,
            year=int(data.get("year") or 0),
            instance_id=step.instance.id,
            published_at=now,
            approved_by=approved_by,
            notice={"number": data.get("notice_number"), "text": data.get("notice")},
        )
    )
    prefectures, counties = _decided(data)
    rows = [_row(cycle, "prefecture", r) for r in prefectures] + [_row(cycle, "county", r) for r in counties]
    if rows:
        conn.execute(insert(units), rows)
    counts = Counter(r["grade"] for r in prefectures)
    step.record(
        "results.published",
        actor="system",
        data={
            "cycle": cycle,
            "kind": kind,
            "prefectures": {g: counts.get(g, 0) for g in GRADES},
            "approved_by": approved_by,
        },
    )


def _decided(data: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    """The units as the gates decided them: the proposal's `units` (each with its level), or
    the separate lists of a process that has no proposal step."""
    if "units" in data:
        decided = data["units"] or []
        return (
            [u for u in decided if u.get("level") == "prefecture"],
            [u for u in decided if u.get("level") == "county"],
        )
    return data.get("prefecture_results", []), data.get("county_results", [])


def _row(cycle: str, level: str, unit: dict) -> dict:
    return {
        "cycle": cycle,
        "code": unit["code"],
        "level": level,
        "name": unit["name"],
        "prefecture_code": unit.get("prefecture"),
        "category": unit.get("category"),
        "grade": unit["grade"],
        "computed_grade": unit.get("computed_grade") or unit["grade"],
        "amendments": list(unit.get("amendments") or []),
        "findings": list(unit.get("findings") or []),
        "score": float(unit["score"]),
        "scores": unit.get("scores") or unit.get("annual_scores") or {},
        "flags": {
            **(unit.get("flags") or {}),
            "serious_return_to_poverty": bool(unit.get("serious_return_to_poverty")),
            "serious_self_reported": bool(unit.get("serious_self_reported")),
            "highlight": bool(unit.get("highlight")),
            "falsification": bool(unit.get("falsification")),
        },
    }


def _approvals(conn: Connection, instance_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(audit.c.element, audit.c.actor, audit.c.at, audit.c.data)
        .where(audit.c.instance_id == instance_id, audit.c.type == "approval.decided")
        .order_by(audit.c.id)
    )
    return [{**r.data, "element": r.element, "actor": r.actor, "at": r.at.isoformat()} for r in rows]


def read(conn: Connection, cycle: str) -> dict[str, Any]:
    head = conn.execute(select(cycles).where(cycles.c.cycle == cycle)).first()
    if head is None:
        raise NotFound(f"no published results for cycle {cycle}", code="results_not_found")
    rows = conn.execute(
        select(units).where(units.c.cycle == cycle).order_by(units.c.level.desc(), units.c.code)
    ).all()
    as_dict = [dict(r._mapping) for r in rows]
    return {
        "cycle": head.cycle,
        "kind": head.kind,
        "year": head.year,
        "published_at": head.published_at,
        "approved_by": head.approved_by,
        "notice": head.notice,
        "prefectures": [r for r in as_dict if r["level"] == "prefecture"],
        "counties": [r for r in as_dict if r["level"] == "county"],
    }


def scores_of(conn: Connection, cycle: str, level: str = "prefecture") -> list[dict[str, Any]]:
    """A published cycle's scores (for the transition evaluation); empty if not published."""
    rows = conn.execute(
        select(units.c.code, units.c.score, units.c.grade).where(
            units.c.cycle == cycle, units.c.level == level
        )
    )
    return [dict(r._mapping) for r in rows]


COLUMNS = (
    "level",
    "code",
    "name",
    "prefecture_code",
    "category",
    "computed_grade",
    "grade",
    "amendments",
    "score",
    *CONSEQUENCES,
    "serious_return_to_poverty",
    "highlight",
    "findings",
)
HEADINGS = (
    "层级 / Level",
    "代码 / Code",
    "名称 / Name",
    "所属州市 / Prefecture",
    "类别 / Category",
    "计算等次 / Computed grade",
    "等次 / Grade",
    "等次修改 / Amendments",
    "得分 / Score",
    *CONSEQUENCES.values(),
    "返贫致贫问题突出和规模性风险较大 / Prominent return-to-poverty problems, high large-scale risk",
    "创新亮点 / Highlight",
    "发现的问题 / Findings",
)


FLAG_COLUMNS, FLAG_HEADINGS = COLUMNS[9:-1], HEADINGS[9:-1]  # the consequences and marks, each a yes/no


def table(results: dict[str, Any]) -> list[list[Any]]:
    lines: list[list[Any]] = [list(HEADINGS)]
    for row in results["prefectures"] + results["counties"]:
        flags = row["flags"] or {}
        lines.append(
            [
                row["level"],
                row["code"],
                row["name"],
                row["prefecture_code"] or "",
                label_zh(row["category"]),
                row["computed_grade"] or row["grade"],
                row["grade"],
                amendments_text(row["amendments"]),
                row["score"],
                *(bool(flags.get(k)) for k in FLAG_COLUMNS),
                "；".join(f["text"] for f in row["findings"] or []),
            ]
        )
    return lines


def amendments_text(amendments: list[dict] | None) -> str:
    """ "审议 较好→好 wang.leader 2022-02-10: reason" for each amendment, in order."""
    return "；".join(
        f"{a['stage']} {a['from']}→{a['to']} {a['by']} {str(a.get('at', ''))[:10]}：{a['reason']}"
        for a in amendments or []
    )


def as_csv(results: dict) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(table(results))
    return "\ufeff" + out.getvalue()  # a BOM, so spreadsheet programs read the Chinese right


def as_xlsx(results: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = f"{results['cycle']}"[:31]
    for line in table(results):
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
