"""scoring version 2: an assessment's scope, seeding, respondents without a token

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 12:55:00

Assessments made before scope existed covered every domain of their questionnaire: their
scope is filled in from the stored questionnaire content, so that every row has one.
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.storage.tables

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(sa.Column("scope", api.storage.tables.JSONText(), nullable=True))
        batch.add_column(
            sa.Column("seeded_from", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )
    connection = op.get_bind()
    versions = connection.execute(
        sa.text("SELECT key, version, content FROM questionnaire_version")
    ).all()
    domains = {
        (key, version): [domain["id"] for domain in json.loads(content)["domains"]]
        for key, version, content in versions
    }
    assessments = connection.execute(
        sa.text("SELECT id, questionnaire_key, questionnaire_version FROM assessment")
    ).all()
    for assessment_id, key, version in assessments:
        connection.execute(
            sa.text("UPDATE assessment SET scope = :scope WHERE id = :id"),
            {
                "scope": json.dumps(domains[(key, version)], separators=(",", ":")),
                "id": assessment_id,
            },
        )
    with op.batch_alter_table("assessment") as batch:
        batch.alter_column("scope", existing_type=api.storage.tables.JSONText(), nullable=False)
    with op.batch_alter_table("respondent") as batch:
        batch.alter_column(
            "token_hash", existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True
        )


def downgrade() -> None:
    with op.batch_alter_table("respondent") as batch:
        batch.alter_column(
            "token_hash", existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        )
    with op.batch_alter_table("assessment") as batch:
        batch.drop_column("seeded_from")
        batch.drop_column("scope")
