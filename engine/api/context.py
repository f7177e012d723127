"""What a view needs from the request: the runtime of this app and the authenticated caller.
Authentication happens once, before every request, in `authenticate`."""
from __future__ import annotations

from flask import current_app, g, request

from ..auth.users import principal_for_token
from ..errors import Forbidden, Unauthorized
from ..runtime.principal import Principal
from ..runtime.runtime import Runtime

# Endpoints anyone may call (API.md): health, the OpenAPI document, signing in, and inbound
# webhooks, which carry signatures instead of tokens (checked in webhooks/inbound.py).
PUBLIC_ENDPOINTS = frozenset({"meta.health", "api-docs.openapi_json", "auth.token", "static",
                              "inbound.receive"})


def runtime() -> Runtime:
    return current_app.extensions["kaoping"]


def principal() -> Principal:
    return g.principal


def require_admin() -> Principal:
    caller = principal()
    if not caller.is_admin:
        raise Forbidden("only administrators may do this", code="admin_only")
    return caller


def authenticate() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return
    if not request.path.startswith("/api/"):
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("a bearer token is required", code="missing_token")
    with runtime().db.connect() as conn:
        g.principal = principal_for_token(conn, token.strip())
