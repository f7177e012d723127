from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from webhooks import inbound

from ..errors import TooLarge
from . import presenters
from .context import require_admin, runtime
from .schemas import EndpointPage, EndpointRequest, EndpointSchema, ReceiptSchema

endpoints_blp = Blueprint(
    "inbound_endpoints",
    __name__,
    url_prefix="/api/v1/inbound-endpoints",
    description="Inbound endpoints (administrators)",
)
receive_blp = Blueprint(
    "inbound", __name__, url_prefix="/api/v1/inbound", description="Inbound webhooks: signed, no token"
)


@endpoints_blp.route("", methods=["POST"])
@endpoints_blp.arguments(EndpointRequest)
@endpoints_blp.response(201, EndpointSchema)
def create(body):
    caller = require_admin()
    row, secret = inbound.create(
        runtime(),
        caller.username,
        body["name"],
        body["message"],
        business_key_path=body["business_key_path"],
        correlation=body["correlation"],
        ttl=body["ttl"],
    )
    return presenters.endpoint(row, secret)


@endpoints_blp.route("", methods=["GET"])
@endpoints_blp.response(200, EndpointPage)
def index():
    require_admin()
    return presenters.page(inbound.listed(runtime()))


@endpoints_blp.route("/<name>", methods=["DELETE"])
@endpoints_blp.response(204)
def remove(name):
    require_admin()
    inbound.remove(runtime(), name)


@receive_blp.route("/<endpoint>", methods=["POST"])
@receive_blp.response(202, ReceiptSchema)
@receive_blp.alt_response(
    200, schema=ReceiptSchema, description="a replayed webhook-id: nothing happens twice"
)
def receive(endpoint):
    limit = runtime().settings.max_inbound_bytes
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(f"the body exceeds {limit} bytes", code="body_too_large")  # before reading it
    body = request.stream.read(limit + 1)
    answer = inbound.receive(runtime(), endpoint, body, dict(request.headers))
    return answer, 200 if answer["replayed"] else 202
