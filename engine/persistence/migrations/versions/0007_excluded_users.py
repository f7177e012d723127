"""excluded users

Tasks get the users an `excludeUsers` property names (separation of duties). Lists filter on
their `task_candidates` rows of kind `ex_user`, which need no change of that table. No task
waiting before this revision had such a property read, so there is nothing to fill in.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both dialects (SQLite has had DROP COLUMN since 3.35): batch mode would
# rebuild `tasks` on SQLite, and dropping the old table with foreign keys on empties
# `task_candidates` (ON DELETE CASCADE), which would hide every task from its candidates.


def upgrade() -> None:
    op.add_column(
        "tasks",
        sa.Column(
            "excluded_users",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default="[]",
            nullable=False,
        ),
    )


def downgrade() -> None:
    # The rows go with the column: upgraded again, the lists (which read the rows) and the
    # commands (which read the column) must agree that nobody is excluded.
    op.execute(sa.text("DELETE FROM task_candidates WHERE kind = 'ex_user'"))
    op.drop_column("tasks", "excluded_users")
