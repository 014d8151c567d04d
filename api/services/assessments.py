"""Assessments and respondents: the life cycle from open to closed.

Rules held here: an assessment pins one questionnaire version; respondents and answers change
only while it is open; close scores every saved answer and stores the score card for good.
Close and answer writes of one assessment are serialized by `lock_assessment`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from api import repository
from api.errors import Conflict, Invalid, NotFound
from api.pagination import Page, decode_cursor, keyset_page
from api.schemas import (
    AssessmentPublic,
    Progress,
    QuestionnaireRef,
    RespondentCreated,
    RespondentPublic,
)
from api.secrets import RESPONDENT_PREFIX, new_id, new_secret, secret_hash
from api.services import goals
from api.services.audit import Actor, AuditAction, record
from api.services.questionnaires import StoredQuestionnaire, get_questionnaire
from api.tables import AnswerRow, AssessmentRow, OrganizationRow, RespondentRow, utcnow
from scoring import SCORING_VERSION, Answer, ScoreCard, score

OPEN, CLOSED = "open", "closed"


@dataclass(frozen=True)
class CreatedRespondent:
    respondent: RespondentRow
    token: str


def scoring_answers(rows: Iterable[AnswerRow]) -> list[Answer]:
    """The stored answers as the scoring module takes them."""
    return [
        Answer(row.respondent_id, row.question_id, row.value, row.not_applicable) for row in rows
    ]


def progress_of(stored: StoredQuestionnaire, rows: Iterable[AnswerRow]) -> Progress:
    """Questions counted by status (`api.md`, progress): the score card's completeness."""
    completeness = score(stored.questionnaire, scoring_answers(rows)).completeness
    return Progress.model_validate(completeness.model_dump())


def assessment_public(row: AssessmentRow, progress: Progress | None = None) -> AssessmentPublic:
    return AssessmentPublic(
        id=row.id,
        organization=row.organization_id,
        status=row.status,
        questionnaire=QuestionnaireRef(
            key=row.questionnaire_key, version=row.questionnaire_version
        ),
        title=row.title,
        period=row.period,
        period_end=row.period_end,
        rigor=row.rigor,
        created_at=row.created_at,
        closed_at=row.closed_at,
        scoring_version=row.scoring_version,
        progress=progress,
    )


def questionnaire_of(*, session: Session, assessment: AssessmentRow) -> StoredQuestionnaire:
    """The questionnaire version the assessment is pinned to."""
    return get_questionnaire(
        session=session, key=assessment.questionnaire_key, version=assessment.questionnaire_version
    )


def create_assessment(
    *,
    session: Session,
    organization: OrganizationRow,
    questionnaire_key: str,
    questionnaire_version: str | None,
    title: str,
    period: str | None,
    period_end: date | None,
    rigor: str | None,
    actor: Actor,
) -> AssessmentRow:
    """A new open assessment pinned to a questionnaire version (the newest when none is named)."""
    try:
        stored = get_questionnaire(
            session=session, key=questionnaire_key, version=questionnaire_version
        )
    except NotFound as missing:
        field = "questionnaire_version" if questionnaire_version else "questionnaire_key"
        raise Invalid(
            missing.detail, errors=[{"field": field, "in": "body", "message": missing.detail}]
        ) from None
    assessment = AssessmentRow(
        id=new_id("asm"),
        organization_id=organization.id,
        questionnaire_key=stored.key,
        questionnaire_version=stored.version,
        title=title,
        period=period or None,
        period_end=period_end,
        rigor=rigor or "self",
        status=OPEN,
        scope=[domain.id for domain in stored.questionnaire.domains],
        created_at=utcnow(),
    )
    session.add(assessment)
    session.flush()
    record(
        session=session,
        actor=actor,
        organization_id=organization.id,
        action=AuditAction.ASSESSMENT_CREATED,
        subject_id=assessment.id,
        detail=_described(assessment),
    )
    return assessment


def _described(assessment: AssessmentRow) -> dict[str, str]:
    """What the audit trail says about an assessment, so that it outlives the assessment."""
    return {
        "title": assessment.title,
        "questionnaire_key": assessment.questionnaire_key,
        "questionnaire_version": assessment.questionnaire_version,
    }


