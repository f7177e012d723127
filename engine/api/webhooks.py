from __future__ import annotations

from flask_smorest import Blueprint

from webhooks import delivery, subscriptions

from . import presenters
from .context import require_admin, runtime
from .schemas import (
    AttemptList,
    DeliveryPage,
    DeliverySchema,
    PageArgs,
    SubscribeRequest,
    WebhookPage,
    WebhookSchema,
    paging,
)

blp = Blueprint(
    "webhooks", __name__, url_prefix="/api/v1/webhooks", description="Outbound webhooks (administrators)"
)


@blp.route("", methods=["POST"])
@blp.arguments(SubscribeRequest)
@blp.response(201, WebhookSchema)
def subscribe(body):
    caller = require_admin()
    webhook, secret = subscriptions.create(runtime(), caller.username, body["url"], body["events"])
    return presenters.webhook(webhook, secret)


@blp.route("", methods=["GET"])
@blp.response(200, WebhookPage)
def index():
    require_admin()
    return presenters.page(subscriptions.listed(runtime()))


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
    return presenters.page(delivery.deliveries_of(runtime(), webhook_id, **paging(args)))


@blp.route("/deliveries/<int:delivery_id>/attempts", methods=["GET"])
@blp.response(200, AttemptList)
def attempts_of(delivery_id):
    require_admin()
    return presenters.page(delivery.attempts_of(runtime(), delivery_id))


@blp.route("/deliveries/<int:delivery_id>/redeliver", methods=["POST"])
@blp.response(201, DeliverySchema)
def redeliver(delivery_id):
    require_admin()
    return delivery.redeliver(runtime(), delivery_id)
