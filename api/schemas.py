"""Request and response models of the HTTP API (never the table classes)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)

from api.core.enums import (
    ORGANIZATION_ROLES,
    AssessmentStatus,
    EvidenceVerdict,
    KeyRole,
    MailKind,
    MailStatus,
    MailTrigger,
    PmoPermanence,
    PmoScope,
    PmoType,
    PrincipalKind,
    Rigor,
)
from api.core.ids import SLUG_PATTERN, is_id
from questionnaires import (
    BestPractice,
    Domain,
    Enabler,
    Scale,
    ScoringParameters,
    ShortFormOf,
    Stage,
)
from scoring import AnyCard, Basis, Comparison, DomainScore, EnablerScore, Overall

# The card's, re-exported: one schema for a questionnaire version wherever it is named.
from scoring import QuestionnaireRef as QuestionnaireRef


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


def _organization_role(role: KeyRole) -> KeyRole:
    if role not in ORGANIZATION_ROLES:
        raise ValueError(f"an organization key's role is {', '.join(ORGANIZATION_ROLES)}")
    return role


# Declared as `KeyRole` (one enum in the document); `admin` answers 422.
OrganizationRole = Annotated[KeyRole, AfterValidator(_organization_role)]


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


class _StorableText(BaseModel):
    """Every text in it must be storable as it is on both engines: PostgreSQL refuses NUL, and
    a lone surrogate cannot be encoded at all. Unknown fields are errors, so that a typo is not
    silently dropped."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _storable_text(cls, value: object) -> object:
        reason = _unstorable(value)
        if reason is not None:
            raise ValueError(reason)
        return value


class Input(_StorableText):
    """A request body: storable text only, unknown fields refused (`_StorableText`)."""


def _id_of(kind: str) -> AfterValidator:
    def check(value: str) -> str:
        if not is_id(value, kind):
            raise ValueError(f"not an id of this kind ({kind}_ and 20 hex digits)")
        return value

    return AfterValidator(check)


OrganizationId = Annotated[str, _id_of("org")]
AssessmentId = Annotated[str, _id_of("asm")]
RespondentId = Annotated[str, _id_of("rsp")]
AuditEntryId = Annotated[str, _id_of("aud")]
StoredName = Annotated[str, StringConstraints(min_length=1, max_length=200)]


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


class Me(BaseModel):
    kind: PrincipalKind
    role: KeyRole | None = None
    organization: str | None = None
    assessment: str | None = None
    respondent: str | None = None
    questionnaire: QuestionnaireRef | None = None
    organization_name: str | None = Field(default=None, description="A respondent's only.")
    assessment_title: str | None = Field(default=None, description="A respondent's only.")
    scope: list[str] | None = Field(
        default=None, description="The domains a respondent's assessment covers."
    )


# Organizations and keys


class PmoProfile(Input):
    exists: StrictBool
    type: PmoType | None = None
    permanence: PmoPermanence | None = None
    scope: PmoScope | None = None

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


class OrganizationSummary(BaseModel):
    """An organization as reports name it: today's, or as stored in a close context."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    slug: str
    name: str
    profile: OrganizationProfile


class Baseline(BaseModel):
    """The goal baseline stored at close (`api.md`, Targets and progress), per targeted domain.

    Closes made before baselines were chosen per domain name one `assessment_id` instead of
    `assessments`.
    """

    domains: dict[str, float | None] = Field(
        description="G of the baseline (the index, for closes made with scoring version 2)."
    )
    assessments: dict[str, str] | None = Field(
        default=None, description="The baseline's assessment id, per domain."
    )
    assessment_id: str | None = Field(
        default=None, description="The one baseline assessment of an older close."
    )


class CloseContext(BaseModel):
    """What was in force when an assessment closed, stored with its score card.

    Closes of older versions may lack a part: a missing part stays missing when read back.
    """

    organization: OrganizationSummary | None = None
    targets: dict[str, int] | None = None
    baseline: Baseline | None = None
    previous: str | None = Field(
        default=None,
        description="The assessment before this one in trend order at its close (same "
        "questionnaire key), whose figures the report's change since last time is measured "
        "from; null for the first. Closes made before it was stored lack it.",
    )


class OrganizationPublic(OrganizationSummary):
    created_at: datetime


class OrganizationCreated(OrganizationPublic):
    api_key: str | None = Field(description="The first (owner) key, shown only once.")


MAX_KEY_DAYS = 3650


class KeyCreate(Input):
    name: Name
    role: OrganizationRole = Field(
        description="owner, editor or reader: an organization's key is never admin."
    )
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
    role: KeyRole
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    expires_at: datetime | None = Field(description="Null for a key that does not expire.")


class KeyCreated(KeyPublic):
    api_key: str | None = Field(description="The secret, shown only once.")


# Assessments, respondents, answers

MAX_COMMENT = 2000
MAX_EVIDENCE_ITEMS = 10
MAX_EVIDENCE_LENGTH = 500
MAX_ANSWERS_PER_REQUEST = 1000


class Progress(BaseModel):
    """Questions counted by status (`scoring.md` section 1): answered, N/A, don't know, blank."""

    questions: int
    answered: int
    not_applicable: int
    unknown: int = Field(description='Questions answered "don\'t know" and nothing else.')
    unanswered: int
    ratio: float = Field(
        description="(questions - unanswered) / questions: how far through the questionnaire."
    )


