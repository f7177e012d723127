"""recusal and published results

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import engine.persistence.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cycle_results",
        sa.Column("cycle", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=32), nullable=False),
        sa.Column("published_at", engine.persistence.types.UtcDateTime(), nullable=False),
        sa.Column(
            "approved_by",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "notice",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("cycle"),
    )
    op.create_table(
        "unit_results",
        sa.Column("cycle", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("prefecture_code", sa.String(length=12), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("grade", sa.String(length=8), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column(
            "scores",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "flags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["cycle"], ["cycle_results.cycle"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cycle", "code"),
    )
    with op.batch_alter_table("unit_results", schema=None) as batch_op:
        batch_op.create_index("ix_unit_results_level", ["cycle", "level", "code"], unique=False)

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "excluded_groups",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                server_default="[]",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("excluded_groups")

    with op.batch_alter_table("unit_results", schema=None) as batch_op:
        batch_op.drop_index("ix_unit_results_level")

    op.drop_table("unit_results")
    op.drop_table("cycle_results")
