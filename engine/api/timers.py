from __future__ import annotations

from flask_smorest import Blueprint

from ..persistence import queries
from . import presenters
from .context import require_admin, runtime
from .schemas import PageArgs, TimerPage, paging

blp = Blueprint("timers", __name__, url_prefix="/api/v1/timers", description="Timers")


@blp.route("", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, TimerPage)
def index(args):
    """Waiting BPMN timers and the next occurrence of each timer start event, soonest first
    (task due dates are on the tasks themselves)."""
    require_admin()
    with runtime().db.read() as session:
        return presenters.page(queries.list_timers(session, **paging(args)))
