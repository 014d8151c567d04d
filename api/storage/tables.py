"""The database tables (SQLModel). Alembic migrations are the only way they are created.

Timestamps are stored as naive UTC and read back as aware UTC on both engines. JSON values
are stored as text: the score card snapshot must come back byte for byte, which `jsonb`
would not do.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from api.core.enums import (
    AssessmentStatus,
    EvidenceVerdict,
    KeyRole,
    MailKind,
    MailStatus,
    MailTrigger,
    PrincipalKind,
    Rigor,
    TokenOrigin,
)
from api.schemas import CloseContext, OrganizationProfile

E = TypeVar("E", bound=StrEnum)
M = TypeVar("M", bound=BaseModel)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime, stored without zone (the same on SQLite and PostgreSQL)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


# One encoder for every JSON column: `json.dumps` with options makes a new one at each call,
# and an answer write encodes one value a row.
_encode_json = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


class JSONText(TypeDecorator[Any]):
    """A JSON value kept as text."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        return None if value is None else _encode_json(value)

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> Any:
        return None if value is None else json.loads(value)


class JSONModel(TypeDecorator[M], Generic[M]):
    """A Pydantic model kept as JSON text, read back as the model (a typed document column).

    `exclude_unset` writes back only the fields a stored value had, so that a document of an
    older shape is kept as it was.
    """

    impl = sa.Text
    cache_ok = True

    def __init__(self, model: type[M], *, exclude_unset: bool = False) -> None:
        super().__init__()
        self.model = model
        self.exclude_unset = exclude_unset

    def process_bind_param(
        self, value: M | dict[str, Any] | None, dialect: sa.Dialect
    ) -> str | None:
        if value is None:
            return None
        document = self.model.model_validate(value)
        return _encode_json(document.model_dump(mode="json", exclude_unset=self.exclude_unset))

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> M | None:
        return None if value is None else self.model.model_validate_json(value)


class EnumText(TypeDecorator[E], Generic[E]):
    """A `StrEnum` stored as its value in a short text column, read back as the member."""

    impl = sa.String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: E | str | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> E | None:
        return None if value is None else self.enum(value)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _when(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index))


def _json(*, nullable: bool = False) -> Any:
    return Field(sa_column=sa.Column(JSONText(), nullable=nullable))


def _enum(enum: type[StrEnum]) -> Any:
    return Field(sa_column=sa.Column(EnumText(enum, 16), nullable=False))


class QuestionnaireVersionRow(SQLModel, table=True):
    __tablename__ = "questionnaire_version"
    __table_args__ = (sa.UniqueConstraint("key", "version", name="uq_questionnaire_key_version"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=63, index=True)
    version: str = Field(max_length=64)
    title: str
    content_hash: str = Field(max_length=64)
    content: dict[str, Any] = _json()  # the file as written
    loaded_at: datetime = _when()


class OrganizationRow(SQLModel, table=True):
    __tablename__ = "organization"

    id: str = Field(primary_key=True, max_length=40)
    slug: str = Field(max_length=63, unique=True)
    name: str = Field(max_length=200)
    profile: OrganizationProfile = Field(
        sa_column=sa.Column(JSONModel(OrganizationProfile), nullable=False)
    )
    created_at: datetime = _when(index=True)


class ApiKeyRow(SQLModel, table=True):
    __tablename__ = "api_key"

    id: str = Field(primary_key=True, max_length=40)
    organization_id: str | None = Field(
        default=None, foreign_key="organization.id", index=True, ondelete="CASCADE"
    )
    role: KeyRole = _enum(KeyRole)
    name: str = Field(max_length=200)
    secret_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)
    created_at: datetime = _when()
    revoked_at: datetime | None = _when(nullable=True)
    last_used_at: datetime | None = _when(nullable=True)
    # None: the key does not expire. From then on it answers 401, like a revoked key.
    expires_at: datetime | None = _when(nullable=True)


