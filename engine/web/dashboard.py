"""The cycle dashboard (省级看板): where a cycle stands, how far each prefecture has got, and,
once published, the grades. The province sees every prefecture; a prefecture's officials see
their own row and counties; nobody else sees the page. Read-only: projection rows, audit
events and published results, never a deserialized workflow."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, make_response, redirect, render_template, url_for
from sqlalchemy import and_, case, func, select

from ..api.context import runtime
from ..persistence.models import AuditEvent, Instance, MessageWait, Task, TaskCandidate
from ..persistence.result_models import CycleResult
from ..assessment import results
from ..reference import load_divisions
from .pages import _signed_in

blp = Blueprint("dashboard", __name__, template_folder="templates")

CYCLE_DEFINITIONS = ("annual_evaluation", "transition_evaluation")
PROVINCE_GROUPS = frozenset({"provincial_office", "leading_group", "provincial_leadership",
                             "assessment_team"})

# Stages in the order a cycle passes them: (key, 中文, English).
STAGES = (
    ("opening", "启动", "Opening"),
    ("plan", "实施方案", "Plan"),
    ("self_assessment", "自评与评价", "Self-assessment and evaluations"),
    ("spot_check", "抽查", "Spot checks"),
    ("comprehensive", "综合评价", "Comprehensive evaluation"),
    ("review", "审议", "Leading-group review"),
    ("sign_off", "审定", "Provincial sign-off"),
    ("publication", "通报", "Publication"),
    ("rectification", "整改", "Rectification"),
    ("closed", "已结束", "Closed"),
)
ORDER = {key: n for n, (key, _, _) in enumerate(STAGES)}
LABELS = {key: f"{zh} / {en}" for key, zh, en in STAGES}
# Element ids of both shipped processes (the transition's carry a `t_` prefix) → stage.
ELEMENT_STAGE = {
    "plan_task": "plan",
    "self_assessment": "self_assessment", "routine_evaluation": "self_assessment",
    "expert_findings": "self_assessment", "five_year": "self_assessment",
    "spot_check": "spot_check",
    "comprehensive_evaluation": "comprehensive", "comprehensive": "comprehensive",
    "review": "review", "sign_off": "sign_off",
    "publish": "publication", "rectification": "rectification",
}
GATES = (("review", "审议", "Leading-group review"), ("sign_off", "审定", "Provincial sign-off"))
STATUS = {"running": "进行中 / Running", "completed": "已完成 / Completed",
          "error": "出错 / Error", "suspended": "已暂停 / Suspended",
          "terminated": "已终止 / Terminated"}
FLAGS = dict(zip(results.COLUMNS[7:], results.HEADINGS[7:]))
CATEGORIES = {"national_key": "国家重点帮扶县 / National key county",
              "provincial_key": "省级重点帮扶县 / Provincial key county",
              "other_poor": "其他脱贫县 / Other formerly poor county",
              "other": "其他有巩固任务县 / Other county with consolidation tasks"}




def _element_stage(element_id: str | None) -> str | None:
    if not element_id:
        return None
    return ELEMENT_STAGE.get(element_id.removeprefix("t_"))


def cycle_of(business_key: str) -> str:
    """The published-results key of a cycle: `annual-2021` → `2021`; a transition keeps its key."""
    return business_key.removeprefix("annual-")


# --- who sees what -------------------------------------------------------------------------------

def province_wide(principal) -> bool:
    return principal.is_admin or bool(principal.groups & PROVINCE_GROUPS)


def scope(principal) -> tuple[str, ...] | None:
    """The prefecture codes the caller may see: all of them for the province, their own for a
    prefecture's officials, None for anyone else."""
    known = [p.code for p in load_divisions().prefectures()]
    if province_wide(principal):
        return tuple(known)
    own = {group.removeprefix("prefecture:") for group in principal.groups
           if group.startswith("prefecture:")}
    codes = tuple(c for c in known if c in own)
    return codes or None


def _forbidden():
    return make_response(render_template("dashboard.html", forbidden=True, cycles=[],
                                         zone=runtime().clock.zone), 403)


# --- what the page reads -------------------------------------------------------------------------

def progress(conn, instance_id: str, codes, now) -> dict[str, dict[str, int]]:
    """Per prefecture, the instance's tasks done, open and overdue: ONE grouped query over the
    candidate table (a task belongs to a prefecture when `prefecture:{code}` is a candidate group)."""
    groups = [f"prefecture:{code}" for code in codes]
    ready = Task.state == "ready"
    query = (select(TaskCandidate.principal,
                    func.sum(case((Task.state == "completed", 1), else_=0)).label("done"),
                    func.sum(case((ready, 1), else_=0)).label("open"),
                    func.sum(case((and_(ready, Task.due_at < now), 1), else_=0)).label("overdue"))
             .select_from(Task)
             .join(TaskCandidate, TaskCandidate.task_id == Task.id)
             .where(Task.instance_id == instance_id, TaskCandidate.kind == "group",
                    TaskCandidate.principal.in_(groups))
             .group_by(TaskCandidate.principal))
    counts = {code: {"done": 0, "open": 0, "overdue": 0} for code in codes}
    for row in conn.execute(query):
        counts[row.principal.removeprefix("prefecture:")] = {
            "done": int(row.done or 0), "open": int(row.open or 0), "overdue": int(row.overdue or 0)}
    return counts


