"""Process definitions on the page (administrators): every version of each key, a version in
the bpmn-js modeler (its XML beside it, for what the bare modeler does not edit, such as a
timer's date) and its DMN tables in dmn-js; deploying from the page goes through the same API,
and a refusal is shown at the element it names."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from ..api.context import runtime
from ..errors import Forbidden
from ..persistence import queries
from ..persistence.models import Definition
from ..runtime import access
from .pages import _signed_in

blp = Blueprint("web_definitions", __name__, template_folder="templates")


def _admin():
    try:
        return access.require_admin(_signed_in())
    except Forbidden:
        abort(403)


def _version(key: str, version: int) -> Definition:
    with runtime().db.read() as session:
        row = queries.definition_version(session, key, version)
    if row is None:
        abort(404)
    return row


@blp.route("/definitions")
def index():
    _admin()
    with runtime().db.read() as session:
        latest = queries.latest_definitions(session, limit=1000).items
        versions = {d.key: queries.definition_versions(session, d.key, limit=1000).items for d in latest}
    return render_template("definitions.html", latest=latest, versions=versions, zone=runtime().clock.zone)


@blp.route("/definitions/<key>/<version:version>")
def model(key, version):
    _admin()
    row = _version(key, version)
    return render_template("modeler.html", definition=row, dmn=sorted((row.files or {}).get("dmn", {})))


@blp.route("/definitions/<key>/<version:version>/bpmn.xml")
def bpmn_xml(key, version):
    _admin()
    return Response(_version(key, version).bpmn_xml, mimetype="application/xml")


@blp.route("/definitions/<key>/<version:version>/dmn/<name>")
def decision(key, version, name):
    _admin()
    row = _version(key, version)
    if name not in (row.files or {}).get("dmn", {}):
        abort(404)
    return render_template("dmn.html", definition=row, name=name)


@blp.route("/definitions/<key>/<version:version>/dmn/<name>/xml")
def dmn_xml(key, version, name):
    _admin()
    text = (_version(key, version).files or {}).get("dmn", {}).get(name)
    if text is None:
        abort(404)
    return Response(text, mimetype="application/xml")