MAX_MESSAGE = 2000

Message = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_MESSAGE)]
Contact = Annotated[str, StringConstraints(strip_whitespace=True, max_length=320)]
# An address as a mail can be sent to: one "@", something before it, a dotted domain after.
EMAIL_PATTERN = re.compile(r"[^@\s<>,;]+@[^@\s<>,;.]+(\.[^@\s<>,;.]+)+")


def _email(value: str) -> str:
    if not EMAIL_PATTERN.fullmatch(value):
        raise ValueError("not an e-mail address (such as name@example.org)")
    return value


Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=320), AfterValidator(_email)
]
MAX_BULK_RESPONDENTS = 1000


class AssessmentCreate(Input):
    questionnaire_key: Annotated[str, StringConstraints(min_length=1, max_length=63)]
    questionnaire_version: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = (
        None
    )
    title: Name
    period: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    period_end: IsoDate | None = None
    rigor: Rigor | None = None
    scope: list[Annotated[str, StringConstraints(max_length=63)]] | None = Field(
        default=None,
        max_length=20,
        description="The domain ids the assessment covers; every domain when not given.",
    )
    seed_from: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        default=None,
        description="A closed assessment of the same organization, on the same questionnaire "
        "key, a short form of it or its full form, whose respondents and answers are copied.",
    )
    due_date: IsoDate | None = None
    message: Message | None = None
    contact: Contact | None = None
    anonymous: StrictBool | None = Field(
        default=None,
        description="No output links a respondent to an answer; set only at creation "
        "(default false).",
    )


class AssessmentPatch(Input):
    """What may change while an assessment is open; a field given as null is cleared, a field
    left out stays. `anonymous` is set at creation only (422 when given)."""

    due_date: IsoDate | None = None
    message: Message | None = None
    contact: Contact | None = None
    anonymous: StrictBool | None = Field(
        default=None, description="Refused (422): anonymity is set when the assessment is created."
    )


class DomainInScope(Domain):
    in_scope: bool = Field(description="Whether the assessment covers this domain.")


class AssessmentQuestionnaire(BaseModel):
    """What a respondent answers: the assessment's questionnaire version, scoped.

    Best practices of domains outside the scope are left out, with `depends_on` links to
    them; each domain says whether it is in scope.
    """

    key: str
    version: str
    title: str
    description: str | None
    language: str
    scale: Scale
    scoring: ScoringParameters
    subset_of: ShortFormOf | None
    scope: list[str]
    domains: list[DomainInScope]
    stages: list[Stage]
    enablers: list[Enabler]
    best_practices: list[BestPractice]


class RespondentCounts(BaseModel):
    """Respondents counted by where they are: started means at least one question answered
    (a value, N/A or don't know) and not submitted."""

    total: int
    not_started: int
    started: int
    submitted: int


class AssessmentPublic(BaseModel):
    id: str
    organization: str
    status: AssessmentStatus
    questionnaire: QuestionnaireRef
    title: str
    period: str | None
    period_end: date | None
    rigor: Rigor
    scope: list[str] = Field(description="The domain ids the assessment covers.")
    seeded_from: str | None = Field(
        description="The closed assessment whose respondents and answers were copied into it."
    )
    created_at: datetime
    closed_at: datetime | None
    scoring_version: str | None
    progress: Progress | None = Field(
        default=None, description="Over every respondent's answers; in single reads, not lists."
    )
    due_date: date | None = None
    message: str | None = None
    contact: str | None = None
    anonymous: bool = False
    respondents: RespondentCounts | None = Field(
        default=None, description="Respondents by where they are; in single reads, not lists."
    )


Domains = list[Annotated[str, StringConstraints(max_length=63)]]


class RespondentCreate(Input):
    name: Name
    role: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    email: Email | None = None
    domains: Domains | None = Field(
        default=None,
        max_length=20,
        description="The domain ids of the scope this respondent is asked (enablers always); "
        "null: the whole scope, following it; [] the enablers only.",
    )


