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
from typing import Any

from sqlmodel import Session

from api.core.enums import AssessmentStatus, Rigor
from api.core.errors import Conflict, Invalid, NotFound, field_problem
from api.core.ids import new_id
from api.core.pagination import Page, decode_cursor, keyset_page
from api.core.principals import Actor
from api.core.secrets import RESPONDENT_PREFIX, new_secret, secret_hash
from api.schemas import (
    AssessmentPublic,
    AssessmentQuestionnaire,
    DomainInScope,
    Progress,
    QuestionnaireRef,
    RespondentCreated,
    RespondentPublic,
    TokenIssued,
)
from api.services import goals
from api.services.audit import AuditAction, record
from api.services.lookup import get_or_not_found
from api.services.questionnaires import StoredQuestionnaire, get_questionnaire
from api.storage import repository
from api.storage.tables import (
    AnswerHistoryRow,
    AnswerRow,
    AssessmentRow,
    OrganizationRow,
    RespondentRow,
    utcnow,
)
from questionnaires import Question, Questionnaire
from scoring import (
    SCORING_VERSION,
    AnswerLike,
    ScoreCard,
    in_scope,
    practices_in_scope,
    related,
    score,
)
from scoring.precision import rounded

__all__ = [
    "CreatedRespondent",
    "SeedSource",
    "assessment_public",
    "assessment_questionnaire",
    "close_assessment",
    "create_assessment",
    "create_respondent",
    "delete_assessment",
    "describe_assessment",
    "ensure_not_submitted",
    "ensure_open",
    "get_assessment",
    "invite_respondent",
    "list_assessments",
    "list_respondents",
    "lock_assessment",
    "progress_counted",
    "progress_of",
    "progress_over",
    "questionnaire_of",
    "questions_in_scope",
    "reissue_token",
    "respondent_public",
    "seed_assessment",
    "submit_respondent",
]


@dataclass(frozen=True)
class CreatedRespondent:
    respondent: RespondentRow
    token: str


def questions_in_scope(questionnaire: Questionnaire, scope: Iterable[str]) -> dict[str, Question]:
    """The questions an assessment of this scope asks, by id, in questionnaire order."""
    return {
        question.id: question
        for practice in practices_in_scope(questionnaire, list(scope))
        for question in practice.questions
    }


def progress_of(
    questionnaire: Questionnaire, scope: Iterable[str], rows: Iterable[AnswerLike]
) -> Progress:
    """In-scope questions counted by status (`api.md`, progress; scoring.md sections 1 and 6).

    A question is answered when some answer gives it a value, else not applicable when some
    answer marks it so, else unanswered: the score card's completeness, without scoring.
    """
    return progress_over(questions_in_scope(questionnaire, scope), rows)


def progress_over(question_ids: Iterable[str], rows: Iterable[AnswerLike]) -> Progress:
    """`progress_of` over the given questions only (a section of a questionnaire)."""
    valued: set[str] = set()
    marked: set[str] = set()
    for row in rows:
        if row.value is not None:
            valued.add(row.question_id)
        elif row.not_applicable:
            marked.add(row.question_id)
    questions = list(question_ids)
    answered = sum(1 for question_id in questions if question_id in valued)
    not_applicable = sum(
        1 for question_id in questions if question_id in marked and question_id not in valued
    )
    return progress_counted(len(questions), answered=answered, not_applicable=not_applicable)


def progress_counted(questions: int, *, answered: int, not_applicable: int) -> Progress:
    """`progress_of` from the counts of questions answered and only marked N/A."""
    return Progress(
        questions=questions,
        answered=answered,
        not_applicable=not_applicable,
        unanswered=questions - answered - not_applicable,
        ratio=rounded((answered + not_applicable) / questions) if questions else 1.0,
    )


def assessment_questionnaire(
    *, session: Session, assessment: AssessmentRow
) -> AssessmentQuestionnaire:
    """What the assessment's respondents answer: its questionnaire version, scoped (`api.md`).

    Best practices of domains outside the scope are left out, and so are `depends_on` links
    to them; each domain says whether it is in scope.
    """
    questionnaire = questionnaire_of(session=session, assessment=assessment).questionnaire
    practices = practices_in_scope(questionnaire, assessment.scope)
    kept = {practice.id for practice in practices}
    return AssessmentQuestionnaire(
        **questionnaire.model_dump(exclude={"domains", "best_practices"}),
        scope=assessment.scope,
        domains=[
            DomainInScope(**domain.model_dump(), in_scope=domain.id in assessment.scope)
            for domain in questionnaire.domains
        ],
        best_practices=[
            practice.model_copy(
                update={"depends_on": [link for link in practice.depends_on if link in kept]}
            )
            for practice in practices
        ],
    )


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
        scope=row.scope,
        seeded_from=row.seeded_from,
        created_at=row.created_at,
        closed_at=row.closed_at,
        scoring_version=row.scoring_version,
        progress=progress,
    )