def standing(conn, instance) -> dict:
    """Where the cycle stands: the furthest stage among its ready tasks; with none ready, what
    the audit trail and the latest task say. And how often each gate returned the draft."""
    ready = conn.execute(select(Task.element_id).where(Task.instance_id == instance.id,
                                                       Task.state == "ready").distinct()).scalars().all()
    events = conn.execute(select(AuditEvent.type, AuditEvent.element, AuditEvent.actor,
                                 AuditEvent.at, AuditEvent.data)
                          .where(AuditEvent.instance_id == instance.id,
                                 AuditEvent.type.in_(("approval.decided", "results.published",
                                                      "deadline.escalated")))
                          .order_by(AuditEvent.id)).all()
    decisions = [e for e in events if e.type == "approval.decided"]
    published = any(e.type == "results.published" for e in events)
    returns = {gate: 0 for gate, _, _ in GATES}
    for e in decisions:
        if (e.data or {}).get("decision") == "return":
            gate = _element_stage(e.element)
            if gate in returns:
                returns[gate] += 1
    stages = [s for s in map(_element_stage, ready) if s]
    waiting = []
    if instance.status == "completed":
        stage = "closed"
    elif stages:
        stage = max(stages, key=ORDER.__getitem__)
    elif published:
        stage = "rectification"
    else:
        latest = conn.execute(select(Task.element_id).where(Task.instance_id == instance.id)
                              .order_by(Task.created_at.desc(), Task.id.desc()).limit(1)).scalar()
        stage = _element_stage(latest) or "opening"
        if decisions:  # between a gate's decision and the next task
            last = decisions[-1]
            gate, decision = _element_stage(last.element), (last.data or {}).get("decision")
            after = {"review": "sign_off", "sign_off": "publication"}.get(gate) \
                if decision == "approve" else "comprehensive"
            if after and ORDER[after] > ORDER[stage]:
                stage = after
        waiting = conn.execute(select(MessageWait.message_name)
                               .where(MessageWait.instance_id == instance.id)).scalars().all()
    return {"key": stage, "label": LABELS[stage], "index": ORDER[stage],
            "ready": sorted(ready), "waiting": sorted(waiting), "returns": returns,
            "decisions": decisions, "published": published,
            "escalated": [e for e in events if e.type == "deadline.escalated"]}


def _published(conn, instance, codes):
    cycle = cycle_of(instance.business_key or "")
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
    found["approvals"] = [{**a, "at": datetime.fromisoformat(a["at"]) if a.get("at") else None}
                          for a in found["approved_by"] or []]
    return found


def _cycles(conn):
    published = set(conn.execute(select(CycleResult.cycle)).scalars())
    rows = conn.execute(select(Instance.business_key, Instance.definition_key, Instance.status,
                               Instance.created_at)
                        .where(Instance.definition_key.in_(CYCLE_DEFINITIONS),
                               Instance.business_key.is_not(None))
                        .order_by(Instance.created_at.desc(), Instance.id.desc())).all()
    return [{"key": r.business_key, "title": _title(r.business_key),
             "kind": "annual" if r.definition_key == "annual_evaluation" else "transition",
             "status": r.status, "created_at": r.created_at,
             "published": cycle_of(r.business_key) in published} for r in rows]


def _title(key: str) -> str:
    if key.startswith("annual-"):
        year = key.removeprefix("annual-")
        return f"{year}年度考核评估 / {year} annual evaluation"
    if key.startswith("transition-"):
        years = key.removeprefix("transition-")
        return f"{years}年过渡期考核评估 / {years.replace('-', '–')} transition evaluation"
    return key


# --- the pages -----------------------------------------------------------------------------------

@blp.route("/cycles")
def current():
    me = _signed_in()
    if scope(me) is None:
        return _forbidden()
    rt = runtime()
    with rt.db.connect() as conn:
        newest = conn.execute(select(Instance.business_key)
                              .where(Instance.definition_key == "annual_evaluation",
                                     Instance.business_key.is_not(None))
                              .order_by(Instance.created_at.desc(), Instance.id.desc())
                              .limit(1)).scalar()
        if newest is not None:
            return redirect(url_for("dashboard.cycle", key=newest))
        cycles = _cycles(conn)
    return render_template("dashboard.html", empty=True, cycles=cycles, zone=rt.clock.zone)


@blp.route("/cycles/<key>")
def cycle(key):
    me = _signed_in()
    codes = scope(me)
    if codes is None:
        return _forbidden()
    rt = runtime()
    now = rt.clock.now()
    with rt.db.connect() as conn:
        instance = conn.execute(select(Instance.__table__).where(
            Instance.business_key == key, Instance.definition_key.in_(CYCLE_DEFINITIONS))
            .order_by(Instance.created_at.desc()).limit(1)).first()
        if instance is None:
            abort(404)
        counts = progress(conn, instance.id, codes, now)
        where = standing(conn, instance)
        published = _published(conn, instance, codes)
        cycles = _cycles(conn)
    names = {p.code: p for p in load_divisions().prefectures()}
    rows = [{"code": c, "name": names[c].name, "name_en": names[c].name_en, **counts[c]} for c in codes]
    total = {k: sum(r[k] for r in rows) for k in ("done", "open", "overdue")}
    cycle_key = cycle_of(key)
    exports = None
    if published:
        exports = {fmt: url_for("cycles.published", cycle=cycle_key, format=fmt) for fmt in ("xlsx", "csv")}
    return render_template(
        "dashboard.html", instance=instance, key=key, title=_title(key), cycle=cycle_key,
        province=province_wide(me), rows=rows, total=total, stage=where, stages=STAGES[1:],
        gates=GATES, status=STATUS.get(instance.status, instance.status), published=published,
        exports=exports, flags=FLAGS, categories=CATEGORIES, cycles=cycles, now=now,
        zone=rt.clock.zone)
