from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from webhooks import inbound

from ..errors import TooLarge
from .context import require_admin, runtime
from .schemas import Instant

endpoints_blp = Blueprint("inbound_endpoints", __name__, url_prefix="/api/v1/inbound-endpoints",
                          description="Inbound endpoints (administrators)")
receive_blp = Blueprint("inbound", __name__, url_prefix="/api/v1/inbound",
                        description="Inbound webhooks: signed, no token")


class EndpointRequest(Schema):
    name = fields.String(required=True)
    message = fields.String(required=True)
    business_key_path = fields.String(load_default=None)
    correlation = fields.Dict(keys=fields.String(), values=fields.String(), load_default=None)
    ttl = fields.String(load_default=inbound.DEFAULT_TTL, allow_none=True)


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


class EndpointPage(Schema):
    items = fields.List(fields.Nested(EndpointSummary))
    next = fields.String(allow_none=True)


class ReceiptSchema(Schema):
    replayed = fields.Boolean()
    correlated = fields.Integer()
    buffered = fields.Boolean()


@endpoints_blp.route("", methods=["POST"])
@endpoints_blp.arguments(EndpointRequest)
@endpoints_blp.response(201, EndpointSchema)
def create(body):
    caller = require_admin()
    row, secret = inbound.create(runtime(), caller.username, body["name"], body["message"],
                                 business_key_path=body["business_key_path"],
                                 correlation=body["correlation"], ttl=body["ttl"])
    return {"name": row.name, "message": row.message, "business_key_path": row.business_key_path,
            "correlation": row.correlation, "ttl": row.ttl, "created_at": row.created_at,
            "secret": secret}


@endpoints_blp.route("", methods=["GET"])
@endpoints_blp.response(200, EndpointPage)
def index():
    require_admin()
    return {"items": inbound.listed(runtime()), "next": None}


@endpoints_blp.route("/<name>", methods=["DELETE"])
@endpoints_blp.response(204)
def remove(name):
    require_admin()
    inbound.remove(runtime(), name)


@receive_blp.route("/<endpoint>", methods=["POST"])
@receive_blp.response(202, ReceiptSchema)
@receive_blp.alt_response(200, schema=ReceiptSchema, description="a replayed webhook-id: nothing happens twice")
def receive(endpoint):
    limit = runtime().settings.max_inbound_bytes
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(f"the body exceeds {limit} bytes", code="body_too_large")  # before reading it
    body = request.stream.read(limit + 1)
    answer = inbound.receive(runtime(), endpoint, body, dict(request.headers))
    return answer, 200 if answer["replayed"] else 202
