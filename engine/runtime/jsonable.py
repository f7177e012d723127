"""Task data may hold dates and other values JSON has no word for; projections and audit rows
store a JSON-safe copy (dates as ISO 8601 text)."""
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
    return json.loads(json.dumps(data, default=_default, ensure_ascii=False))


def public_data(data: dict) -> dict:
    """Task data without callables and private keys, as users and auditors should see it."""
    return jsonable({k: v for k, v in (data or {}).items()
                     if not callable(v) and not str(k).startswith("_")})
