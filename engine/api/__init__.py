"""The REST API: one blueprint per area of API.md, documented by flask-smorest."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from ..errors import KaopingError
from . import auth, clock, definitions, errors, inbound, instances, messages, meta, tasks, timers, webhooks
from .context import authenticate, csrf
from .openapi import ErrorResponses
from .schemas import ErrorSchema


class KaopingApi(Api):
    # Errors are documented as what errors.py writes, and per status (openapi.py), never as a
    # catch-all "default" that would let any status pass for documented.
    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def handle_http_exception(self, error):
        return errors.http_error(error)


def init_api(app: Flask) -> None:
    app.config.update(
        API_TITLE="Kaoping 考评",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    api = KaopingApi(app, spec_kwargs={"extra_plugins": [ErrorResponses()]})
    blueprints = (
        meta.blp,
        auth.blp,
        definitions.blp,
        instances.blp,
        tasks.blp,
        messages.blp,
        timers.blp,
        clock.blp,
        webhooks.blp,
        inbound.endpoints_blp,
        inbound.receive_blp,
        *app.extensions["kaoping"].extensions.api_blueprints(),
    )
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    # Each API request authenticates itself (a token, or the page's cookie with the CSRF
    # header, checked in context.py), so Flask-WTF's form check stays off the API.
    for blueprint in blueprints:
        csrf.exempt(blueprint)
    app.before_request(authenticate)
    app.register_error_handler(KaopingError, errors.domain_error)
    app.register_error_handler(Exception, errors.unexpected_error)
