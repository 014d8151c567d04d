"""running an assessment across an organization: mail, several tokens a respondent, domains

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 19:00:00

`api.md`, Running an assessment across an organization: an assessment's due date, message,
contact and anonymity; a respondent's domains, pseudonym and activity times; its tokens in
their own table (a mail adds one, never ends another), the existing token moved there; the
outbox of mails.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("due_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("message", sa.Text(), nullable=True))
        batch.add_column(sa.Column("contact", sa.String(length=320), nullable=True))
        batch.add_column(
            sa.Column("anonymous", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "respondent_token",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "respondent_id",
            sa.String(length=40),
            sa.ForeignKey("respondent.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.execute(
        "INSERT INTO respondent_token (respondent_id, token_hash, origin, created_at) "
        "SELECT id, token_hash, 'issued', created_at FROM respondent "
        "WHERE token_hash IS NOT NULL"
    )
    with op.batch_alter_table("respondent") as batch:
        batch.drop_column("token_hash")
        batch.add_column(sa.Column("domains", sa.Text(), nullable=True))
        batch.add_column(sa.Column("pseudonym", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("invited_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("reminded_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("last_activity_at", sa.DateTime(), nullable=True))
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.String(length=40), primary_key=True),
        sa.Column(
            "assessment_id",
            sa.String(length=40),
            sa.ForeignKey("assessment.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "respondent_id",
            sa.String(length=40),
            sa.ForeignKey("respondent.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_mail_outbox_due", "mail_outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_mail_outbox_due", table_name="mail_outbox")
    op.drop_table("mail_outbox")
    with op.batch_alter_table("respondent") as batch:
        batch.drop_column("last_activity_at")
        batch.drop_column("reminded_at")
        batch.drop_column("invited_at")
        batch.drop_column("pseudonym")
        batch.drop_column("domains")
        batch.add_column(sa.Column("token_hash", sa.String(length=64), nullable=True))
    # The newest token of each respondent goes back (the older schema held one).
    op.execute(
        "UPDATE respondent SET token_hash = (SELECT t.token_hash FROM respondent_token t "
        "WHERE t.respondent_id = respondent.id ORDER BY t.id DESC LIMIT 1)"
    )
    op.drop_table("respondent_token")
    with op.batch_alter_table("assessment") as batch:
        batch.drop_column("anonymous")
        batch.drop_column("contact")
        batch.drop_column("message")
        batch.drop_column("due_date")
