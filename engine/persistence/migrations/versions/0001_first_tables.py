"""first tables

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import engine.persistence.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("instance_id", sa.String(length=32), nullable=True),
        sa.Column("at", engine.persistence.types.UtcDateTime(), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("element", sa.String(length=255), nullable=True),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_instance", ["instance_id", "id"], unique=False)

    op.create_table(
        "definitions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("bpmn_xml", sa.Text(), nullable=False),
        sa.Column(
            "files",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("spec_cache", sa.Text(), nullable=False),
        sa.Column(
            "start_groups",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("deployed_by", sa.String(length=255), nullable=True),
        sa.Column("created_at", engine.persistence.types.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "version", name="uq_definitions_key_version"),
    )
    with op.batch_alter_table("definitions", schema=None) as batch_op:
        batch_op.create_index("ix_definitions_key_hash", ["key", "content_hash"], unique=False)

    op.create_table(
        "groups",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "outbox",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("instance_id", sa.String(length=32), nullable=True),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", engine.persistence.types.UtcDateTime(), nullable=False),
        sa.Column("dispatched_at", engine.persistence.types.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_undispatched", ["dispatched_at", "id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=255), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("created_at", engine.persistence.types.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", engine.persistence.types.UtcDateTime(), nullable=False),
        sa.Column("revoked_at", engine.persistence.types.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "instances",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("definition_id", sa.String(length=32), nullable=False),
        sa.Column("definition_key", sa.String(length=255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("business_key", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "variables",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "error",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("started_by", sa.String(length=255), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("created_at", engine.persistence.types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", engine.persistence.types.UtcDateTime(), nullable=False),
        sa.Column("ended_at", engine.persistence.types.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["definitions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("definition_key", "business_key", name="uq_instances_key_business_key"),
    )
    with op.batch_alter_table("instances", schema=None) as batch_op:
        batch_op.create_index("ix_instances_definition_status", ["definition_key", "status"], unique=False)
        batch_op.create_index("ix_instances_status", ["status"], unique=False)

    op.create_table(
        "user_groups",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("group_key", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_key"],
            ["groups.key"],
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "group_key"),
    )
    op.create_table(
        "message_waits",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("instance_id", sa.String(length=32), nullable=False),
        sa.Column("message_name", sa.String(length=255), nullable=False),
        sa.Column("element_id", sa.String(length=255), nullable=True),
        sa.Column("business_key", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instances.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("message_waits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_waits_instance_id"), ["instance_id"], unique=False)
        batch_op.create_index("ix_message_waits_name", ["message_name", "business_key"], unique=False)

    op.create_table(
        "tasks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("instance_id", sa.String(length=32), nullable=False),
        sa.Column("element_id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("lane", sa.String(length=255), nullable=True),
        sa.Column(
            "candidate_groups",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "candidate_users",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("assignee", sa.String(length=255), nullable=True),
        sa.Column("due_at", engine.persistence.types.UtcDateTime(), nullable=True),
        sa.Column("form_key", sa.String(length=255), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", engine.persistence.types.UtcDateTime(), nullable=False),
        sa.Column("completed_at", engine.persistence.types.UtcDateTime(), nullable=True),
        sa.Column("completed_by", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instances.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index("ix_tasks_assignee_state", ["assignee", "state"], unique=False)
        batch_op.create_index("ix_tasks_instance_state", ["instance_id", "state"], unique=False)
        batch_op.create_index("ix_tasks_state_created", ["state", "created_at"], unique=False)

    op.create_table(
        "workflow_states",
        sa.Column("instance_id", sa.String(length=32), nullable=False),
        sa.Column("serializer_version", sa.String(length=16), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instances.id"],
        ),
        sa.PrimaryKeyConstraint("instance_id"),
    )
    op.create_table(
        "task_candidates",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("principal", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("task_id", "kind", "principal"),
    )
    with op.batch_alter_table("task_candidates", schema=None) as batch_op:
        batch_op.create_index("ix_task_candidates_principal", ["kind", "principal", "task_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("task_candidates", schema=None) as batch_op:
        batch_op.drop_index("ix_task_candidates_principal")

    op.drop_table("task_candidates")
    op.drop_table("workflow_states")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_state_created")
        batch_op.drop_index("ix_tasks_instance_state")
        batch_op.drop_index("ix_tasks_assignee_state")

    op.drop_table("tasks")
    with op.batch_alter_table("message_waits", schema=None) as batch_op:
        batch_op.drop_index("ix_message_waits_name")
        batch_op.drop_index(batch_op.f("ix_message_waits_instance_id"))

    op.drop_table("message_waits")
    op.drop_table("user_groups")
    with op.batch_alter_table("instances", schema=None) as batch_op:
        batch_op.drop_index("ix_instances_status")
        batch_op.drop_index("ix_instances_definition_status")

    op.drop_table("instances")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    op.drop_table("users")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_undispatched")

    op.drop_table("outbox")
    op.drop_table("groups")
    with op.batch_alter_table("definitions", schema=None) as batch_op:
        batch_op.drop_index("ix_definitions_key_hash")

    op.drop_table("definitions")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_instance")

    op.drop_table("audit_events")
