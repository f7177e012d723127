"""Paging of the named read queries: an opaque cursor over a stable order, so a list resumes
where it stopped however rows are added meanwhile, and the limit every list accepts."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..errors import BadRequest

MAX_LIMIT = 1000


@dataclass
class Page:
    items: Sequence[Any]
    next: str | None


def limit_of(value: int | None) -> int:
    if value is None:
        return 100
    if not 1 <= value <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}", code="bad_limit")
    return value


def cursor(*values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode()


def uncursor(text: str | None) -> list[Any] | None:
    if not text:
        return None
    try:
        position: list[Any] = json.loads(base64.urlsafe_b64decode(text.encode()))
        return position
    except ValueError:
        raise BadRequest("malformed cursor", code="bad_cursor") from None


def page_of(rows: list[Any], limit: int, key: Callable[[Any], Sequence[Any]]) -> Page:
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, cursor(*key(rows[-1])) if more and rows else None)


def keyset_page(
    session: Session,
    query: Select[Any],
    columns: list[InstrumentedAttribute[Any]],
    limit: int,
    after: str | None,
) -> Page:
    """A page in the stable order of `columns`, resumed after the cursor's values."""
    position = uncursor(after)
    if position:
        try:
            values = [_restore(column, value) for column, value in zip(columns, position, strict=True)]
        except (TypeError, ValueError):
            raise BadRequest("malformed cursor", code="bad_cursor") from None
        first: ColumnElement[bool] = columns[0] > values[0]
        query = query.where(
            first if len(columns) == 1 else or_(first, and_(columns[0] == values[0], columns[1] > values[1]))
        )
    rows = session.scalars(query.order_by(*columns).limit(limit + 1)).all()
    return page_of(list(rows), limit, lambda row: tuple(_plain(getattr(row, c.key)) for c in columns))


def _restore(column: InstrumentedAttribute[Any], value: Any) -> Any:
    kind = getattr(column.type, "impl", column.type).python_type  # a TypeDecorator says `object`
    return datetime.fromisoformat(value) if kind is datetime else kind(value)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
