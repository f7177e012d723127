"""The API's shapes, as marshmallow schemas: they validate requests and generate the OpenAPI
document, so the contract the code checks and the one it publishes are the same. Every shape of
the engine's API is here, by area; an extension keeps its own beside its blueprint, paging with
the helpers below (`PageArgs`, `page_of`)."""

from __future__ import annotations

from functools import cache

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from webhooks.inbound import DEFAULT_TTL

from ..persistence.paging import MAX_LIMIT, limit_of
from .context import runtime
from .inputs import VERSION_MAX


class Instant(fields.DateTime):
    """A moment as the API writes it: ISO 8601 in the engine's zone (KAOPING_TIMEZONE), the
    zone its clock keeps. Rows come back from the database in UTC and fresh ones from the
    clock in the engine's zone; both are written alike, so one moment has one spelling."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None:
            value = value.astimezone(runtime().clock.zone)
        return super()._serialize(value, attr, obj, **kwargs)


# ── errors (api/errors.py writes them) ──────────────────────────────────────────────────────


class ErrorBody(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    details = fields.Raw(allow_none=True)


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBody, required=True)


# ── paging: every list answers a page, and a paged list takes PageArgs ─────────────────────


class PageArgs(Schema):
    """The query of a paged list: `limit` rows after the cursor `after` (the last page's
    `next`); a list with filters extends it."""

    limit = fields.Integer(load_default=None, validate=validate.Range(1, MAX_LIMIT))
    after = fields.String(load_default=None)


def paging(args: dict) -> dict:
    """PageArgs as the read queries take them: `limit=`, `after=`."""
    return {"limit": limit_of(args["limit"]), "after": args["after"]}


@cache
def page_of(item: type[Schema], name: str | None = None) -> type[Schema]:
    """The answer of a list: `{"items": [item, ...], "next": cursor or null}`. One class per
    item schema (the document has one component for it), named `<Item>Page` after the item
    without its `Schema` or `Summary` (a summary is the row as its list shows it)."""
    if name is None:
        name = item.__name__.removesuffix("Schema").removesuffix("Summary") + "Page"
    return type(
        name,
        (Schema,),
        {
            "__module__": __name__,
            "items": fields.List(fields.Nested(item)),
            "next": fields.String(allow_none=True),
        },
    )


# ── auth ───────────────────────────────────────────────────────────────────────────────────


class TokenRequest(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True)


class TokenResponse(Schema):
    token = fields.String(required=True)


# ── definitions ────────────────────────────────────────────────────────────────────────────


class DefinitionSchema(Schema):
    key = fields.String()
    version = fields.Integer()
    id = fields.String()
    name = fields.String(allow_none=True)
    created_at = Instant()
    deployed_by = fields.String(allow_none=True)


class DeployResponse(Schema):
    definitions = fields.List(fields.Nested(DefinitionSchema))


DefinitionPage = page_of(DefinitionSchema)


# ── tasks ──────────────────────────────────────────────────────────────────────────────────


class TaskSchema(Schema):
    id = fields.String()
    instance_id = fields.String()
    element_id = fields.String()
    name = fields.String(allow_none=True)
    lane = fields.String(allow_none=True)
    candidate_groups = fields.List(fields.String())
    assignee = fields.String(allow_none=True)
    due_at = Instant(allow_none=True)
    form_key = fields.String(allow_none=True)
    created_at = Instant()
    state = fields.String()


class TaskDetailSchema(TaskSchema):
    form = fields.Dict(allow_none=True)
    data = fields.Dict()


TaskPage = page_of(TaskSchema)


class TaskListArgs(PageArgs):
    state = fields.String(load_default="ready", validate=validate.OneOf(["ready", "completed"]))
    instance = fields.String(load_default=None)
    assigned = fields.String(load_default=None, validate=validate.OneOf(["me", "candidate"]))


class CompleteRequest(Schema):
    data = fields.Dict(keys=fields.String(), load_default=dict)


# ── instances ──────────────────────────────────────────────────────────────────────────────


class StartableSchema(Schema):
    key = fields.String()
    version = fields.Integer()
    name = fields.String(allow_none=True)


StartablePage = page_of(StartableSchema)


class StartRequest(Schema):
    definition = fields.String(required=True)
    version = fields.Integer(load_default=None, validate=validate.Range(min=1, max=VERSION_MAX))
    business_key = fields.String(load_default=None, validate=validate.Length(1, 255))
    variables = fields.Dict(keys=fields.String(), load_default=dict)


class InstanceSchema(Schema):
    id = fields.String()
    definition = fields.String(attribute="definition_key")
    version = fields.Integer()
    business_key = fields.String(allow_none=True)
    status = fields.String()
    variables = fields.Dict()
    active_tasks = fields.List(fields.Nested(TaskSchema))
    error = fields.Dict(allow_none=True)
    created_at = Instant()
    ended_at = Instant(allow_none=True)


class InstanceSummarySchema(InstanceSchema):
    class Meta:
        exclude = ("active_tasks",)


InstancePage = page_of(InstanceSummarySchema)


class InstanceListArgs(PageArgs):
    definition = fields.String(load_default=None)
    status = fields.String(
        load_default=None,
        validate=validate.OneOf(["running", "completed", "cancelled", "suspended", "error"]),
    )
    business_key = fields.String(load_default=None)


class RetryRequest(Schema):
    version = fields.Integer(load_default=None, validate=validate.Range(min=1, max=VERSION_MAX))


class EventSchema(Schema):
    at = Instant()
    type = fields.String()
    actor = fields.String()
    element = fields.String(allow_none=True)
    task_id = fields.String(allow_none=True)
    data = fields.Dict()


EventPage = page_of(EventSchema)


# ── messages ───────────────────────────────────────────────────────────────────────────────


class MessageRequest(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 255))
    business_key = fields.String(load_default=None)
    correlation = fields.Dict(keys=fields.String(), load_default=None)
    payload = fields.Dict(keys=fields.String(), load_default=None)
    ttl = fields.String(load_default=None)


class MessageResponse(Schema):
    correlated = fields.Integer()
    buffered = fields.Boolean()


# ── timers and the controlled clock ────────────────────────────────────────────────────────


class TimerSchema(Schema):
    kind = fields.String()
    definition = fields.String(attribute="definition_key")
    version = fields.Integer()
    instance_id = fields.String(allow_none=True)
    element_id = fields.String()
    due_at = Instant()


TimerPage = page_of(TimerSchema)


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


# ── outbound webhooks ──────────────────────────────────────────────────────────────────────


class SubscribeRequest(Schema):
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True)


class WebhookSchema(Schema):
    id = fields.String()
    url = fields.String()
    events = fields.List(fields.String())
    created_at = Instant()
    secret = fields.String(metadata={"description": "whsec_…, in the creation answer only"})


class WebhookSummary(WebhookSchema):
    class Meta:
        exclude = ("secret",)


WebhookPage = page_of(WebhookSummary)


class DeliverySchema(Schema):
    id = fields.Integer()
    webhook_id = fields.String()
    message_id = fields.String()
    event_type = fields.String()
    attempt = fields.Integer()
    status = fields.String()
    response_status = fields.Integer(allow_none=True)
    latency_ms = fields.Integer(allow_none=True)
    next_attempt_at = Instant(allow_none=True)
    created_at = Instant()


DeliveryPage = page_of(DeliverySchema)


class AttemptSchema(Schema):
    attempted_at = Instant()
    response_status = fields.Integer(allow_none=True)
    latency_ms = fields.Integer()
    response_excerpt = fields.String(allow_none=True)
    error = fields.String(allow_none=True)


AttemptList = page_of(AttemptSchema, name="AttemptList")  # the component's published name


# ── inbound webhooks ───────────────────────────────────────────────────────────────────────


class EndpointRequest(Schema):
    name = fields.String(required=True)
    message = fields.String(required=True)
    business_key_path = fields.String(load_default=None)
    correlation = fields.Dict(keys=fields.String(), values=fields.String(), load_default=None)
    ttl = fields.String(load_default=DEFAULT_TTL, allow_none=True)


class EndpointSchema(Schema):
    name = fields.String()
    message = fields.String()
    business_key_path = fields.String(allow_none=True)
    correlation = fields.Dict()
    ttl = fields.String(allow_none=True)
    created_at = Instant()
    secret = fields.String(metadata={"description": "whsec_…, in the creation answer only"})


class EndpointSummary(EndpointSchema):
    class Meta:
        exclude = ("secret",)


EndpointPage = page_of(EndpointSummary)


class ReceiptSchema(Schema):
    replayed = fields.Boolean()
    correlated = fields.Integer()
    buffered = fields.Boolean()


# ── meta ───────────────────────────────────────────────────────────────────────────────────


class HealthSchema(Schema):
    status = fields.String()
    database = fields.String()
    scheduler = fields.String()
