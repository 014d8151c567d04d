"""scoring version 3: "don't know" is an answer of its own

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 17:00:00

An answer and each entry of its history say whether the respondent answered "don't know"
(`scoring.md` section 1). Every earlier answer was not one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("answer", "answer_history")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("dont_know", sa.Boolean(), nullable=False, server_default=sa.false())
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("dont_know")