class AssessmentRow(SQLModel, table=True):
    __tablename__ = "assessment"
    __table_args__ = (sa.Index("ix_assessment_org_created", "organization_id", "created_at", "id"),)

    id: str = Field(primary_key=True, max_length=40)
    organization_id: str = Field(foreign_key="organization.id", ondelete="CASCADE")
    questionnaire_key: str = Field(max_length=63)
    questionnaire_version: str = Field(max_length=64)
    title: str = Field(max_length=200)
    period: str | None = Field(default=None, max_length=100)
    period_end: date | None = None
    rigor: Rigor = _enum(Rigor)
    status: AssessmentStatus = _enum(AssessmentStatus)
    # The domain ids the assessment covers, in questionnaire order (scoring.md section 0).
    scope: list[str] = _json()
    # The closed assessment whose respondents and answers this one was seeded from.
    seeded_from: str | None = Field(default=None, max_length=40)
    created_at: datetime = _when()
    closed_at: datetime | None = _when(nullable=True)
    # Set at close, never changed afterwards.
    score_card: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    scoring_version: str | None = Field(default=None, max_length=16)
    close_context: CloseContext | None = Field(
        default=None,
        sa_column=sa.Column(JSONModel(CloseContext, exclude_unset=True), nullable=True),
    )
    # Set at close beside `score_card` when consensus ratings exist (scoring.md section 9).
    validated_card: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    # Running it across an organization (`api.md`): shown to respondents and in mails.
    due_date: date | None = None
    message: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    contact: str | None = Field(default=None, max_length=320)
    # Set at creation only: no output links a respondent to an answer (`api.md`, Reports).
    anonymous: bool = Field(
        default=False, sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false())
    )


