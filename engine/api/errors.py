"""One mapping from errors to API.md's envelope: `{"error": {"code", "message", "details"}}`."""

from __future__ import annotations

import logging

from flask import jsonify
from werkzeug.exceptions import HTTPException

from ..errors import KaopingError

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    500: "internal_error",
}


def envelope(status: int, code: str, message: str, details=None):
    response = jsonify({"error": {"code": code, "message": message, "details": details}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="kaoping"'
    return response


def domain_error(error: KaopingError):
    return envelope(error.status, error.code, error.message, error.details)


def http_error(error: HTTPException):
    status = error.code or 500
    details = None
    data = getattr(error, "data", None) or {}
    if "messages" in data:  # webargs/marshmallow request validation
        details = _flatten(data["messages"])
        status = 422 if status in (400, 422) else status
    message = "the request has invalid fields" if details else (error.description or error.name)
    response = envelope(status, _HTTP_CODES.get(status, "error"), message, details)
    # What the exception says in headers stays said (a 405's Allow, RFC 9110).
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def unexpected_error(error: Exception):
    log.exception("unhandled error")
    return envelope(500, "internal_error", "internal error")


def _flatten(messages: dict) -> dict:
    # webargs nests by location ({"json": {...}, "query": {...}}); clients care about fields.
    flat: dict = {}
    for location in messages.values():
        if isinstance(location, dict):
            flat.update(location)
    return flat or messages
