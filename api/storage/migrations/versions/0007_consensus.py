"""consensus ratings, and the validated card stored at close

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-20 10:00:00

A facilitated or independent assessment records per question the rating the group agreed
on, with a rationale and an evidence verdict (`api.md`, Consensus); its close stores the
validated card (`scoring.md` section 9) beside the score card, as text like it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consensus_rating",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "assessment_id",
            sa.String(length=40),
            sa.ForeignKey("assessment.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("not_applicable", sa.Boolean(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("evidence_verdict", sa.String(length=16), nullable=True),
        sa.Column("decided_by", sa.String(length=40), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("assessment_id", "question_id", name="uq_consensus_question"),
    )
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("validated_card", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.drop_column("validated_card")
    op.drop_table("consensus_rating")
