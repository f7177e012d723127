"""subprocess lanes

Definitions deployed before lanes were read per subprocess have every node of a subprocess
cached in the subprocess's own lane (the annual review went to the provincial office). Their
cached specs get the lanes the parser now reads from the same stored BPMN, and the tasks already
waiting in a wrong lane move to the right group, each with a `task.rerouted` audit event.
Nothing else changes, so there is nothing to undo.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import engine.persistence.types
from engine.definitions.lanes import LaneChange, correct_cached_specs
from engine.definitions.xml import parse_xml

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_Json = engine.persistence.types.Json
_definitions = sa.table(
    "definitions",
    sa.column("id"),
    sa.column("key"),
    sa.column("version"),
    sa.column("bpmn_xml"),
    sa.column("spec_cache"),
    sa.column("created_at", engine.persistence.types.UtcDateTime()),
)
_instances = sa.table("instances", sa.column("id"), sa.column("definition_id"))
_tasks = sa.table(
    "tasks",
    sa.column("id"),
    sa.column("instance_id"),
    sa.column("element_id"),
    sa.column("lane"),
    sa.column("candidate_groups", _Json),
    sa.column("state"),
)
_candidates = sa.table("task_candidates", sa.column("task_id"), sa.column("kind"), sa.column("principal"))
_audit = sa.table(
    "audit_events",
    sa.column("instance_id"),
    sa.column("at", engine.persistence.types.UtcDateTime()),
    sa.column("type"),
    sa.column("actor"),
    sa.column("element"),
    sa.column("task_id"),
    sa.column("data", _Json),
)


def upgrade() -> None:
    conn = op.get_bind()
    now = datetime.now(UTC)
    rows = conn.execute(
        sa.select(_definitions).order_by(_definitions.c.created_at, _definitions.c.version)
    ).all()
    for row in rows:
        cached = json.loads(row.spec_cache)
        before = json.dumps(cached, sort_keys=True)
        documents = [parse_xml(row.bpmn_xml.encode(), None)]
        for name in cached.get("subprocess_specs", {}):
            # a called process joined the parse as its latest version at the time of deployment
            called = [r for r in rows if r.key == name and r.id != row.id and r.created_at <= row.created_at]
            if called:
                documents.append(parse_xml(called[-1].bpmn_xml.encode(), None))
        changes = correct_cached_specs(cached, documents)
        if json.dumps(cached, sort_keys=True) != before:
            conn.execute(
                sa.update(_definitions)
                .where(_definitions.c.id == row.id)
                .values(spec_cache=json.dumps(cached))
            )
        if changes:
            _reroute_waiting_tasks(conn, row.id, changes, now)


def _reroute_waiting_tasks(
    conn: sa.Connection, definition_id: str, changes: dict[str, LaneChange], now: datetime
) -> None:
    waiting = conn.execute(
        sa.select(
            _tasks.c.id, _tasks.c.instance_id, _tasks.c.element_id, _tasks.c.lane, _tasks.c.candidate_groups
        )
        .join(_instances, _instances.c.id == _tasks.c.instance_id)
        .where(
            _instances.c.definition_id == definition_id,
            _tasks.c.state == "ready",
            _tasks.c.element_id.in_(sorted(changes)),
        )
    ).all()
    for task in waiting:
        change = changes[task.element_id]
        if task.lane != change.old:
            continue
        values: dict[str, Any] = {"lane": change.new}
        # groups from a candidateGroups expression were never the lane's: they stay
        if change.routes and list(task.candidate_groups or []) == [change.old]:
            values["candidate_groups"] = [change.new] if change.new else []
            conn.execute(
                sa.delete(_candidates).where(
                    _candidates.c.task_id == task.id,
                    _candidates.c.kind == "group",
                    _candidates.c.principal == change.old,
                )
            )
            if change.new:
                conn.execute(
                    sa.insert(_candidates).values(task_id=task.id, kind="group", principal=change.new)
                )
        conn.execute(sa.update(_tasks).where(_tasks.c.id == task.id).values(**values))
        conn.execute(
            sa.insert(_audit).values(
                instance_id=task.instance_id,
                at=now,
                type="task.rerouted",
                actor="system",
                element=task.element_id,
                task_id=task.id,
                data={
                    "lane": change.new,
                    "was": change.old,
                    "candidate_groups": values.get("candidate_groups", task.candidate_groups),
                },
            )
        )


def downgrade() -> None:
    pass  # the old lanes were wrong; a downgraded engine reads the corrected ones just as well
