"""keys that expire, failed authentications counted for the throttle

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.tables

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_key") as batch:
        batch.add_column(sa.Column("expires_at", api.tables.UTCDateTime(), nullable=True))
    op.create_table(
        "auth_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failed_at", api.tables.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("auth_failure") as batch:
        batch.create_index(batch.f("ix_auth_failure_failed_at"), ["failed_at"], unique=False)
        batch.create_index(
            "ix_auth_failure_address_failed_at", ["address", "failed_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("auth_failure")
    with op.batch_alter_table("api_key") as batch:
        batch.drop_column("expires_at")
