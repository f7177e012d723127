"""amended results and tracked rectifications

Published rows keep the DMN's grade beside the decided one, the amendments between them and the
findings behind them; each problem fed back to a unit is a row tracked until rectified. Rows
published before this revision had no amendments: their computed grade is their grade.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import engine.persistence.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("unit_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("computed_grade", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("amendments", _json(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("findings", _json(), server_default="[]", nullable=False))
    op.execute("UPDATE unit_results SET computed_grade = grade")

    op.create_table(
        "rectification_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cycle", sa.String(length=64), nullable=False),
        sa.Column("instance_id", sa.String(length=32), nullable=False),
        sa.Column("unit_code", sa.String(length=12), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("unit_name", sa.String(length=255), nullable=False),
        sa.Column("prefecture_code", sa.String(length=12), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("advice", sa.Text(), nullable=True),
        sa.Column("measure", sa.Text(), nullable=True),
        sa.Column("responsible", sa.String(length=200), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", engine.persistence.types.UtcDateTime(), nullable=False),
        sa.Column("planned_at", engine.persistence.types.UtcDateTime(), nullable=True),
        sa.Column("done_at", engine.persistence.types.UtcDateTime(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle", "unit_code", "number", name="uq_rectification_item"),
    )
    with op.batch_alter_table("rectification_items", schema=None) as batch_op:
        batch_op.create_index("ix_rectification_items_status", ["status", "due_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rectification_items", schema=None) as batch_op:
        batch_op.drop_index("ix_rectification_items_status")
    op.drop_table("rectification_items")
    with op.batch_alter_table("unit_results", schema=None) as batch_op:
        batch_op.drop_column("findings")
        batch_op.drop_column("amendments")
        batch_op.drop_column("computed_grade")
