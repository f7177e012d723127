from __future__ import annotations

from flask_smorest import Blueprint

from ..runtime.messages import correlate
from .context import principal, runtime
from .schemas import MessageRequest, MessageResponse

blp = Blueprint("messages", __name__, url_prefix="/api/v1/messages", description="Messages")


@blp.route("", methods=["POST"])
@blp.arguments(MessageRequest)
@blp.response(200, MessageResponse)
def post(body):
    delivered, kept = correlate(
        runtime(),
        principal(),
        body["name"],
        business_key=body["business_key"],
        correlation=body["correlation"],
        payload=body["payload"],
        ttl=body["ttl"],
    )
    return {"correlated": delivered, "buffered": kept}
