from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from webhooks import delivery, subscriptions
from webhooks.delivery import attempts, deliveries

from ..errors import NotFound
from ..persistence import queries
from ..persistence.webhook_models import Webhook
from .context import require_admin, runtime
from .schemas import Instant, PageArgs

blp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks",
                description="Outbound webhooks (administrators)")


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


class WebhookPage(Schema):
    items = fields.List(fields.Nested(WebhookSummary))
    next = fields.String(allow_none=True)


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


class DeliveryPage(Schema):
    items = fields.List(fields.Nested(DeliverySchema))
    next = fields.String(allow_none=True)


class AttemptSchema(Schema):
    attempted_at = Instant()
    response_status = fields.Integer(allow_none=True)
    latency_ms = fields.Integer()
    response_excerpt = fields.String(allow_none=True)
    error = fields.String(allow_none=True)


class AttemptList(Schema):
    items = fields.List(fields.Nested(AttemptSchema))
    next = fields.String(allow_none=True)


@blp.route("", methods=["POST"])
@blp.arguments(SubscribeRequest)
@blp.response(201, WebhookSchema)
def subscribe(body):
    caller = require_admin()
    webhook, secret = subscriptions.create(runtime(), caller.username, body["url"], body["events"])
    return {"id": webhook.id, "url": webhook.url, "events": webhook.events,
            "created_at": webhook.created_at, "secret": secret}


@blp.route("", methods=["GET"])
@blp.response(200, WebhookPage)
def index():
    require_admin()
    return {"items": subscriptions.listed(runtime()), "next": None}


@blp.route("/<webhook_id>", methods=["DELETE"])
@blp.response(204)
def unsubscribe(webhook_id):
    require_admin()
    subscriptions.remove(runtime(), webhook_id)


@blp.route("/<webhook_id>/deliveries", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, DeliveryPage)
def deliveries_of(args, webhook_id):
    require_admin()
    with runtime().db.read() as session:
        if session.get(Webhook, webhook_id) is None:
            raise NotFound(f"webhook {webhook_id} not found", code="webhook_not_found")
        page = queries.list_deliveries(session, webhook_id, limit=queries.limit_of(args["limit"]),
                                       after=args["after"])
        return {"items": page.items, "next": page.next}


@blp.route("/deliveries/<int:delivery_id>/attempts", methods=["GET"])
@blp.response(200, AttemptList)
def attempts_of(delivery_id):
    require_admin()
    with runtime().db.connect() as conn:
        if conn.execute(select(deliveries.c.id).where(deliveries.c.id == delivery_id)).first() is None:
            raise NotFound(f"delivery {delivery_id} not found", code="delivery_not_found")
        rows = conn.execute(select(attempts).where(attempts.c.delivery_id == delivery_id)
                            .order_by(attempts.c.id)).all()
    return {"items": rows, "next": None}


@blp.route("/deliveries/<int:delivery_id>/redeliver", methods=["POST"])
@blp.response(201, DeliverySchema)
def redeliver(delivery_id):
    require_admin()
    return delivery.redeliver(runtime(), delivery_id)