def get_assessment(
    *, session: Session, organization: OrganizationRow, assessment_id: str
) -> AssessmentRow:
    """An assessment of the organization; 404 for an unknown one or another organization's."""
    return get_or_not_found(
        "asm",
        assessment_id,
        lambda: repository.get_assessment(
            session=session, organization_id=organization.id, assessment_id=assessment_id
        ),
        missing=f"No assessment {assessment_id!r} in this organization.",
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
    rigor: Rigor | None,
    scope: list[str] | None,
    seed_from: str | None,
    actor: Actor,
) -> AssessmentRow:
    """A new open assessment pinned to a questionnaire version (the newest when none is named).

    `scope` lists the domains it covers (every domain when None; 422 when empty, unknown or
    repeated). With `seed_from`, the respondents and answers of that closed assessment are
    copied in (`seed_assessment`).
    """
    try:
        stored = get_questionnaire(
            session=session, key=questionnaire_key, version=questionnaire_version
        )
    except NotFound as missing:
        field = "questionnaire_version" if questionnaire_version else "questionnaire_key"
        raise Invalid.field(field, missing.detail) from None
    assessment = AssessmentRow(
        id=new_id("asm"),
        organization_id=organization.id,
        questionnaire_key=stored.key,
        questionnaire_version=stored.version,
        title=title,
        period=period or None,
        period_end=period_end,
        rigor=rigor or Rigor.SELF,
        status=AssessmentStatus.OPEN,
        scope=_scope(stored.questionnaire, scope),
        created_at=utcnow(),
    )
    source = _seed_source(session, organization, seed_from, stored.questionnaire)
    session.add(assessment)
    session.flush()
    if source is not None:
        seed_assessment(
            session=session,
            assessment=assessment,
            questionnaire=stored.questionnaire,
            source=source,
        )
    record(
        session=session,
        actor=actor,
        organization_id=organization.id,
        action=AuditAction.ASSESSMENT_CREATED,
        subject_id=assessment.id,
        detail=_described(assessment) | {"seeded_from": assessment.seeded_from},
    )
    return assessment


def _described(assessment: AssessmentRow) -> dict[str, Any]:
    """What the audit trail says about an assessment, so that it outlives the assessment."""
    return {
        "title": assessment.title,
        "questionnaire_key": assessment.questionnaire_key,
        "questionnaire_version": assessment.questionnaire_version,
    }


def _scope(questionnaire: Questionnaire, scope: list[str] | None) -> list[str]:
    """The scope as stored: domain ids in questionnaire order; 422 naming what is wrong."""
    try:
        return list(in_scope(questionnaire, scope))
    except ValueError as wrong:
        raise Invalid(
            f"Invalid scope: {wrong}.",
            errors=[field_problem("scope", str(wrong))],
        ) from None


@dataclass(frozen=True)
class SeedSource:
    assessment: AssessmentRow
    questionnaire: Questionnaire


def _seed_source(
    session: Session,
    organization: OrganizationRow,
    seed_from: str | None,
    questionnaire: Questionnaire,
) -> SeedSource | None:
    """The closed assessment to seed from; one 422 for unknown, foreign, open or unrelated."""
    if seed_from is None:
        return None
    message = (
        f"{seed_from!r} cannot seed this assessment: name a closed assessment of this "
        "organization on the same questionnaire, a short form of it or its full form."
    )
    try:
        source = get_assessment(session=session, organization=organization, assessment_id=seed_from)
    except NotFound:
        raise Invalid(message, errors=[field_problem("seed_from", message)]) from None
    source_questionnaire = questionnaire_of(session=session, assessment=source).questionnaire
    if source.status != AssessmentStatus.CLOSED or not related(source_questionnaire, questionnaire):
        raise Invalid(message, errors=[field_problem("seed_from", message)])
    return SeedSource(assessment=source, questionnaire=source_questionnaire)


