"""Every request's input held to engine/json_input.py's rules before a view sees it: JSON bodies
(whatever parses them: Flask, webargs or a view), query strings, form fields and path
parameters. Installed on the whole app, so the page and the API answer bad input alike."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter

from .. import json_input

# Inbound webhooks verify a signature over the raw bytes before anything else and then parse
# with json_input themselves (webhooks/inbound.py); reading the body here would consume it.
RAW_BODY_ENDPOINTS = frozenset({"inbound.receive"})

VERSION_MAX = 2**31 - 1  # definition versions are INTEGER columns on PostgreSQL


class BoundedJSONProvider(DefaultJSONProvider):
    """`request.get_json()` and Flask's `json.loads` parse with the bounds."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return json_input.loads(s)


class Int64Converter(IntegerConverter):
    """`<int:…>`: ids are BIGINT at most; a larger number names nothing, so it matches no route."""

    def __init__(self, map, fixed_digits=0, min=None, max=json_input.INT64_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class VersionConverter(Int64Converter):
    """`<version:…>`: a definition version, 1 to INTEGER's maximum."""

    def __init__(self, map):
        super().__init__(map, min=1, max=VERSION_MAX)


def init_inputs(app: Flask) -> None:
    """Before any blueprint is registered: converters are looked up when a rule is added."""
    app.json = BoundedJSONProvider(app)
    app.url_map.converters["int"] = Int64Converter
    app.url_map.converters["version"] = VersionConverter
    app.before_request(check_input)


def check_input() -> None:
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and json_input.unstorable_text(value):
            raise json_input.text_error(name)
    for source in (request.args, _plain_form()):
        for name, value in source.items(multi=True):
            if json_input.unstorable_text(name):
                raise json_input.text_error("a parameter's name")
            if json_input.unstorable_text(value):
                raise json_input.text_error(name)
    if request.is_json and request.endpoint not in RAW_BODY_ENDPOINTS and request.get_data(cache=True):
        # Parsed and cached now, so a bad body is refused the same way wherever it was headed;
        # an empty body stays "no body", which optional bodies rely on.
        request.get_json()


def _plain_form() -> MultiDict:
    # Only url-encoded forms (the page's sign-in and filters): parsing a multipart upload here
    # would read it before the deploy endpoint's own size check.
    if request.mimetype == "application/x-www-form-urlencoded":
        return request.form
    return MultiDict()
