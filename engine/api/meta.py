from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from ..persistence import queries
from .context import runtime
from .schemas import HealthSchema

blp = Blueprint("meta", __name__, url_prefix="/api/v1", description="Health")


@blp.route("/health")
@blp.response(200, HealthSchema)
def health():
    try:
        with runtime().db.read() as session:
            database = "ok" if queries.database_answers(session) else "unavailable"
    except Exception:  # noqa: BLE001 - no connection at all: the answer is the same
        database = "unavailable"
    service = current_app.extensions.get("kaoping_scheduler")
    scheduler = service.state if service is not None else "off"
    return {"status": "ok" if database == "ok" else "degraded", "database": database, "scheduler": scheduler}
