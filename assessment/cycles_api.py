"""GET /api/v1/cycles/{cycle}/results: a cycle's published results, as JSON, CSV or XLSX; and
GET /api/v1/rectifications: the problems fed back to the units and how far each is rectified."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.api.context import principal, runtime
from engine.api.schemas import Instant

from . import rectification, results

blp = Blueprint("cycles", __name__, url_prefix="/api/v1/cycles", description="Published results")


class ResultsArgs(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv", "xlsx"]))


class UnitResultSchema(Schema):
    code = fields.String()
    level = fields.String()
    name = fields.String()
    prefecture_code = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    grade = fields.String()
    computed_grade = fields.String(allow_none=True)
    amendments = fields.List(fields.Dict())
    findings = fields.List(fields.Dict())
    score = fields.Float()
    scores = fields.Dict()
    flags = fields.Dict()


class CycleResultsSchema(Schema):
    cycle = fields.String()
    kind = fields.String()
    year = fields.Integer()
    published_at = Instant()
    approved_by = fields.List(fields.Dict())
    notice = fields.Dict()
    prefectures = fields.List(fields.Nested(UnitResultSchema))
    counties = fields.List(fields.Nested(UnitResultSchema))


# ?format=csv and ?format=xlsx answer 200 with these bodies instead of JSON: documented as more
# content types of the same 200 response (an alt_response for 200 would stand in for the JSON one).
CSV = {"text/csv": {"schema": {"type": "string", "description": "UTF-8 with BOM"}}}
XLSX = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}
    }
}


@blp.route("/<cycle>/results", methods=["GET"])
@blp.arguments(ResultsArgs, location="query")
@blp.response(200, CycleResultsSchema)
@blp.doc(responses={200: {"content": {**CSV, **XLSX}}})
def published(args, cycle):
    """A cycle's published results (`2021`, …, `transition-2021-2025`), for every signed-in user:
    grades, scores, flags and who approved; as JSON, CSV or XLSX."""
    with runtime().db.connect() as conn:
        found = results.read(conn, cycle)
    if args["format"] == "csv":
        return Response(
            results.as_csv(found),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="results-{cycle}.csv"'},
        )
    if args["format"] == "xlsx":
        return Response(
            results.as_xlsx(found),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="results-{cycle}.xlsx"'},
        )
    return found


supervision = Blueprint(
    "rectifications", __name__, url_prefix="/api/v1/rectifications", description="Tracked rectification"
)


class RectificationArgs(Schema):
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "done", "all"]))
    cycle = fields.String(load_default=None)
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


class RectificationItemSchema(Schema):
    cycle = fields.String()
    level = fields.String()
    unit_code = fields.String()
    unit_name = fields.String()
    prefecture_code = fields.String(allow_none=True)
    number = fields.Integer()
    source = fields.String()
    problem = fields.String()
    advice = fields.String(allow_none=True)
    measure = fields.String(allow_none=True)
    responsible = fields.String(allow_none=True)
    due_on = fields.Date(allow_none=True)
    status = fields.String()
    opened_at = Instant()
    planned_at = Instant(allow_none=True)
    done_at = Instant(allow_none=True)
    outcome = fields.String(allow_none=True)


class RectificationListSchema(Schema):
    items = fields.List(fields.Nested(RectificationItemSchema))


@supervision.route("", methods=["GET"])
@supervision.arguments(RectificationArgs, location="query")
@supervision.response(200, RectificationListSchema)
@supervision.doc(responses={200: {"content": CSV}})
def rectifications(args):
    """Every problem fed back (Art. 7(6)) and how far it is rectified, across cycles: the province's
    supervising groups see every unit's, a prefecture its own and its counties', a county its own.
    `status` is `open` (default), `done` or `all`."""
    rt = runtime()
    with rt.db.connect() as conn:
        found = rectification.listing(conn, principal(), args["status"], args["cycle"])
    if args["format"] == "csv":
        today = rt.clock.now().astimezone(rt.clock.zone).date()
        return Response(
            rectification.as_csv(found, today),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="rectifications.csv"'},
        )
    return {"items": found}
