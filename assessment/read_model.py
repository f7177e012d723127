"""What the cycle dashboard reads, as queries: projection rows (tasks, candidates, message
waits), audit events and published results, never a deserialized workflow. Which processes
are cycles, and their elements' stages, come from the deployed definitions (cycle_definitions)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, and_, case, func, select

from engine.persistence.models import AuditEvent, Definition, Instance, MessageWait, Task, TaskCandidate

from . import results
from .cycle_definitions import LABELS, LANDING_KIND, ORDER, CycleDefinition, cycle_definition
from .models import CycleResult

if TYPE_CHECKING:
    from engine.runtime.runtime import Runtime

GATES = (("review", "审议", "Leading-group review"), ("sign_off", "审定", "Provincial sign-off"))


def cycle_definitions(rt: Runtime, conn: Connection) -> dict[str, CycleDefinition]:
    """The cycles among the processes that have instances with a business key, by definition
    key. Each key's latest version says what it is, for every version: instances started on a
    version deployed before its properties said so are still the cycles they were."""
    keyed = select(Instance.definition_key).where(Instance.business_key.is_not(None)).distinct()
    rows = conn.execute(
        select(Definition.id, Definition.key)
        .where(Definition.key.in_(keyed))
        .order_by(Definition.key, Definition.version.desc())
    ).all()
    latest: dict[str, str] = {}
    for row in rows:
        latest.setdefault(row.key, row.id)
    found = {}
    for key, definition_id in latest.items():
        declared = cycle_definition(rt.definitions.get(conn, definition_id))
        if declared is not None:
            found[key] = declared
    return found


def newest_cycle(conn: Connection, definitions: dict[str, CycleDefinition]) -> str | None:
    """The business key of the newest cycle the page opens on (LANDING_KIND)."""
    keys = [k for k, d in definitions.items() if d.kind == LANDING_KIND]
    return conn.execute(
        select(Instance.business_key)
        .where(Instance.definition_key.in_(keys), Instance.business_key.is_not(None))
        .order_by(Instance.created_at.desc(), Instance.id.desc())
        .limit(1)
    ).scalar()


def cycle_instance(conn: Connection, definitions: dict[str, CycleDefinition], key: str) -> Row | None:
    return conn.execute(
        select(Instance.__table__)
        .where(Instance.business_key == key, Instance.definition_key.in_(list(definitions)))
        .order_by(Instance.created_at.desc())
        .limit(1)
    ).first()


def cycles(conn: Connection, definitions: dict[str, CycleDefinition]) -> list[dict[str, Any]]:
    published = set(conn.execute(select(CycleResult.cycle)).scalars())
    rows = conn.execute(
        select(Instance.business_key, Instance.definition_key, Instance.status, Instance.created_at)
        .where(Instance.definition_key.in_(list(definitions)), Instance.business_key.is_not(None))
        .order_by(Instance.created_at.desc(), Instance.id.desc())
    ).all()
    listed = []
    for r in rows:
        definition = definitions[r.definition_key]
        listed.append(
            {
                "key": r.business_key,
                "title": definition.title(r.business_key),
                "kind": definition.kind,
                "status": r.status,
                "created_at": r.created_at,
                "published": definition.results_cycle(r.business_key) in published,
            }
        )
    return listed


def progress(
    conn: Connection, instance_id: str, codes: Iterable[str], now: datetime
) -> dict[str, dict[str, int]]:
    """Per prefecture, the instance's tasks done, open and overdue: ONE grouped query over the
    candidate table (a task belongs to a prefecture when `prefecture:{code}` is a candidate group)."""
    codes = list(codes)
    groups = [f"prefecture:{code}" for code in codes]
    ready = Task.state == "ready"
    query = (
        select(
            TaskCandidate.principal,
            func.sum(case((Task.state == "completed", 1), else_=0)).label("done"),
            func.sum(case((ready, 1), else_=0)).label("open"),
            func.sum(case((and_(ready, Task.due_at < now), 1), else_=0)).label("overdue"),
        )
        .select_from(Task)
        .join(TaskCandidate, TaskCandidate.task_id == Task.id)
        .where(
            Task.instance_id == instance_id,
            TaskCandidate.kind == "group",
            TaskCandidate.principal.in_(groups),
        )
        .group_by(TaskCandidate.principal)
    )
    counts = {code: {"done": 0, "open": 0, "overdue": 0} for code in codes}
    for row in conn.execute(query):
        counts[row.principal.removeprefix("prefecture:")] = {
            "done": int(row.done or 0),
            "open": int(row.open or 0),
            "overdue": int(row.overdue or 0),
        }
    return counts


def standing(conn: Connection, instance: Row, definition: CycleDefinition) -> dict[str, Any]:
    """Where the cycle stands: the furthest stage among its ready tasks; with none ready, what
    the audit trail and the latest task say. And how often each gate returned the draft."""
    stage_of = definition.stage_of
    ready = (
        conn.execute(
            select(Task.element_id).where(Task.instance_id == instance.id, Task.state == "ready").distinct()
        )
        .scalars()
        .all()
    )
    events = conn.execute(
        select(AuditEvent.type, AuditEvent.element, AuditEvent.actor, AuditEvent.at, AuditEvent.data)
        .where(
            AuditEvent.instance_id == instance.id,
            AuditEvent.type.in_(("approval.decided", "results.published", "deadline.escalated")),
        )
        .order_by(AuditEvent.id)
    ).all()
    decisions = [e for e in events if e.type == "approval.decided"]
    published = any(e.type == "results.published" for e in events)
    returns = {gate: 0 for gate, _, _ in GATES}
    for e in decisions:
        if (e.data or {}).get("decision") == "return":
            gate = stage_of(e.element)
            if gate in returns:
                returns[gate] += 1
    stages = [s for s in map(stage_of, ready) if s]
    waiting: Sequence[str] = []
    if instance.status == "completed":
        stage = "closed"
    elif stages:
        stage = max(stages, key=ORDER.__getitem__)
    elif published:
        stage = "rectification"
    else:
        latest = conn.execute(
            select(Task.element_id)
            .where(Task.instance_id == instance.id)
            .order_by(Task.created_at.desc(), Task.id.desc())
            .limit(1)
        ).scalar()
        stage = stage_of(latest) or "opening"
        if decisions:  # between a gate's decision and the next task
            last = decisions[-1]
            gate, decision = stage_of(last.element), (last.data or {}).get("decision")
            after_approval: dict[str | None, str] = {"review": "sign_off", "sign_off": "publication"}
            after = after_approval.get(gate) if decision == "approve" else "comprehensive"
            if after and ORDER[after] > ORDER[stage]:
                stage = after
        waiting = (
            conn.execute(select(MessageWait.message_name).where(MessageWait.instance_id == instance.id))
            .scalars()
            .all()
        )
    return {
        "key": stage,
        "label": LABELS[stage],
        "index": ORDER[stage],
        "ready": sorted(ready),
        "waiting": sorted(waiting),
        "returns": returns,
        "decisions": decisions,
        "published": published,
        "escalated": [e for e in events if e.type == "deadline.escalated"],
    }


def published(conn: Connection, cycle: str, codes: Iterable[str]) -> dict[str, Any] | None:
    """A cycle's published results as far as the caller's prefectures go; None before then."""
    if conn.execute(select(CycleResult.cycle).where(CycleResult.cycle == cycle)).first() is None:
        return None
    found = results.read(conn, cycle)
    allowed = set(codes)
    found["prefectures"] = [r for r in found["prefectures"] if r["code"] in allowed]
    counties: dict[str, list] = {}
    for row in found["counties"]:
        if row["prefecture_code"] in allowed:
            counties.setdefault(row["prefecture_code"], []).append(row)
    found["counties_by_prefecture"] = counties
    found["amended"] = [
        r for r in found["prefectures"] + [c for rows in counties.values() for c in rows] if r["amendments"]
    ]
    found["approvals"] = [
        {**a, "at": datetime.fromisoformat(a["at"]) if a.get("at") else None}
        for a in found["approved_by"] or []
    ]
    return found
