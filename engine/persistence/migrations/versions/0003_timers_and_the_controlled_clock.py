"""timers and the controlled clock

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

import engine.persistence.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("now", engine.persistence.types.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "timers",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("definition_id", sa.String(length=32), nullable=False),
        sa.Column("definition_key", sa.String(length=255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=32), nullable=True),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("element_id", sa.String(length=255), nullable=False),
        sa.Column("due_at", engine.persistence.types.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.create_index("ix_timers_definition_key", ["definition_key", "kind"], unique=False)
        batch_op.create_index("ix_timers_due", ["due_at", "id"], unique=False)
        batch_op.create_index("ix_timers_instance", ["instance_id", "kind"], unique=False)
        batch_op.create_index("ix_timers_task", ["task_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.drop_index("ix_timers_task")
        batch_op.drop_index("ix_timers_instance")
        batch_op.drop_index("ix_timers_due")
        batch_op.drop_index("ix_timers_definition_key")

    op.drop_table("timers")
    op.drop_table("clock")
