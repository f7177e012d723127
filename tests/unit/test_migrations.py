"""The migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command

from engine.persistence.migrate import alembic_config, upgrade


def test_migrated_schema_matches_the_models(database_url):
    upgrade(database_url)  # idempotent on an up-to-date database
    command.check(alembic_config(database_url))  # raises if autogenerate would change anything