class RespondentPatch(Input):
    """What may change of a respondent while it has not submitted; a field left out stays.
    `domains` given as null follows the whole scope; `email` and `role` given as null clear."""

    name: Name | None = None
    role: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    email: Email | None = None
    domains: Domains | None = Field(default=None, max_length=20)


class RespondentsBulk(Input):
    respondents: list[RespondentCreate] = Field(
        description=f"At most {MAX_BULK_RESPONDENTS} rows, created all or none."
    )


class RespondentProgress(BaseModel):
    """A respondent's progress in an anonymous assessment: how far through, nothing more."""

    ratio: float


class RespondentPublic(BaseModel):
    id: str
    name: str
    role: str | None
    email: str | None
    domains: list[str] | None = Field(
        default=None, description="Null: the whole scope; [] the enablers only."
    )
    created_at: datetime
    invited_at: datetime | None = None
    reminded_at: datetime | None = None
    last_activity_at: datetime | None = None
    submitted_at: datetime | None
    progress: Progress | RespondentProgress = Field(
        description="Counts and ratio; in an anonymous assessment the ratio only."
    )


class RespondentCreated(RespondentPublic):
    token: str | None = Field(
        description="The invitation token, shown only once (null in an anonymous assessment)."
    )


class BulkRespondent(BaseModel):
    id: str
    name: str
    token: str | None = Field(
        description="The invitation token, shown only once (null in an anonymous assessment)."
    )


class BulkRespondents(BaseModel):
    items: list[BulkRespondent]


class TokenIssued(BaseModel):
    token: str | None = Field(description="The new token, shown only once.")


# Mail: invitations and reminders through the outbox (`api.md`, running an assessment)

MAX_INVITED_AT_ONCE = 1000


class InvitationsCreate(Input):
    respondents: list[RespondentId] | None = Field(
        default=None,
        max_length=MAX_INVITED_AT_ONCE,
        description="Whom to invite; by default every respondent with an e-mail who has not "
        "been invited yet and has not submitted.",
    )


class MailQueued(BaseModel):
    queued: int = Field(description="Mails queued: each leaves with a new link when it is sent.")


class RemindersQueued(MailQueued):
    skipped: int = Field(
        description="Respondents with an e-mail who have not submitted but were left out: "
        "already reminded today (OPM_TIME_ZONE), or a mail to them is still waiting to leave."
    )


class MailPublic(BaseModel):
    """A mail of the outbox: never its text, its address or the token it carried."""

    id: str
    respondent_id: str
    kind: MailKind
    trigger: MailTrigger = Field(
        description="manual: asked for; due-3, due-0: automatic, 3 days before the due date "
        "and on the day."
    )
    status: MailStatus
    attempts: int
    last_error: str | None = Field(
        description="The mail server's last refusal, or why it could not be reached."
    )
    next_attempt_at: datetime | None = Field(
        description="When a pending mail is tried (again); null once sent, failed or cancelled."
    )
    created_at: datetime
    sent_at: datetime | None


class AnswerItem(Input):
    question_id: str
    value: StrictInt | None = None
    not_applicable: StrictBool | None = None
    dont_know: StrictBool | None = Field(
        default=None, description='"I cannot say": allowed on every question.'
    )
    comment: str | None = None
    evidence: list[str] | None = None


class AnswersPatch(Input):
    answers: list[AnswerItem]


class AnswerPublic(BaseModel):
    question_id: str
    value: int | None
    not_applicable: bool
    dont_know: bool
    comment: str | None
    evidence: list[str]
    written_by: str
    updated_at: datetime


class RespondentAnswers(BaseModel):
    answers: list[AnswerPublic]
    progress: Progress


# Consensus ratings (facilitated and independent assessments)

MAX_RATIONALE = 2000


class ConsensusPut(Input):
    """The rating the group agreed on for one question: a value or N/A, and why."""

    value: StrictInt | None = Field(default=None, description="One of the scale's values.")
    not_applicable: StrictBool | None = Field(
        default=None, description="Where the question allows N/A."
    )
    dont_know: StrictBool | None = Field(
        default=None, description="Never allowed: a consensus rating settles the question."
    )
    rationale: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_RATIONALE)
    ] = Field(description=f"Why the group agreed on it: 1 to {MAX_RATIONALE} characters.")
    evidence_verdict: EvidenceVerdict | None = Field(
        default=None, description="What the evidence showed; recorded and shown, never scored."
    )

    @model_validator(mode="after")
    def _a_value_or_not_applicable(self) -> ConsensusPut:
        if self.dont_know:
            raise ValueError("a consensus rating is a value or N/A, never don't know")
        if (self.value is None) == (not self.not_applicable):
            raise ValueError("give exactly one of a value and not_applicable: true")
        return self


class ConsensusPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    question_id: str
    value: int | None
    not_applicable: bool
    rationale: str
    evidence_verdict: EvidenceVerdict | None
    decided_by: str = Field(description="The key id that set it, or admin.")
    decided_at: datetime


class AnswersSaved(BaseModel):
    saved: int
    progress: Progress


# Targets, trend and comparison (`api.md`, Targets and progress)


class TargetsPut(Input):
    domains: dict[str, StrictInt] = Field(
        description="The target level of each domain, 1 to stages."
    )


class Goal(BaseModel):
    level: int
    gap_levels: int | None
    progress: float | None


class Targets(BaseModel):
    questionnaire: str
    domains: dict[str, int]
    updated_at: datetime | None = None


class Figures(BaseModel):
    attainment: float | None
    progress: float | None
    level: int | None
    index: float | None


class DomainFigures(Figures):
    goal: Goal | None = None


class EnablerFigures(BaseModel):
    attainment: float | None
    progress: float | None


class TrendPoint(BaseModel):
    assessment_id: str
    title: str
    period: str | None
    period_end: date | None
    closed_at: datetime
    questionnaire_version: str
    scoring_version: str = Field(description="The scoring version the stored card was made with.")
    rescored: bool = Field(
        description="True when the stored card is of an older scoring version: its figures "
        "here are recomputed under the current one (scoring.md section 8)."
    )
    scope: list[str]
    basis: Basis = Field(
        description="validated: the point uses its assessment's validated card (consensus "
        "ratings in place of the answers they settle); self: its score card."
    )
    overall: Figures
    domains: dict[str, DomainFigures]
    enablers: dict[str, EnablerFigures]


class CardHeadline(BaseModel):
    """The parts of a score card a trend point or a baseline shows (no per-practice detail)."""

    model_config = ConfigDict(extra="ignore")

    scope: tuple[str, ...]
    overall: Overall
    domains: tuple[DomainScore, ...]
    enablers: tuple[EnablerScore, ...]


class Trend(BaseModel):
    questionnaire: str
    points: list[TrendPoint]


class ComparedAssessment(BaseModel):
    id: str
    title: str
    period: str | None


class ComparedAssessments(BaseModel):
    base: ComparedAssessment
    target: ComparedAssessment


class ComparedBases(BaseModel):
    """Which card each side of a comparison uses."""

    base: Basis
    target: Basis


class ComparisonReport(Comparison):
    """The comparison of two closed assessments (`scoring.md` section 8), named, with goals."""

    assessments: ComparedAssessments
    basis: ComparedBases
    goals: dict[str, Goal]


# Reports


# A card of any scoring version, told apart by `scoring_version` ("3" now; "2" and "1" stored).
ScoreCardOfAnyVersion = Annotated[AnyCard, Field(discriminator="scoring_version")]


class ReportDocument(BaseModel):
    """An assessment's JSON report (`api.md`, Reports), as the document declares it.

    The route sends bytes made once (`api.http.report_responses`), a closed assessment's
    `score_card` being the stored snapshot byte for byte: this model describes them and is
    never used to serialize them.
    """

    assessment: AssessmentPublic
    organization: OrganizationSummary = Field(
        description="As stored at close; today's while the assessment is open."
    )
    provisional: bool = Field(description="True while open: the card is scored live.")
    goals: dict[str, Goal] = Field(description="A goal block per domain with a target.")
    score_card: ScoreCardOfAnyVersion = Field(
        description="The score card of `scoring.md` (its scoring version's), from the "
        "respondents' answers: for a closed assessment the stored snapshot, as it was stored."
    )
    validated_card: ScoreCardOfAnyVersion | None = Field(
        default=None,
        description="The card with the consensus ratings, when there are any; null otherwise.",
    )


# Share links


class ShareLinkCreate(Input):
    assessment_id: str | None = Field(default=None, description="One report, or ...")
    questionnaire_key: str | None = Field(
        default=None, description="... the organization's overview for this questionnaire."
    )
    expires_in_days: Annotated[StrictInt, Field(ge=1, le=365, description="1 to 365 days.")]


class ShareLinkCreated(BaseModel):
    id: str
    url: str | None
    expires_at: datetime


