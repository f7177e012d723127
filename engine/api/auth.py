from __future__ import annotations

from flask_smorest import Blueprint

from ..auth.users import token_for_password
from .context import runtime
from .schemas import TokenRequest, TokenResponse

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign in")


@blp.route("/token", methods=["POST"])
@blp.arguments(TokenRequest)
@blp.response(200, TokenResponse)
def token(body):
    rt = runtime()
    with rt.db.write() as session:
        return {"token": token_for_password(session, body["username"], body["password"], rt.clock.now())}
