"""What one run of a model comes to, in terms both runners can produce: the end status, the final
variables (JSON-normalised) and the order in which human tasks became ready, with the clock moves
and messages that got it there."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

COMPLETED, WAITING, ERROR, REFUSED = "completed", "waiting", "error", "refused"


@dataclass
class Outcome:
    status: str  # completed / waiting / error, or refused (the model never ran)
    variables: dict[str, Any] = field(default_factory=dict)
    ready: list[str] = field(default_factory=list)  # task spec ids, in the order they became ready
    moves: list[str] = field(default_factory=list)  # clock moves and messages, in order
    detail: str = ""  # why it errored or was refused; shown, never compared

    def comparable(self) -> dict[str, Any]:
        return {"status": self.status, "variables": self.variables, "ready": self.ready, "moves": self.moves}


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value, key=repr) if isinstance(value, (set, frozenset)) else list(value)
    return repr(value)


def normalise(data: dict | None) -> dict[str, Any]:
    """Task data as JSON would carry it: callables (functions a script defined) and private
    `_` keys dropped, dates as ISO 8601 text. Both sides go through this same function, so it
    compares what a JSON client could ever see, not Python identities."""
    kept = {str(k): v for k, v in (data or {}).items() if not callable(v) and not str(k).startswith("_")}
    return json.loads(json.dumps(kept, default=_default, ensure_ascii=False, sort_keys=True))