def list_assessments(
    *,
    session: Session,
    organization: OrganizationRow,
    status: str | None,
    questionnaire: str | None,
    limit: int,
    cursor: str | None,
) -> Page[AssessmentPublic]:
    filters = {"organization": organization.id, "status": status, "questionnaire": questionnaire}
    rows = repository.list_assessments(
        session=session,
        organization_id=organization.id,
        status=status,
        questionnaire_key=questionnaire,
        after=decode_cursor(cursor, filters),
        limit=limit,
    )
    return keyset_page(rows, limit=limit, filters=filters, convert=assessment_public)


def describe_assessment(*, session: Session, assessment: AssessmentRow) -> AssessmentPublic:
    """The assessment with its progress over every respondent's answers."""
    rows = repository.list_answers(session=session, assessment_id=assessment.id)
    stored = questionnaire_of(session=session, assessment=assessment)
    return assessment_public(assessment, progress_of(stored, rows))


def ensure_open(assessment: AssessmentRow, action: str) -> None:
    """409 for a closed assessment: its answers, respondents and score card are frozen."""
    if assessment.status == CLOSED:
        raise Conflict(f"The assessment is closed: it cannot {action}.")


def ensure_not_submitted(respondent: RespondentRow) -> None:
    """409 for a respondent who has submitted: its answers are read-only."""
    if respondent.submitted_at is not None:
        raise Conflict("This respondent has submitted: its answers are read-only.")


def lock_assessment(*, session: Session, assessment: AssessmentRow, action: str) -> AssessmentRow:
    """Take the assessment's write lock, re-read it, and refuse (409) when it is closed.

    Answer writes and close of one assessment run one at a time, so no answer is acknowledged
    that a close snapshot misses (a row lock on PostgreSQL; on SQLite the request already
    holds the database's write lock since `BEGIN IMMEDIATE`).
    """
    locked = repository.lock_assessment(session=session, assessment_id=assessment.id)
    if locked is None:
        raise NotFound(f"No assessment {assessment.id!r} in this organization.")
    ensure_open(locked, action)
    return locked


def delete_assessment(*, session: Session, assessment: AssessmentRow, actor: Actor) -> None:
    """Delete an open assessment with its respondents and answers; 409 for a closed one."""
    locked = lock_assessment(session=session, assessment=assessment, action="be deleted")
    detail = _described(locked)
    organization_id = locked.organization_id
    repository.delete_assessment(session=session, assessment_id=assessment.id)
    record(
        session=session,
        actor=actor,
        organization_id=organization_id,
        action=AuditAction.ASSESSMENT_DELETED,
        subject_id=assessment.id,
        detail=detail,
    )


def close_assessment(
    *, session: Session, organization: OrganizationRow, assessment: AssessmentRow, actor: Actor
) -> AssessmentRow:
    """Score every saved answer, store the score card snapshot and the context; close for good.

    409 when already closed, or when nothing at all was answered (no value and no N/A).
    """
    locked = lock_assessment(session=session, assessment=assessment, action="be closed again")
    rows = repository.list_answers(session=session, assessment_id=locked.id)
    if not any(row.value is not None or row.not_applicable for row in rows):
        raise Conflict("Nothing was answered yet: there is nothing to score.")
    stored = questionnaire_of(session=session, assessment=locked)
    card: ScoreCard = score(stored.questionnaire, scoring_answers(rows))
    now = utcnow()
    locked.status = CLOSED
    locked.closed_at = now
    locked.score_card = card.model_dump_json()
    locked.scoring_version = SCORING_VERSION
    locked.close_context = goals.snapshot(
        session=session, organization=organization, assessment=locked, card=card
    )
    session.add(locked)
    session.flush()
    record(
        session=session,
        actor=actor,
        organization_id=organization.id,
        action=AuditAction.ASSESSMENT_CLOSED,
        subject_id=locked.id,
        detail=_described(locked) | {"scoring_version": SCORING_VERSION},
    )
    return locked


# Respondents


