"""GET /api/v1/cycles/{cycle}/results: a cycle's published results, as JSON, CSV or XLSX."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.api.context import runtime
from engine.api.schemas import Instant

from . import results

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


@blp.route("/<cycle>/results", methods=["GET"])
@blp.arguments(ResultsArgs, location="query")
@blp.response(200, CycleResultsSchema)
@blp.alt_response(200, description="?format=csv (UTF-8 with BOM) or ?format=xlsx", content_type="text/csv")
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
