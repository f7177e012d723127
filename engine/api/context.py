"""What a view needs from the request: the runtime of this app and the authenticated caller.
Authentication happens once, before every request, in `authenticate`."""
from __future__ import annotations

from flask import current_app, g, request
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from ..auth.users import principal_for_token
from ..errors import Forbidden, Unauthorized
from ..runtime import access
from ..runtime.principal import Principal
from ..runtime.runtime import Runtime
from ..web.session import page_principal

# Endpoints anyone may call (API.md): health, the OpenAPI document, signing in, and inbound
# webhooks, which carry signatures instead of tokens (checked in webhooks/inbound.py).
PUBLIC_ENDPOINTS = frozenset({"meta.health", "api-docs.openapi_json", "auth.token", "static",
                              "inbound.receive"})


def runtime() -> Runtime:
    return current_app.extensions["kaoping"]


def principal() -> Principal:
    return g.principal


def require_admin() -> Principal:
    return access.require_admin(principal())


def authenticate() -> None:
    """A bearer token, or the page's session cookie (then an unsafe method must also carry the
    page's CSRF token: a cookie is sent by the browser whoever asks it to)."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return
    if not request.path.startswith("/api/"):
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    with runtime().db.connect() as conn:
        if scheme.lower() == "bearer" and token.strip():
            g.principal = principal_for_token(conn, token.strip())
            return
        g.principal = page_principal(conn)
    if g.principal is None:
        raise Unauthorized("a bearer token is required", code="missing_token")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except ValidationError:
            raise Forbidden("the page's CSRF token is missing or wrong", code="csrf") from None
