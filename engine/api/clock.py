from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validates_schema, ValidationError

from ..clock import parse_duration, parse_instant
from ..errors import NotFound
from ..scheduler.drain import move_clock
from .context import require_admin, runtime

blp = Blueprint("clock", __name__, url_prefix="/api/v1/clock",
                description="The controlled clock (KAOPING_CONTROLLED_CLOCK=1 only)")


class ClockSchema(Schema):
    now = fields.String()
    controlled = fields.Boolean()
    fired = fields.Integer()


class MoveClock(Schema):
    now = fields.String(load_default=None)
    advance = fields.String(load_default=None)

    @validates_schema
    def one_of(self, data, **_):
        if (data["now"] is None) == (data["advance"] is None):
            raise ValidationError("give exactly one of now or advance", field_name="now")


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
    target = (parse_instant(body["now"], clock.zone) if body["now"]
              else clock.now() + parse_duration(body["advance"]))
    fired = move_clock(runtime(), target)  # answers once everything due by then has fired
    return {"now": clock.now().isoformat(), "controlled": True, "fired": fired}
