"""(d) A database with many stored instances, made fast: the rows of one real instance (and of
every table that points at it) are cloned with INSERT … SELECT under fresh ids, in batches,
while the server is stopped. Columns are read from the schema, so new columns follow along.

A clone's task ids do not match the task ids inside its workflow state; nothing completes a
clone, they are there to be stored, indexed and scanned past."""

from __future__ import annotations

import sqlite3
from pathlib import Path

NEW_INSTANCE = "printf('bench%027d', seq.n)"  # 32 characters, like uuid4().hex


def _new_task(column: str) -> str:
    # 36 characters, like str(uuid4()); 'n' is not hex, so never equal to a real task id
    return f"CASE WHEN {column} IS NULL THEN NULL ELSE 'bench' || printf('%07x', seq.n) || substr({column}, 13) END"


def _columns(db: sqlite3.Connection, table: str) -> list[tuple[str, str, int]]:
    return [(row[1], (row[2] or "").upper(), row[5]) for row in db.execute(f'PRAGMA table_info("{table}")')]


def _expression(table: str, name: str, kind: str, pk: int, single_pk: bool) -> str:
    if table == "instances" and name == "id":
        return NEW_INSTANCE
    if table == "tasks" and name == "id":
        return _new_task("src.id")
    if name == "instance_id":
        return NEW_INSTANCE
    if name == "task_id":
        return _new_task("src.task_id")
    if name == "business_key":
        return "NULL"
    if name == "message_id":
        return "'msg_bench_' || seq.n || '_' || src.id"
    if pk and single_pk and kind.startswith("INT"):
        return "NULL"  # an autoincrement id: let the database number the copies
    return f'src."{name}"'


def plan(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """(table, FROM-and-WHERE clause over `src` that selects the template's rows)."""
    tables = [
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'alembic_version' ORDER BY name"
        )
    ]
    steps = [("instances", "instances AS src WHERE src.id = :template")]
    for table in tables:
        names = {c[0] for c in _columns(db, table)}
        if table == "instances":
            continue
        if "instance_id" in names:
            steps.append((table, f'"{table}" AS src WHERE src.instance_id = :template'))
        elif "task_id" in names:
            steps.append(
                (
                    table,
                    f'"{table}" AS src JOIN tasks ON tasks.id = src.task_id '
                    f"WHERE tasks.instance_id = :template",
                )
            )
    # parents first, for the foreign keys
    order = {"instances": 0, "workflow_states": 1, "tasks": 2}
    return sorted(steps, key=lambda s: order.get(s[0], 3))


def clone(database: Path, template: str, copies: int, batch: int = 10_000) -> dict[str, int]:
    """Insert `copies` clones of instance `template`; → rows added per table."""
    db = sqlite3.connect(database, isolation_level=None)
    added: dict[str, int] = {}
    try:
        db.execute("PRAGMA journal_mode=WAL")
        steps = plan(db)
        for low in range(1, copies + 1, batch):
            high = min(low + batch - 1, copies)
            db.execute("BEGIN IMMEDIATE")
            for table, source in steps:
                columns = _columns(db, table)
                single_pk = sum(1 for c in columns if c[2]) == 1
                names = ", ".join(f'"{c[0]}"' for c in columns)
                values = ", ".join(_expression(table, *c, single_pk) for c in columns)
                before = db.total_changes
                db.execute(
                    f"WITH RECURSIVE seq(n) AS (SELECT :low UNION ALL SELECT n + 1 FROM seq WHERE n < :high) "
                    f'INSERT INTO "{table}" ({names}) SELECT {values} FROM seq, {source}',
                    {"low": low, "high": high, "template": template},
                )
                added[table] = added.get(table, 0) + db.total_changes - before
            db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return added


def count_instances(database: Path) -> int:
    db = sqlite3.connect(database)
    try:
        return db.execute("SELECT count(*) FROM instances").fetchone()[0]
    finally:
        db.close()


def state_sizes(database: Path) -> dict[str, int]:
    """Average stored workflow state per definition key, in bytes (the engine's own format)."""
    db = sqlite3.connect(database)
    try:
        return {
            key: int(size)
            for key, size in db.execute(
                "SELECT i.definition_key, avg(length(w.state)) FROM workflow_states w "
                "JOIN instances i ON i.id = w.instance_id GROUP BY i.definition_key"
            )
        }
    finally:
        db.close()


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy (WAL included) through SQLite's backup API."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
