"""Task data may hold dates and other values JSON has no word for; projections and audit rows
store a JSON-safe copy (dates as ISO 8601 text, non-finite numbers as null)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def jsonable(data: Any) -> Any:
    """NaN and the infinities, which a script can compute (`1e308 * 10`), have no JSON number:
    the copy holds null for them, as PostgreSQL's JSON could store nothing else and a client's
    parser would refuse a bare `Infinity`. The workflow's own state keeps the float."""
    return json.loads(json.dumps(data, default=_default, ensure_ascii=False), parse_constant=_no_number)


def _no_number(_constant: str) -> None:
    return None


def public_data(data: dict[str, Any]) -> dict[str, Any]:
    """Task data without callables and private keys, as users and auditors should see it."""
    public: dict[str, Any] = jsonable(
        {k: v for k, v in (data or {}).items() if not callable(v) and not str(k).startswith("_")}
    )
    return public