class ShareLinkPublic(BaseModel):
    """A share link as listed: never its token (shown once, in the created link's url)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    assessment_id: str | None
    questionnaire_key: str | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


# The export document (`opm export`, `GET .../assessments/{a}/export`)


class _ExportPart(_StorableText):
    """A part of an export document: an import checks it as the API checks what it stores."""


class OrganizationPart(_ExportPart):
    id: OrganizationId
    slug: Slug
    name: StoredName
    profile: OrganizationProfile
    created_at: datetime


class TargetPart(_ExportPart):
    questionnaire_key: str
    domains: dict[str, int]
    updated_at: datetime


class QuestionnairePart(_ExportPart):
    key: str
    version: str
    content_hash: str


class RespondentPart(_ExportPart):
    id: RespondentId
    # An anonymous assessment's export (`GET .../export`) names a respondent by `pseudonym`
    # only: `name`, `email`, `created_at` and `submitted_at` are null there.
    name: StoredName | None = None
    role: Annotated[str, StringConstraints(max_length=200)] | None
    email: str | None
    created_at: datetime | None
    submitted_at: datetime | None
    pseudonym: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = None
    # Absent from documents made before respondents had domains and mail (null in an anonymous
    # assessment's export: who was asked what, and when, could name them).
    domains: list[str] | None = None
    invited_at: datetime | None = None
    reminded_at: datetime | None = None
    last_activity_at: datetime | None = None


class _AnswerStatePart(_ExportPart):
    respondent_id: RespondentId
    question_id: str
    value: int | None
    not_applicable: bool
    dont_know: bool = False  # exports made before scoring version 3 have none
    comment: str | None
    evidence: list[str]
    written_by: str | None = None  # null in an anonymous assessment's export


class AnswerPart(_AnswerStatePart):
    updated_at: datetime | None = None  # null in an anonymous assessment's export


class AnswerChangePart(_AnswerStatePart):
    written_at: datetime


class ConsensusPart(_ExportPart):
    question_id: str
    value: int | None
    not_applicable: bool
    rationale: str
    evidence_verdict: EvidenceVerdict | None
    decided_by: str
    decided_at: datetime


class AssessmentPart(_ExportPart):
    id: AssessmentId
    questionnaire: QuestionnairePart
    title: StoredName
    period: Annotated[str, StringConstraints(max_length=100)] | None
    period_end: date | None
    rigor: Rigor
    status: AssessmentStatus
    # Absent from documents made before scopes existed: those assessments cover every domain.
    scope: list[str] | None = None
    seeded_from: AssessmentId | None = None
    created_at: datetime
    closed_at: datetime | None
    scoring_version: str | None
    score_card: str | None
    # The validated card stored at close, byte for byte like `score_card` (absent from
    # documents made before consensus ratings existed).
    validated_card: str | None = None
    close_context: CloseContext | None
    # Absent from documents made before anonymous assessments and mail existed.
    anonymous: bool = False
    due_date: date | None = None
    message: Annotated[str, StringConstraints(max_length=2000)] | None = None
    contact: Annotated[str, StringConstraints(max_length=320)] | None = None
    respondents: list[RespondentPart]
    answers: list[AnswerPart]
    answer_history: list[AnswerChangePart]
    consensus: list[ConsensusPart] = []


class AuditEntryPart(_ExportPart):
    id: AuditEntryId
    created_at: datetime
    actor_kind: str
    actor_id: str | None
    actor_role: str | None
    address: str | None
    action: str
    subject_id: str | None
    detail: dict[str, Any]


class ExportDocument(_ExportPart):
    format: Literal["opm-export"]
    version: Literal[1]
    exported_at: datetime
    scope: Literal["organization", "assessment"]
    organization: OrganizationPart
    targets: list[TargetPart]
    assessments: list[AssessmentPart]
    # The organization's audit trail, oldest first; None where it is not included (the export
    # of one assessment, and documents made before the audit trail existed).
    audit: list[AuditEntryPart] | None = None


# The audit trail


class AuditEntryPublic(BaseModel):
    """A security-relevant action, as recorded; entries are never changed."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    created_at: datetime
    action: str = Field(description="What was done, e.g. key.created, assessment.closed.")
    actor_kind: str = Field(
        description="admin, key, respondent, share_link, cli or service (automatic reminders)."
    )
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
    question_id: str | None = Field(
        default=None, description="The question of an offending answer item, where there is one."
    )
    message: str


class Problem(BaseModel):
    """Every error, as `application/problem+json` (RFC 9457)."""

    type: str = Field(description="Always about:blank: `status` and `title` say it all.")
    title: str = Field(description="The status code's phrase.")
    status: int
    detail: str = Field(description="What went wrong, for people.")
    errors: list[ProblemItem] = Field(
        description="Each offending field or question id (empty when the detail says it all)."
    )
