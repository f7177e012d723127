"""The cycle dashboard (省级看板): where a cycle stands, how far each prefecture has got, and,
once published, the grades. The province sees every prefecture; a prefecture's officials see
their own row and counties; nobody else sees the page. Views only gather and render: what they
read is read_model.py's queries."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for

from engine.api.context import runtime
from engine.web.pages import _signed_in

from . import read_model, rectification, results
from .categories import LABELS
from .cycle_definitions import STAGES
from .divisions import Divisions

blp = Blueprint("dashboard", __name__, template_folder="templates")

PROVINCE_GROUPS = frozenset(
    {"provincial_office", "leading_group", "provincial_leadership", "assessment_team"}
)
STATUS = {
    "running": "进行中 / Running",
    "completed": "已完成 / Completed",
    "error": "出错 / Error",
    "suspended": "已暂停 / Suspended",
    "terminated": "已终止 / Terminated",
}
FLAGS = dict(zip(results.FLAG_COLUMNS, results.FLAG_HEADINGS, strict=True))


def _divisions() -> Divisions:
    return runtime().extensions.reference("divisions")


# --- who sees what -------------------------------------------------------------------------------


def province_wide(principal) -> bool:
    return principal.is_admin or bool(principal.groups & PROVINCE_GROUPS)


def scope(principal) -> tuple[str, ...] | None:
    """The prefecture codes the caller may see: all of them for the province, their own for a
    prefecture's officials, None for anyone else."""
    known = [p.code for p in _divisions().prefectures()]
    if province_wide(principal):
        return tuple(known)
    own = {group.removeprefix("prefecture:") for group in principal.groups if group.startswith("prefecture:")}
    codes = tuple(c for c in known if c in own)
    return codes or None


def _forbidden():
    return make_response(
        render_template("dashboard.html", forbidden=True, cycles=[], zone=runtime().clock.zone), 403
    )


# --- the pages -----------------------------------------------------------------------------------


@blp.route("/cycles")
def current():
    me = _signed_in()
    if scope(me) is None:
        return _forbidden()
    rt = runtime()
    with rt.db.connect() as conn:
        definitions = read_model.cycle_definitions(rt, conn)
        newest = read_model.newest_cycle(conn, definitions)
        if newest is not None:
            return redirect(url_for("dashboard.cycle", key=newest))
        cycles = read_model.cycles(conn, definitions)
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
        definitions = read_model.cycle_definitions(rt, conn)
        instance = read_model.cycle_instance(conn, definitions, key)
        if instance is None:
            abort(404)
        definition = definitions[instance.definition_key]
        cycle_key = definition.results_cycle(key)
        counts = read_model.progress(conn, instance.id, codes, now)
        where = read_model.standing(conn, instance, definition)
        published = read_model.published(conn, cycle_key, codes)
        cycles = read_model.cycles(conn, definitions)
    names = {p.code: p for p in _divisions().prefectures()}
    rows = [{"code": c, "name": names[c].name, "name_en": names[c].name_en, **counts[c]} for c in codes]
    total = {k: sum(counts[c][k] for c in codes) for k in ("done", "open", "overdue")}
    exports = None
    if published:
        exports = {fmt: url_for("cycles.published", cycle=cycle_key, format=fmt) for fmt in ("xlsx", "csv")}
    return render_template(
        "dashboard.html",
        instance=instance,
        key=key,
        title=definition.title(key),
        cycle=cycle_key,
        province=province_wide(me),
        rows=rows,
        total=total,
        stage=where,
        stages=STAGES[1:],
        gates=read_model.GATES,
        status=STATUS.get(instance.status, instance.status),
        published=published,
        exports=exports,
        flags=FLAGS,
        amendments_text=results.amendments_text,
        categories=LABELS,
        cycles=cycles,
        now=now,
        zone=rt.clock.zone,
    )


STATUSES = {"open": "未完成 / Open", "done": "已完成 / Done", "all": "全部 / All"}


@blp.route("/cycles/rectifications")
def rectifications():
    """Supervision of rectification (整改督办, Art. 7(6)): every problem fed back, across cycles,
    as far as the caller's groups reach (rectification.visible_to)."""
    me = _signed_in()
    if not (province_wide(me) or any(g.startswith(("prefecture:", "county:")) for g in me.groups)):
        return make_response(render_template("rectifications.html", forbidden=True), 403)
    rt = runtime()
    status = request.args.get("status", "open")
    if status not in STATUSES:
        status = "open"
    today = rt.clock.now().astimezone(rt.clock.zone).date()
    with rt.db.connect() as conn:
        found = rectification.listing(conn, me, status)
    rows = [rectification.with_state(r, today) for r in found]
    return render_template(
        "rectifications.html",
        rows=rows,
        status=status,
        statuses=STATUSES,
        overdue=sum(1 for r in rows if r["state"] == "overdue"),
        today=today,
    )
