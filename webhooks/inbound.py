"""Inbound endpoints: a signed request from outside becomes a BPMN message.

A request is verified (Standard Webhooks signature and timestamp tolerance, by the
`standardwebhooks` library), its `webhook-id` recorded so a replay changes nothing, and the
message kept durably before the 202; then it is delivered through the runtime's one path, or
waits (buffered) for its catcher until the endpoint's ttl runs out."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, delete, insert, select
from sqlalchemy.exc import IntegrityError
from standardwebhooks.webhooks import Webhook as Verifier
from standardwebhooks.webhooks import WebhookVerificationError

from engine import json_input
from engine.clock import parse_duration
from engine.errors import BadRequest, Conflict, Invalid, NotFound, TooLarge, Unauthorized
from engine.persistence.webhook_models import InboundEndpoint, InboundReceipt
from engine.runtime import messages
from engine.runtime.principal import Principal
from engine.runtime.runtime import Runtime

from .secrets import SecretBox, new_secret

endpoints, receipts = InboundEndpoint.__table__, InboundReceipt.__table__
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")
_PATH = re.compile(r"^\$(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$")
DEFAULT_TTL = "P30D"


def create(
    rt: Runtime,
    actor: str,
    name: str,
    message: str,
    *,
    business_key_path: str | None = None,
    correlation: dict[str, str] | None = None,
    ttl: str | None = DEFAULT_TTL,
) -> tuple[InboundEndpoint, str]:
    problems = {}
    if not _NAME.match(name or ""):
        problems["name"] = ["lowercase letters, digits, _ . - (up to 100)"]
    for field, path in [
        ("business_key_path", business_key_path),
        *((f"correlation.{k}", v) for k, v in (correlation or {}).items()),
    ]:
        if path is not None and not _PATH.match(path):
            problems[field] = ["a path like $.a.b or $.items[0].id"]
    if ttl:
        parse_duration(ttl)
    if problems:
        raise Invalid("invalid inbound endpoint", code="invalid_endpoint", details=problems)
    secret = new_secret()
    row = InboundEndpoint(
        name=name,
        message=message,
        business_key_path=business_key_path,
        correlation=correlation or {},
        ttl=ttl,
        secret_encrypted=SecretBox.from_settings(rt.settings).seal(secret),
        created_by=actor,
        created_at=rt.clock.now(),
    )
    try:
        with rt.db.write() as session:
            session.add(row)
    except IntegrityError:
        raise Conflict(f"inbound endpoint {name} exists", code="endpoint_exists") from None
    return row, secret


def listed(rt: Runtime) -> Sequence[Row[Any]]:
    with rt.db.connect() as conn:
        return conn.execute(select(endpoints).order_by(endpoints.c.name)).all()


def remove(rt: Runtime, name: str) -> None:
    with rt.db.transaction() as conn:
        if not conn.execute(delete(endpoints).where(endpoints.c.name == name)).rowcount:
            raise NotFound(f"inbound endpoint {name} not found", code="endpoint_not_found")


def receive(rt: Runtime, name: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    """→ the answer's body; raises the refusals (each changes nothing)."""
    if len(body) > rt.settings.max_inbound_bytes:
        raise TooLarge(f"the body exceeds {rt.settings.max_inbound_bytes} bytes", code="body_too_large")
    with rt.db.connect() as conn:
        endpoint = conn.execute(select(endpoints).where(endpoints.c.name == name)).first()
    if endpoint is None:
        raise NotFound(f"inbound endpoint {name} not found", code="endpoint_not_found")
    document = _verified(rt, endpoint, body, headers)
    message = _message(endpoint, document)
    webhook_id = {k.lower(): v for k, v in headers.items()}["webhook-id"]
    try:
        with rt.db.transaction() as conn:
            conn.execute(
                insert(receipts).values(endpoint=name, webhook_id=webhook_id, received_at=rt.clock.now())
            )
    except IntegrityError:
        return {"replayed": True, "correlated": 0, "buffered": False}
    keep_for = parse_duration(endpoint.ttl or "PT0S")
    kept_id = messages.buffer(rt, message, keep_for, source=f"inbound:{name}")
    delivered = messages.deliver(
        rt, Principal(f"inbound:{name}", groups=frozenset({"integration"})), message, buffered_id=kept_id
    )
    return {"replayed": False, "correlated": delivered, "buffered": delivered == 0 and bool(endpoint.ttl)}


def _verified(rt: Runtime, endpoint: Row[Any], body: bytes, headers: dict[str, str]) -> Any:
    secret = SecretBox.from_settings(rt.settings).open(endpoint.secret_encrypted)
    try:
        Verifier(secret).verify(body, headers, json_parse=False)
    except WebhookVerificationError as exc:
        reason = str(exc)
        code = (
            "signature_headers_missing"
            if "Missing" in reason
            else "timestamp_out_of_tolerance"
            if "timestamp" in reason
            else "signature_invalid"
        )
        raise Unauthorized(
            f"the request is not signed by this endpoint's secret: {reason}", code=code
        ) from None
    except UnicodeDecodeError:
        raise Invalid("the body is not UTF-8", code="invalid_payload") from None
    try:
        return json_input.loads(body)
    except BadRequest as refused:
        # The same rules as every other body; an inbound body's refusal is its payload's.
        raise Invalid(refused.message, code="invalid_payload", details=refused.details) from None


def _message(endpoint: Row[Any], document: Any) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise Invalid("the body must be a JSON object", code="invalid_payload")
    business_key = None
    if endpoint.business_key_path:
        business_key = read_path(document, endpoint.business_key_path)
        if business_key is None or isinstance(business_key, (dict, list)):
            raise Invalid(
                f"no business key at {endpoint.business_key_path}",
                code="invalid_payload",
                details={endpoint.business_key_path: ["required"]},
            )
        business_key = str(business_key)
    correlation = {key: read_path(document, path) for key, path in (endpoint.correlation or {}).items()}
    return {
        "name": endpoint.message,
        "business_key": business_key,
        "correlation": correlation,
        "payload": document,
    }


def read_path(document: Any, path: str) -> Any:
    """`$.a.b[0]`: the small, documented subset endpoints are configured with."""
    value = document
    for name, index in re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", path[1:]):
        try:
            value = value[name] if name else value[int(index)]
        except (KeyError, IndexError, TypeError):
            return None
    return value
