"""Instances on the page: a filtered list (administrators), and one instance with its diagram
marked (finished, active, waiting), its variables, its audit trail and, for administrators, the
levers (cancel, suspend, resume, retry)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, make_response, redirect, render_template, request, url_for

from ..api.context import runtime
from ..definitions.diagram import picture
from ..errors import Forbidden, KaopingError, NotFound
from ..persistence import queries
from ..runtime import access, inspect, lifecycle
from .pages import _signed_in

blp = Blueprint("web_instances", __name__, template_folder="templates")
LEVERS = {
    "cancel": lifecycle.cancel,
    "suspend": lifecycle.suspend,
    "resume": lifecycle.resume,
    "retry": lifecycle.retry,
}


def _admin():
    try:
        return access.require_admin(_signed_in())
    except Forbidden:
        abort(403)


def _readable(instance_id: str):
    me = _signed_in()
    with runtime().db.read() as session:
        try:
            return me, access.readable_instance(session, me, instance_id)
        except NotFound:
            abort(404)


@blp.route("/instances")
def index():
    _admin()
    with runtime().db.read() as session:
        page = queries.list_instances(
            session,
            definition=request.args.get("definition") or None,
            status=request.args.get("status") or None,
            business_key=request.args.get("business_key") or None,
            limit=200,
        )
    return render_template("instances.html", instances=page.items, zone=runtime().clock.zone)


@blp.route("/instances/<instance_id>")
def show(instance_id):
    me, row = _readable(instance_id)
    with runtime().db.read() as session:
        events = queries.list_events(session, instance_id, limit=1000).items
        tasks = access.open_tasks(session, me, instance_id)
    return render_template(
        "instance.html",
        instance=row,
        events=events,
        tasks=tasks,
        marks=inspect.element_states(runtime(), instance_id),
        zone=runtime().clock.zone,
    )


@blp.route("/instances/<instance_id>/diagram.xml")
def diagram(instance_id):
    _, row = _readable(instance_id)
    with runtime().db.read() as session:
        xml = queries.definition_of(session, instance_id).bpmn_xml
    return Response(picture(xml), mimetype="application/xml")


@blp.route("/instances/<instance_id>/<lever>", methods=["POST"])
def pull(instance_id, lever):
    me = _signed_in()
    if lever not in LEVERS:
        abort(404)
    try:
        LEVERS[lever](runtime(), me, instance_id)
    except KaopingError as error:
        return make_response(render_template("error.html", error=error), error.status)
    return redirect(url_for("web_instances.show", instance_id=instance_id))
