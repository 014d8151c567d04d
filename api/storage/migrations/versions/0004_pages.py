"""pages: browser sessions of the console and of respondents

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-10 09:00:00

One row per signed-in browser: the SHA-256 of its cookie's secret, who it stands for, the hash
of the key or invitation token it was opened with (so that revoking or re-issuing ends it),
and its expiry.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.core.enums
import api.storage.tables

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "page_session",
        sa.Column("id_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column(
            "principal_kind",
            api.storage.tables.EnumText(api.core.enums.PrincipalKind, 16),
            nullable=False,
        ),
        sa.Column("principal_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("credential_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", api.storage.tables.UTCDateTime(), nullable=False),
        sa.Column("expires_at", api.storage.tables.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    with op.batch_alter_table("page_session") as batch:
        batch.create_index(batch.f("ix_page_session_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("page_session") as batch:
        batch.drop_index(batch.f("ix_page_session_expires_at"))
    op.drop_table("page_session")
