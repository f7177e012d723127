"""The API's shapes, as marshmallow schemas: they validate requests and generate the OpenAPI
document, so the contract the code checks and the one it publishes are the same."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from .inputs import VERSION_MAX

from .context import runtime


class Instant(fields.DateTime):
    """A moment as the API writes it: ISO 8601 in the engine's zone (KAOPING_TIMEZONE), the
    zone its clock keeps. Rows come back from the database in UTC and fresh ones from the
    clock in the engine's zone; both are written alike, so one moment has one spelling."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None:
            value = value.astimezone(runtime().clock.zone)
        return super()._serialize(value, attr, obj, **kwargs)


class ErrorBody(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    details = fields.Raw(allow_none=True)


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBody, required=True)


class PageArgs(Schema):
    limit = fields.Integer(load_default=None, validate=validate.Range(1, 1000))
    after = fields.String(load_default=None)


class TokenRequest(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True)


class TokenResponse(Schema):
    token = fields.String(required=True)


class DefinitionSchema(Schema):
    key = fields.String()
    version = fields.Integer()
    id = fields.String()
    name = fields.String(allow_none=True)
    created_at = Instant()
    deployed_by = fields.String(allow_none=True)


class DeployResponse(Schema):
    definitions = fields.List(fields.Nested(DefinitionSchema))


class DefinitionPage(Schema):
    items = fields.List(fields.Nested(DefinitionSchema))
    next = fields.String(allow_none=True)


class StartableSchema(Schema):
    key = fields.String()
    version = fields.Integer()
    name = fields.String(allow_none=True)


class StartablePage(Schema):
    items = fields.List(fields.Nested(StartableSchema))
    next = fields.String(allow_none=True)


class StartRequest(Schema):
    definition = fields.String(required=True)
    version = fields.Integer(load_default=None, validate=validate.Range(min=1, max=VERSION_MAX))
    business_key = fields.String(load_default=None, validate=validate.Length(1, 255))
    variables = fields.Dict(keys=fields.String(), load_default=dict)


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


class TaskPage(Schema):
    items = fields.List(fields.Nested(TaskSchema))
    next = fields.String(allow_none=True)


class TaskListArgs(PageArgs):
    state = fields.String(load_default="ready", validate=validate.OneOf(["ready", "completed"]))
    instance = fields.String(load_default=None)
    assigned = fields.String(load_default=None, validate=validate.OneOf(["me", "candidate"]))


class CompleteRequest(Schema):
    data = fields.Dict(keys=fields.String(), load_default=dict)


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


class InstancePage(Schema):
    items = fields.List(fields.Nested(InstanceSummarySchema))
    next = fields.String(allow_none=True)


class InstanceListArgs(PageArgs):
    definition = fields.String(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(
        ["running", "completed", "cancelled", "suspended", "error"]))
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


class EventPage(Schema):
    items = fields.List(fields.Nested(EventSchema))
    next = fields.String(allow_none=True)


class MessageRequest(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 255))
    business_key = fields.String(load_default=None)
    correlation = fields.Dict(keys=fields.String(), load_default=None)
    payload = fields.Dict(keys=fields.String(), load_default=None)
    ttl = fields.String(load_default=None)


class MessageResponse(Schema):
    correlated = fields.Integer()
    buffered = fields.Boolean()


class HealthSchema(Schema):
    status = fields.String()
    database = fields.String()
    scheduler = fields.String()
