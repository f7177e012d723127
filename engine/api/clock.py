from __future__ import annotations

from flask_smorest import Blueprint

from ..clock import parse_duration, parse_instant
from ..errors import NotFound
from ..scheduler.drain import move_clock
from .context import require_admin, runtime
from .schemas import ClockSchema, MoveClock

blp = Blueprint(
    "clock",
    __name__,
    url_prefix="/api/v1/clock",
    description="The controlled clock (KAOPING_CONTROLLED_CLOCK=1 only)",
)


def _controlled_clock():
    clock = runtime().clock
    if not clock.controlled:
        raise NotFound("the clock is the system's; start with KAOPING_CONTROLLED_CLOCK=1", code="not_found")
    return clock


@blp.route("", methods=["GET"])
@blp.response(200, ClockSchema)
def show():
    clock = _controlled_clock()
    require_admin()  # as moving it: the page and the scheduler read the clock in-process
    return {"now": clock.now().isoformat(), "controlled": True}


@blp.route("", methods=["POST"])
@blp.arguments(MoveClock)
@blp.response(200, ClockSchema)
def move(body):
    clock = _controlled_clock()
    require_admin()
    target = (
        parse_instant(body["now"], clock.zone)
        if body["now"]
        else clock.now() + parse_duration(body["advance"])
    )
    fired = move_clock(runtime(), target)  # answers once everything due by then has fired
    return {"now": clock.now().isoformat(), "controlled": True, "fired": fired}
