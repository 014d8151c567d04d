"""keys that expire, failed authentications counted for the throttle, the audit trail

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.storage.tables

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_key") as batch:
        batch.add_column(sa.Column("expires_at", api.storage.tables.UTCDateTime(), nullable=True))
    op.create_table(
        "auth_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failed_at", api.storage.tables.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("auth_failure") as batch:
        batch.create_index(batch.f("ix_auth_failure_failed_at"), ["failed_at"], unique=False)
        batch.create_index(
            "ix_auth_failure_address_failed_at", ["address", "failed_at"], unique=False
        )

    op.create_table(
        "audit_entry",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("organization_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", api.storage.tables.UTCDateTime(), nullable=False),
        sa.Column("actor_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("actor_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("actor_role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("subject_id", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=True),
        sa.Column("detail", api.storage.tables.JSONText(), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_entry") as batch:
        batch.create_index(
            "ix_audit_entry_org_created", ["organization_id", "created_at", "id"], unique=False
        )
    with op.batch_alter_table("share_link") as batch:
        batch.add_column(
            sa.Column("first_opened_at", api.storage.tables.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("share_link") as batch:
        batch.drop_column("first_opened_at")
    op.drop_table("audit_entry")
    op.drop_table("auth_failure")
    with op.batch_alter_table("api_key") as batch:
        batch.drop_column("expires_at")
