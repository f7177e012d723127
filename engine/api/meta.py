from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import text

from .context import runtime
from .schemas import HealthSchema

blp = Blueprint("meta", __name__, url_prefix="/api/v1", description="Health")


@blp.route("/health")
@blp.response(200, HealthSchema)
def health():
    try:
        with runtime().db.read() as session:
            session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # the answer to "is the database up" is the point of this endpoint
        database = "unavailable"
    service = current_app.extensions.get("kaoping_scheduler")
    scheduler = service.state if service is not None else "off"
    return {"status": "ok" if database == "ok" else "degraded", "database": database,
            "scheduler": scheduler}
