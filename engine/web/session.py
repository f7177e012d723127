"""Signing in to the page: the same accounts as the API, a session cookie that is HttpOnly and
SameSite, and CSRF protection from Flask-WTF for every form and every unsafe API call the page
makes with its cookie."""

from __future__ import annotations

import hashlib

from flask import Flask, g, session

from webhooks.secrets import SecretBox

from ..api.context import SESSION_USER, csrf
from ..runtime.principal import Principal


def init_sessions(app: Flask, settings) -> None:
    # The session key is derived from the key that already guards stored secrets, so every
    # worker shares it without a new setting; it is never the same bytes.
    box_key = settings.secret_key or SecretBox.key_material(settings)
    app.config.update(
        SECRET_KEY=hashlib.sha256(b"kaoping-session:" + box_key.encode()).hexdigest(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_HEADERS=["X-CSRFToken"],
    )
    csrf.init_app(app)


def sign_in(username: str) -> None:
    session.clear()
    session[SESSION_USER] = username
    session.permanent = False


def sign_out() -> None:
    session.clear()


def current() -> Principal | None:
    return getattr(g, "principal", None)
