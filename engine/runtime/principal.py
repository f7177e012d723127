"""Who is asking: the runtime decides with this, never with an HTTP request."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Principal:
    username: str
    is_admin: bool = False
    groups: frozenset[str] = field(default_factory=frozenset)


SYSTEM = Principal("system", is_admin=True)
SCHEDULER = Principal("scheduler", is_admin=True)