def seed_assessment(
    *,
    session: Session,
    assessment: AssessmentRow,
    questionnaire: Questionnaire,
    source: SeedSource,
) -> None:
    """Copy the source's respondents and the answers the new assessment accepts as they are.

    Each respondent (name, role, email; not submitted; no token until one is issued) and each
    of its answers to a question of the new assessment's scope: a value only when both scales
    have the same values, N/A only where the new question allows it (`api.md`, seed_from).
    Answers keep who wrote them; the history records their arrival.
    """
    assessment.seeded_from = source.assessment.id
    same_scale = questionnaire.scale.values == source.questionnaire.scale.values
    accepting = questions_in_scope(questionnaire, assessment.scope)
    now = utcnow()
    respondent_ids: dict[str, str] = {}
    respondents = repository.list_all_respondents(
        session=session, assessment_id=source.assessment.id
    )
    for respondent in respondents:
        respondent_ids[respondent.id] = new_id("rsp")
    repository.insert_rows(
        session=session,
        table=RespondentRow,
        rows=[
            {
                "id": respondent_ids[respondent.id],
                "assessment_id": assessment.id,
                "name": respondent.name,
                "role": respondent.role,
                "email": respondent.email,
                "token_hash": None,
                "created_at": now,
                "submitted_at": None,
            }
            for respondent in respondents
        ],
    )
    states = []
    for answer in repository.list_answers(session=session, assessment_id=source.assessment.id):
        question = accepting.get(answer.question_id)
        if question is None:
            continue
        value = answer.value if same_scale else None
        not_applicable = answer.not_applicable and question.allow_not_applicable
        if value is None and not not_applicable and not answer.comment and not answer.evidence:
            continue
        states.append(
            {
                "assessment_id": assessment.id,
                "respondent_id": respondent_ids[answer.respondent_id],
                "question_id": answer.question_id,
                "value": value,
                "not_applicable": not_applicable,
                "comment": answer.comment,
                "evidence": answer.evidence,
                "written_by": answer.written_by,
            }
        )
    repository.insert_rows(
        session=session, table=AnswerRow, rows=[{**state, "updated_at": now} for state in states]
    )
    repository.insert_rows(
        session=session,
        table=AnswerHistoryRow,
        rows=[{**state, "written_at": now} for state in states],
    )
    session.add(assessment)
    session.flush()


def list_assessments(
    *,
    session: Session,
    organization: OrganizationRow,
    status: AssessmentStatus | None,
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
    rows = repository.list_answer_states(session=session, assessment_id=assessment.id)
    stored = questionnaire_of(session=session, assessment=assessment)
    return assessment_public(assessment, progress_of(stored.questionnaire, assessment.scope, rows))


def ensure_open(assessment: AssessmentRow, action: str) -> None:
    """409 for a closed assessment: its answers, respondents and score card are frozen."""
    if assessment.status == AssessmentStatus.CLOSED:
        raise Conflict(f"The assessment is closed: it cannot {action}.")


def ensure_not_submitted(respondent: RespondentRow) -> None:
    """409 for a respondent who has submitted: its answers are read-only."""
    if respondent.submitted_at is not None:
        raise Conflict("This respondent has submitted: its answers are read-only.")


def lock_assessment(
    *, session: Session, assessment: AssessmentRow, action: str, shared: bool = False
) -> AssessmentRow:
    """Take the assessment's write lock, re-read it, and refuse (409) when it is closed.

    Answer writes and close of one assessment never overlap, so no answer is acknowledged that
    a close snapshot misses (a row lock on PostgreSQL; on SQLite the request already holds the
    database's write lock since `BEGIN IMMEDIATE`). Answer writes take it `shared` (FOR SHARE):
    they run side by side, and every other change (close, submit, a new respondent) waits
    until they are done, and they for it.
    """
    locked = repository.lock_assessment(session=session, assessment_id=assessment.id, shared=shared)
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
    rows = repository.list_answer_states(session=session, assessment_id=locked.id)
    if not any(row.value is not None or row.not_applicable for row in rows):
        raise Conflict("Nothing was answered yet: there is nothing to score.")
    stored = questionnaire_of(session=session, assessment=locked)
    card: ScoreCard = score(stored.questionnaire, rows, locked.scope)
    now = utcnow()
    locked.status = AssessmentStatus.CLOSED
    locked.closed_at = now
    locked.score_card = card.model_dump_json()
    locked.scoring_version = SCORING_VERSION
    locked.close_context = goals.snapshot(
        session=session, organization=organization, assessment=locked
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
        raise Conflict(
            f"This assessment has {max_respondents} respondents, the most one may have "
            "(OPM_MAX_RESPONDENTS).",
            errors=[
                field_problem(
                    "respondents",
                    f"at most {max_respondents} respondents per assessment",
                    where="path",
                )
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
    stored = questionnaire_of(session=session, assessment=assessment)
    progress = progress_of(stored.questionnaire, assessment.scope, [])
    public = respondent_public(created.respondent, progress)
    return RespondentCreated(**public.model_dump(), token=created.token)


def reissue_token(
    *, session: Session, assessment: AssessmentRow, respondent: RespondentRow, actor: Actor
) -> TokenIssued:
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
    return TokenIssued(token=token)


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
    answers = repository.list_answer_states(
        session=session,
        assessment_id=assessment.id,
        respondent_ids=[row.id for row in rows[:limit]],
    )
    by_respondent: dict[str, list[repository.AnswerState]] = defaultdict(list)
    for answer in answers:
        by_respondent[answer.respondent_id].append(answer)
    stored = questionnaire_of(session=session, assessment=assessment)
    return keyset_page(
        rows,
        limit=limit,
        filters=filters,
        convert=lambda row: respondent_public(
            row, progress_of(stored.questionnaire, assessment.scope, by_respondent[row.id])
        ),
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
    rows = repository.list_answer_states(
        session=session, assessment_id=assessment.id, respondent_ids=[locked.id]
    )
    stored = questionnaire_of(session=session, assessment=assessment)
    return respondent_public(locked, progress_of(stored.questionnaire, assessment.scope, rows))