class RespondentRow(SQLModel, table=True):
    __tablename__ = "respondent"

    id: str = Field(primary_key=True, max_length=40)
    assessment_id: str = Field(foreign_key="assessment.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    role: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    # The domain ids this respondent is asked (enablers always): null follows the scope.
    domains: list[str] | None = _json(nullable=True)
    # Shown instead of the name wherever an anonymous assessment's respondents are listed
    # (its export); drawn at random at creation.
    pseudonym: str | None = Field(default=None, max_length=40)
    created_at: datetime = _when()
    invited_at: datetime | None = _when(nullable=True)
    reminded_at: datetime | None = _when(nullable=True)
    last_activity_at: datetime | None = _when(nullable=True)
    submitted_at: datetime | None = _when(nullable=True)


class RespondentTokenRow(SQLModel, table=True):
    """A token that opens a respondent's pages and answers (stored hashed). A respondent holds
    several: the one issued with it (or re-issued), and one more per mail or links.csv; a mail
    never ends another, `POST .../respondents/{r}/token` ends them all (`api.md`). A seeded
    respondent holds none until one is issued."""

    __tablename__ = "respondent_token"

    id: int | None = Field(default=None, primary_key=True)
    respondent_id: str = Field(foreign_key="respondent.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    origin: TokenOrigin = _enum(TokenOrigin)
    created_at: datetime = _when()


class MailRow(SQLModel, table=True):
    """A mail of the outbox: written in the transaction of the action that asks for it, sent
    later by a sender claiming it (`claimed_until`). It holds no secret and no address: the
    token is made, and the address read, when it is sent."""

    __tablename__ = "mail_outbox"
    __table_args__ = (sa.Index("ix_mail_outbox_due", "status", "next_attempt_at"),)

    id: str = Field(primary_key=True, max_length=40)
    assessment_id: str = Field(foreign_key="assessment.id", index=True, ondelete="CASCADE")
    respondent_id: str = Field(foreign_key="respondent.id", index=True, ondelete="CASCADE")
    kind: MailKind = _enum(MailKind)
    trigger: MailTrigger = _enum(MailTrigger)
    status: MailStatus = _enum(MailStatus)
    attempts: int = 0
    next_attempt_at: datetime = _when()
    claimed_until: datetime | None = _when(nullable=True)
    last_error: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    created_at: datetime = _when()
    sent_at: datetime | None = _when(nullable=True)


class AnswerRow(SQLModel, table=True):
    __tablename__ = "answer"
    __table_args__ = (
        sa.UniqueConstraint("respondent_id", "question_id", name="uq_answer_respondent_question"),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: str = Field(foreign_key="assessment.id", index=True, ondelete="CASCADE")
    respondent_id: str = Field(foreign_key="respondent.id", ondelete="CASCADE")
    question_id: str = Field(max_length=64)
    value: int | None = None
    not_applicable: bool = False
    dont_know: bool = Field(
        default=False, sa_column_kwargs={"server_default": sa.false(), "nullable": False}
    )
    comment: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    evidence: list[str] = _json()
    written_by: str = Field(max_length=40)
    updated_at: datetime = _when()


class ConsensusRow(SQLModel, table=True):
    """The rating a facilitated group or an assessor agreed on for one question, and why
    (`api.md`, Consensus): a value or N/A. Changes only while the assessment is open."""

    __tablename__ = "consensus_rating"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "question_id", name="uq_consensus_question"),
    )

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: str = Field(foreign_key="assessment.id", ondelete="CASCADE")
    question_id: str = Field(max_length=64)
    value: int | None = None
    not_applicable: bool = False
    rationale: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    evidence_verdict: EvidenceVerdict | None = Field(
        default=None, sa_column=sa.Column(EnumText(EvidenceVerdict, 16), nullable=True)
    )
    decided_by: str = Field(max_length=40)  # the key id, or "admin"
    decided_at: datetime = _when()


class AnswerHistoryRow(SQLModel, table=True):
    """Every change of an answer, appended; never updated."""

    __tablename__ = "answer_history"

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: str = Field(foreign_key="assessment.id", index=True, ondelete="CASCADE")
    respondent_id: str = Field(foreign_key="respondent.id", ondelete="CASCADE")
    question_id: str = Field(max_length=64)
    value: int | None = None
    not_applicable: bool = False
    dont_know: bool = Field(
        default=False, sa_column_kwargs={"server_default": sa.false(), "nullable": False}
    )
    comment: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    evidence: list[str] = _json()
    written_by: str = Field(max_length=40)
    written_at: datetime = _when()


class TargetRow(SQLModel, table=True):
    __tablename__ = "target"

    organization_id: str = Field(
        foreign_key="organization.id", primary_key=True, ondelete="CASCADE"
    )
    questionnaire_key: str = Field(primary_key=True, max_length=63)
    domains: dict[str, int] = _json()
    updated_at: datetime = _when()


class IdempotencyRow(SQLModel, table=True):
    __tablename__ = "idempotency_record"
    __table_args__ = (
        sa.UniqueConstraint("principal", "method", "path", "key", name="uq_idempotency_request"),
    )

    id: int | None = Field(default=None, primary_key=True)
    principal: str = Field(max_length=40)
    method: str = Field(max_length=10)
    path: str = Field(max_length=500)
    key: str = Field(max_length=255)
    request_hash: str = Field(max_length=64)
    status_code: int
    body: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    created_at: datetime = _when(index=True)


class ShareLinkRow(SQLModel, table=True):
    __tablename__ = "share_link"

    id: str = Field(primary_key=True, max_length=40)
    organization_id: str = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    assessment_id: str | None = Field(default=None, foreign_key="assessment.id", ondelete="CASCADE")
    questionnaire_key: str | None = Field(default=None, max_length=63)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _when()
    expires_at: datetime = _when()
    revoked_at: datetime | None = _when(nullable=True)
    first_opened_at: datetime | None = _when(nullable=True)


class AuthFailureRow(SQLModel, table=True):
    """A failed authentication (an unknown, revoked or expired secret), kept about a minute.

    Counted per client address by every app process alike (`api.http.throttle`).
    """

    __tablename__ = "auth_failure"
    __table_args__ = (sa.Index("ix_auth_failure_address_failed_at", "address", "failed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(max_length=64)
    failed_at: datetime = _when(index=True)


class AuditEntryRow(SQLModel, table=True):
    """A security-relevant action: who, what, when, from where. Appended; never updated.

    `organization_id` is null only for what belongs to no organization (an admin key made with
    the command line). `subject_id` names what the action was on (a key, an assessment, a share
    link, a respondent, a questionnaire key); it is no foreign key, so that an entry outlives
    what it names (a deleted assessment).
    """

    __tablename__ = "audit_entry"
    __table_args__ = (
        sa.Index("ix_audit_entry_org_created", "organization_id", "created_at", "id"),
    )

    id: str = Field(primary_key=True, max_length=40)
    organization_id: str | None = Field(
        default=None, foreign_key="organization.id", ondelete="CASCADE"
    )
    created_at: datetime = _when()
    actor_kind: str = Field(max_length=16)  # admin, key, respondent, share_link, cli
    actor_id: str | None = Field(default=None, max_length=40)
    actor_role: str | None = Field(default=None, max_length=16)
    address: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=40)
    subject_id: str | None = Field(default=None, max_length=63)
    detail: dict[str, Any] = _json()


class PageSessionRow(SQLModel, table=True):
    """A signed-in browser (`api.md`, Pages): only the SHA-256 of its cookie's secret is kept.

    `credential_hash` is the stored hash of the key or invitation token it was opened with:
    the principal is found again from it at every request, so revoking the key or re-issuing
    the token ends the session. Nothing of the secret itself is kept or sent in the cookie.
    """

    __tablename__ = "page_session"

    id_hash: str = Field(primary_key=True, max_length=64)
    principal_kind: PrincipalKind = _enum(PrincipalKind)
    principal_id: str = Field(max_length=40)  # a key id, "admin", or a respondent id
    credential_hash: str = Field(max_length=64)
    created_at: datetime = _when()
    expires_at: datetime = _when(index=True)
