"""When to try a delivery again (API.md): from 5 s, doubling, with jitter, each wait capped at
an hour, for 24 hours after the first attempt; then the delivery has failed. A pure policy:
time and randomness are arguments."""

from __future__ import annotations

from datetime import datetime, timedelta

FIRST_WAIT = timedelta(seconds=5)
LONGEST_WAIT = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(hours=24)
TIMEOUT_SECONDS = (3.0, 10.0)  # connect, read: a dead receiver holds one sender this long


def next_attempt(attempt: int, first_attempt_at: datetime, now: datetime, jitter: float) -> datetime | None:
    """After failed attempt number `attempt` (1-based): when to try again, or None to give up.
    `jitter` is a random number in [0, 1): the wait varies by ±20 %."""
    wait = min(FIRST_WAIT * (2 ** (attempt - 1)), LONGEST_WAIT) * (0.8 + 0.4 * jitter)
    at = now + wait
    return at if at - first_attempt_at <= GIVE_UP_AFTER else None
