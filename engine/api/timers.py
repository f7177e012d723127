from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..persistence import queries
from .context import require_admin, runtime
from .schemas import Instant, PageArgs

blp = Blueprint("timers", __name__, url_prefix="/api/v1/timers", description="Timers")


class TimerSchema(Schema):
    kind = fields.String()
    definition = fields.String(attribute="definition_key")
    version = fields.Integer()
    instance_id = fields.String(allow_none=True)
    element_id = fields.String()
    due_at = Instant()


class TimerPage(Schema):
    items = fields.List(fields.Nested(TimerSchema))
    next = fields.String(allow_none=True)


@blp.route("", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, TimerPage)
def index(args):
    """Waiting BPMN timers and the next occurrence of each timer start event, soonest first
    (task due dates are on the tasks themselves)."""
    require_admin()
    with runtime().db.read() as session:
        page = queries.list_timers(session, limit=queries.limit_of(args["limit"]), after=args["after"])
        return {"items": page.items, "next": page.next}
