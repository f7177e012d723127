"""deferred unit completions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("instances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deferred_count", sa.Integer(), server_default="0", nullable=False))

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "result",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("deferred_seq", sa.Integer(), nullable=True))
        batch_op.create_index("ix_tasks_instance_deferred", ["instance_id", "deferred_seq"], unique=False)
        batch_op.create_index(
            "ix_tasks_instance_element_state", ["instance_id", "element_id", "state"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_instance_element_state")
        batch_op.drop_index("ix_tasks_instance_deferred")
        batch_op.drop_column("deferred_seq")
        batch_op.drop_column("result")

    with op.batch_alter_table("instances", schema=None) as batch_op:
        batch_op.drop_column("deferred_count")