def create_respondent(
    *,
    session: Session,
    assessment: AssessmentRow,
    name: str,
    role: str | None,
    email: str | None,
    max_respondents: int,
) -> CreatedRespondent:
    """A new respondent with its invitation token (returned here, never again).

    409 when the assessment is closed, or already has `max_respondents` (`OPM_MAX_RESPONDENTS`):
    a state of the assessment, not a fault of the request, which would be fine elsewhere.
    Counted under the assessment's lock, so concurrent invitations cannot pass the limit.
    """
    locked = lock_assessment(session=session, assessment=assessment, action="take new respondents")
    if repository.count_respondents(session=session, assessment_id=locked.id) >= max_respondents:
        detail = (
            f"This assessment has {max_respondents} respondents, the most one may have "
            "(OPM_MAX_RESPONDENTS)."
        )
        raise Conflict(
            detail,
            errors=[
                {
                    "field": "respondents",
                    "in": "path",
                    "message": f"at most {max_respondents} respondents per assessment",
                }
            ],
        )
    token = new_secret(RESPONDENT_PREFIX)
    respondent = RespondentRow(
        id=new_id("rsp"),
        assessment_id=locked.id,
        name=name,
        role=role or None,
        email=email or None,
        token_hash=secret_hash(token),
        created_at=utcnow(),
    )
    session.add(respondent)
    session.flush()
    return CreatedRespondent(respondent=respondent, token=token)


def invite_respondent(
    *,
    session: Session,
    assessment: AssessmentRow,
    name: str,
    role: str | None,
    email: str | None,
    max_respondents: int,
) -> RespondentCreated:
    """`create_respondent`, as the API shows it: with its (empty) progress and its token."""
    created = create_respondent(
        session=session,
        assessment=assessment,
        name=name,
        role=role,
        email=email,
        max_respondents=max_respondents,
    )
    progress = progress_of(questionnaire_of(session=session, assessment=assessment), [])
    public = respondent_public(created.respondent, progress)
    return RespondentCreated(**public.model_dump(), token=created.token)


def reissue_token(
    *, session: Session, assessment: AssessmentRow, respondent: RespondentRow, actor: Actor
) -> str:
    """A new token for the respondent; the old one answers 401 from then on.

    409 once the assessment is closed: its respondents are frozen with it (the organization's
    keys still read their answers).
    """
    lock_assessment(session=session, assessment=assessment, action="issue tokens")
    token = new_secret(RESPONDENT_PREFIX)
    respondent.token_hash = secret_hash(token)
    session.add(respondent)
    session.flush()
    record(
        session=session,
        actor=actor,
        organization_id=assessment.organization_id,
        action=AuditAction.RESPONDENT_TOKEN_REISSUED,
        subject_id=respondent.id,
        detail={"assessment_id": assessment.id, "name": respondent.name},
    )
    return token


def respondent_public(row: RespondentRow, progress: Progress) -> RespondentPublic:
    return RespondentPublic(
        id=row.id,
        name=row.name,
        role=row.role,
        email=row.email,
        created_at=row.created_at,
        submitted_at=row.submitted_at,
        progress=progress,
    )


def list_respondents(
    *, session: Session, assessment: AssessmentRow, limit: int, cursor: str | None
) -> Page[RespondentPublic]:
    """The respondents, newest first, each with its progress (two queries in all)."""
    filters = {"assessment": assessment.id}
    rows = repository.list_respondents(
        session=session,
        assessment_id=assessment.id,
        after=decode_cursor(cursor, filters),
        limit=limit,
    )
    answers = repository.list_answers(
        session=session,
        assessment_id=assessment.id,
        respondent_ids=[row.id for row in rows[:limit]],
    )
    by_respondent: dict[str, list[AnswerRow]] = defaultdict(list)
    for answer in answers:
        by_respondent[answer.respondent_id].append(answer)
    stored = questionnaire_of(session=session, assessment=assessment)
    return keyset_page(
        rows,
        limit=limit,
        filters=filters,
        convert=lambda row: respondent_public(row, progress_of(stored, by_respondent[row.id])),
    )


def submit_respondent(
    *, session: Session, assessment: AssessmentRow, respondent: RespondentRow
) -> RespondentPublic:
    """Mark the respondent's answers as final: read-only from then on (409 on a second submit)."""
    lock_assessment(session=session, assessment=assessment, action="take submissions")
    locked = repository.refresh_respondent(session=session, respondent_id=respondent.id)
    ensure_not_submitted(locked)
    locked.submitted_at = utcnow()
    session.add(locked)
    session.flush()
    rows = repository.list_answers(
        session=session, assessment_id=assessment.id, respondent_ids=[locked.id]
    )
    return respondent_public(
        locked, progress_of(questionnaire_of(session=session, assessment=assessment), rows)
    )
