"""The OpenAPI document's errors, told as the code answers them: every error response is API.md's
envelope (one schema component), each operation lists the statuses it can answer, and the
endpoints anyone may call say so with `security: []`.

Most statuses follow from an operation's shape, which the document itself knows (a path
parameter can name nothing: 404; a body can be too large: 413); the refusals that only the
domain knows (who may do what, what conflicts) are listed per endpoint in DOMAIN_ANSWERS."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from apispec import BasePlugin
from werkzeug.routing import Rule

from .context import PUBLIC_ENDPOINTS

# Refusals raised by the views and the commands they call, beyond what `_shape_answers` derives.
DOMAIN_ANSWERS: dict[str, frozenset[int]] = {
    "auth.token": frozenset({401}),  # wrong username or password
    "definitions.create": frozenset({413, 422}),  # upload too large; deploy problems
    "definitions.latest": frozenset({403}),  # administrators only
    "definitions.versions": frozenset({403}),
    "definitions.xml": frozenset({403}),
    "instances.start": frozenset({403, 404, 409}),  # may not start; no such definition; key taken
    "instances.index": frozenset({403}),
    "instances.cancel": frozenset({409}),  # the instance is not in a state that allows it
    "instances.suspend": frozenset({409}),
    "instances.resume": frozenset({409}),
    "instances.retry": frozenset({409}),
    "tasks.claim": frozenset({409}),  # the task is no longer ready
    "tasks.unclaim": frozenset({409}),
    "tasks.complete": frozenset({409, 422}),  # ...; the form's own rules
    "timers.index": frozenset({403}),
    "clock.show": frozenset({403, 404}),  # administrators only; the clock is not controlled
    "clock.move": frozenset({404, 409}),  # ...; it never moves backwards
    "webhooks.index": frozenset({403}),
    "webhooks.deliveries_of": frozenset({403}),
    "webhooks.attempts_of": frozenset({403}),
    "inbound_endpoints.create": frozenset({409}),  # the name is taken
    "inbound_endpoints.index": frozenset({403}),
    "inbound.receive": frozenset({401, 413, 422}),  # signature; body size; payload
}

_UNSAFE = frozenset({"post", "put", "patch", "delete"})


class ErrorResponses(BasePlugin):
    """An apispec plugin: it sees each operation as flask-smorest documents it, before the
    string response names become references to the envelope-shaped response components."""

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, rule: Rule | None = None, **kwargs: Any
    ) -> None:
        if rule is None or not operations:
            return
        public = rule.endpoint in PUBLIC_ENDPOINTS
        for method, operation in operations.items():
            statuses = _shape_answers(rule, method, operation, public)
            statuses |= DOMAIN_ANSWERS.get(rule.endpoint, frozenset())
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses):
                responses.setdefault(str(status), HTTPStatus(status).name)
            if public:
                operation["security"] = []


def _shape_answers(rule: Rule, method: str, operation: dict, public: bool) -> set[int]:
    # 400: bodies, queries and paths are held to engine/json_input.py's rules, and cursors
    # must be the server's own.
    statuses = {400}
    if not public:
        statuses.add(401)
        if method in _UNSAFE:
            statuses.add(403)  # the page's cookie without its CSRF token
    if rule.arguments:
        statuses.add(404)
    if "requestBody" in operation:
        statuses |= {413, 422}
    if any(p.get("in") == "query" for p in operation.get("parameters", []) if isinstance(p, dict)):
        statuses.add(422)
    return statuses
