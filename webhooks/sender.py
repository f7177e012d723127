"""One HTTP attempt, signed by the Standard Webhooks scheme with the `standardwebhooks`
library: `webhook-id`, `webhook-timestamp` (the wall clock: receivers check it against
theirs), `webhook-signature: v1,<base64 HMAC-SHA256>`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import requests
from standardwebhooks.webhooks import Webhook as Signer

from engine.clock import monotonic

from .retry import TIMEOUT_SECONDS


@dataclass(frozen=True)
class Outcome:
    status: int | None
    latency_ms: int
    excerpt: str | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def signed_headers(secret: str, message_id: str, body: str, at: datetime) -> dict[str, str]:
    at = at.astimezone(UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Signer(secret).sign(message_id, at, body),
        "content-type": "application/json",
    }


def send(http: requests.Session, url: str, headers: dict[str, str], body: str) -> Outcome:
    began = monotonic()
    try:
        response = http.post(
            url, data=body.encode(), headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False
        )
        status, excerpt, error = response.status_code, response.text[:500], None
    except requests.RequestException as exc:
        status, excerpt, error = None, None, f"{type(exc).__name__}: {exc}"[:500]
    return Outcome(status, round((monotonic() - began) * 1000), excerpt, error)
