"""What a view needs from the request: the runtime of this app and the authenticated caller,
for the API's views and the page's alike (the page sits above the API and imports this; the
API never imports the page). Authentication happens once, before every request: in
`authenticate` for the API, by token or by the page's session cookie (`page_principal`)."""

from __future__ import annotations

from flask import current_app, g, request, session
from flask_wtf.csrf import CSRFProtect, validate_csrf
from wtforms.validators import ValidationError

from ..auth.users import principal_for_token, principal_for_username
from ..errors import Forbidden, Unauthorized
from ..runtime import access
from ..runtime.principal import Principal
from ..runtime.runtime import Runtime

# Endpoints anyone may call (API.md): health, the OpenAPI document, signing in, and inbound
# webhooks, which carry signatures instead of tokens (checked in webhooks/inbound.py).
PUBLIC_ENDPOINTS = frozenset(
    {"meta.health", "api-docs.openapi_json", "auth.token", "static", "inbound.receive"}
)
# Who signed in to the page, in its session cookie (web/session.py signs in and out).
SESSION_USER = "user"
# The app's one CSRF guard: Flask-WTF checks the page's forms with it; the API's blueprints are
# exempt from that form check (api/__init__.py), `authenticate` checking the header instead.
csrf = CSRFProtect()


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


def page_principal(conn) -> Principal | None:
    """Who the page's session cookie says signed in, if they still exist."""
    username = session.get(SESSION_USER)
    if not username:
        return None
    principal = principal_for_username(conn, username)
    if principal is None:
        session.clear()
    return principal
