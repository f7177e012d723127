"""The OpenAPI document tells the truth about errors: every error response is our envelope,
each operation names the statuses it answers instead of a catch-all, and what anyone may call
is marked public."""

from __future__ import annotations

import pytest

PUBLIC = {("get", "/api/v1/health"), ("post", "/api/v1/auth/token"), ("post", "/api/v1/inbound/{endpoint}")}


@pytest.fixture
def document(client):
    return client.get("/api/openapi.json").json


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method, path, operation


def _resolve(document, response):
    if "$ref" in response:
        name = response["$ref"].rsplit("/", 1)[-1]
        return document["components"]["responses"][name]
    return response


def test_every_error_response_is_the_envelope(document):
    envelope = document["components"]["schemas"]["Error"]
    assert envelope["required"] == ["error"] and set(envelope["properties"]) == {"error"}
    body = document["components"]["schemas"][envelope["properties"]["error"]["$ref"].rsplit("/", 1)[-1]]
    assert set(body["properties"]) == {"code", "message", "details"}
    for method, path, operation in _operations(document):
        assert "default" not in operation["responses"], (method, path)
        errors = {
            status: _resolve(document, response)
            for status, response in operation["responses"].items()
            if int(status) >= 400
        }
        assert errors, (method, path)
        for status, response in errors.items():
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)


def test_operations_declare_the_statuses_they_answer(document):
    for method, path, operation in _operations(document):
        statuses = set(operation["responses"])
        assert "400" in statuses, (method, path)  # malformed input, cursors included
        if (method, path) not in PUBLIC:
            assert "401" in statuses, (method, path)
        if "{" in path:
            assert "404" in statuses, (method, path)
        if "requestBody" in operation:
            assert {"413", "422"} <= statuses, (method, path)
    paths = document["paths"]
    assert "409" in paths["/api/v1/instances"]["post"]["responses"]  # a business key is taken
    assert "403" in paths["/api/v1/timers"]["get"]["responses"]  # administrators only
    assert "404" in paths["/api/v1/clock"]["get"]["responses"]  # the clock is not controlled


def test_public_endpoints_need_no_token(document):
    assert document["security"] == [{"bearer": []}]
    for method, path, operation in _operations(document):
        if (method, path) in PUBLIC:
            assert operation["security"] == [], (method, path)
        else:
            assert "security" not in operation, (method, path)  # the bearer requirement holds
