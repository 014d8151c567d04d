"""Request and response models of the HTTP API (never the table classes)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def _iso_date(value: object) -> date:
    """Only an ISO date string (YYYY-MM-DD) is a date here, never a number or a timestamp."""
    if not isinstance(value, str):
        raise ValueError("a date is written as a string, YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("a date is written YYYY-MM-DD") from None


IsoDate = Annotated[date, BeforeValidator(_iso_date)]

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=63)]
Role = Literal["owner", "editor", "reader"]


def _unstorable(value: object) -> str | None:
    """Why a piece of text cannot be stored as it is, or None when it can."""
    if isinstance(value, str):
        if "\x00" in value:
            return "text must not contain the NUL character"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "text must be valid Unicode (no lone surrogate)"
        return None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        return next((reason for item in value if (reason := _unstorable(item))), None)
    return None


class Input(BaseModel):
    """A request body: unknown fields are errors, so that a typo is not silently dropped.

    Every text in it must be storable as it is on both engines: PostgreSQL refuses NUL, and
    a lone surrogate cannot be encoded at all.
    """

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _storable_text(cls, value: object) -> object:
        reason = _unstorable(value)
        if reason is not None:
            raise ValueError(reason)
        return value


class Health(BaseModel):
    status: Literal["ok"]
    database: Literal["ok"]


class QuestionnaireSummary(BaseModel):
    key: str
    version: str
    title: str
    description: str | None
    question_count: int
    best_practice_count: int


class QuestionnaireVersionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key: str
    version: str
    title: str
    content_hash: str
    loaded_at: datetime


class QuestionnaireRef(BaseModel):
    key: str
    version: str


class Me(BaseModel):
    kind: Literal["admin", "key", "respondent"]
    role: str | None = None
    organization: str | None = None
    assessment: str | None = None
    respondent: str | None = None
    questionnaire: QuestionnaireRef | None = None


# Organizations and keys


class PmoProfile(Input):
    exists: bool
    type: Literal["supportive", "controlling", "directive"] | None = None
    permanence: Literal["permanent", "temporary"] | None = None
    scope: Literal["project", "program", "portfolio", "enterprise"] | None = None

    @model_validator(mode="after")
    def _no_details_without_a_pmo(self) -> PmoProfile:
        if not self.exists and (self.type or self.permanence or self.scope):
            raise ValueError("type, permanence and scope describe a PMO: set exists to true")
        return self


class OrganizationProfile(Input):
    industry: Annotated[str, StringConstraints(max_length=200)] | None = None
    size: Annotated[str, StringConstraints(max_length=100)] | None = None
    pmo: PmoProfile | None = None


class OrganizationCreate(Input):
    name: Name
    slug: Slug | None = None
    profile: OrganizationProfile | None = None


class OrganizationUpdate(Input):
    name: Name | None = None
    profile: OrganizationProfile | None = None


class OrganizationPublic(BaseModel):
    id: str
    slug: str
    name: str
    profile: OrganizationProfile
    created_at: datetime


class OrganizationCreated(OrganizationPublic):
    api_key: str | None = Field(description="The first (owner) key, shown only once.")


MAX_KEY_DAYS = 3650


class KeyCreate(Input):
    name: Name
    role: Role
    expires_in_days: (
        Annotated[
            StrictInt,
            Field(
                ge=1,
                le=MAX_KEY_DAYS,
                description=f"1 to {MAX_KEY_DAYS} days; omit or null "
                "for a key that does not expire.",
            ),
        ]
        | None
    ) = None


class KeyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    role: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    expires_at: datetime | None = Field(description="Null for a key that does not expire.")


class KeyCreated(KeyPublic):
    api_key: str | None = Field(description="The secret, shown only once.")


# Assessments, respondents, answers

Rigor = Literal["self", "facilitated", "independent"]
MAX_COMMENT = 2000
MAX_EVIDENCE_ITEMS = 10
MAX_EVIDENCE_LENGTH = 500
MAX_ANSWERS_PER_REQUEST = 1000


class Progress(BaseModel):
    questions: int
    answered: int
    not_applicable: int
    unanswered: int
    ratio: float


class AssessmentCreate(Input):
    questionnaire_key: Annotated[str, StringConstraints(min_length=1, max_length=63)]
    questionnaire_version: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = (
        None
    )
    title: Name
    period: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    period_end: IsoDate | None = None
    rigor: Rigor | None = None


class AssessmentPublic(BaseModel):
    id: str
    organization: str
    status: Literal["open", "closed"]
    questionnaire: QuestionnaireRef
    title: str
    period: str | None
    period_end: date | None
    rigor: Rigor
    created_at: datetime
    closed_at: datetime | None
    scoring_version: str | None
    progress: Progress | None = Field(
        default=None, description="Over every respondent's answers; in single reads, not lists."
    )


class RespondentCreate(Input):
    name: Name
    role: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    email: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$"),
        ]
        | None
    ) = None


class RespondentPublic(BaseModel):
    id: str
    name: str
    role: str | None
    email: str | None
    created_at: datetime
    submitted_at: datetime | None
    progress: Progress


class RespondentCreated(RespondentPublic):
    token: str | None = Field(description="The invitation token, shown only once.")


class TokenIssued(BaseModel):
    token: str | None = Field(description="The new token, shown only once.")


class AnswerItem(Input):
    question_id: str
    value: StrictInt | None = None
    not_applicable: bool | None = None
    comment: str | None = None
    evidence: list[str] | None = None


class AnswersPatch(Input):
    answers: list[AnswerItem]


class AnswerPublic(BaseModel):
    question_id: str
    value: int | None
    not_applicable: bool
    comment: str | None
    evidence: list[str]
    written_by: str
    updated_at: datetime


class RespondentAnswers(BaseModel):
    answers: list[AnswerPublic]
    progress: Progress


class AnswersSaved(BaseModel):
    saved: int
    progress: Progress


class TargetsPut(Input):
    domains: dict[str, StrictInt] = Field(
        description="The target level of each domain, 1 to stages."
    )


# The audit trail


class AuditEntryPublic(BaseModel):
    """A security-relevant action, as recorded; entries are never changed."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    created_at: datetime
    action: str = Field(description="What was done, e.g. key.created, assessment.closed.")
    actor_kind: str = Field(description="admin, key, respondent, share_link or cli.")
    actor_id: str | None = Field(description="The key, respondent or share link id.")
    actor_role: str | None
    address: str | None = Field(description="The client's address (see OPM_TRUSTED_PROXIES).")
    subject_id: str | None = Field(description="What it was done to: a key, assessment, ... id.")
    detail: dict[str, Any]


# Errors


class ProblemItem(BaseModel):
    """One offending field, parameter or question id."""

    field: str
    in_: str = Field(alias="in", description="body, query, path or header.")
    message: str


class Problem(BaseModel):
    """Every error, as `application/problem+json` (RFC 9457)."""

    type: str = Field(description="Always about:blank: `status` and `title` say it all.")
    title: str = Field(description="The status code's phrase.")
    status: int
    detail: str = Field(description="What went wrong, for people.")
    errors: list[ProblemItem | dict[str, Any]] = Field(
        description="Each offending field or question id (empty when the detail says it all)."
    )
