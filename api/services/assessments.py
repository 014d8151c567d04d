"""Assessments and respondents: the life cycle from open to closed.

Rules held here: an assessment pins one questionnaire version; respondents and answers change
only while it is open; close scores every saved answer and stores the score card for good.
Close and answer writes of one assessment are serialized by `lock_assessment`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from api.core.enums import AssessmentStatus, Rigor
from api.core.errors import Conflict, Invalid, NotFound, field_problem
from api.core.ids import new_id
from api.core.pagination import Page, decode_cursor, keyset_page
from api.core.principals import Actor
from api.schemas import (
    AssessmentPatch,
    AssessmentPublic,
    AssessmentQuestionnaire,
    DomainInScope,
    Progress,
    QuestionnaireRef,
    RespondentCounts,
)
from api.services import consensus, goals, outbox
from api.services.answers_shown import ANONYMITY_MINIMUM
from api.services.audit import AuditAction, record
from api.services.guards import lock_assessment
from api.services.lookup import get_or_not_found
from api.services.progress import progress_of, respondent_scope
from api.services.questionnaires import get_questionnaire, questionnaire_of
from api.services.seeding import seed_assessment, seed_source
from api.storage import repository
from api.storage.tables import (
    AssessmentRow,
    OrganizationRow,
    utcnow,
)
from questionnaires import Questionnaire
from scoring import (
    SCORING_VERSION,
    ScoreCard,
    in_scope,
    practices_in_scope,
    score,
)

__all__ = [
    "assessment_public",
    "assessment_questionnaire",
    "close_assessment",
    "count_respondents",
    "create_assessment",
    "delete_assessment",
    "describe_assessment",
    "ensure_anonymous_closable",
    "get_assessment",
    "list_assessments",
    "update_assessment",
]


def assessment_questionnaire(
    *, session: Session, assessment: AssessmentRow, respondent_id: str | None = None
) -> AssessmentQuestionnaire:
    """What the assessment's respondents answer: its questionnaire version, scoped (`api.md`).

    Best practices of domains outside the scope are left out, and so are `depends_on` links
    to them; each domain says whether it is in scope. For a respondent (`respondent_id`, its
    token asking), the scope is its own domains (`respondent_scope`): what it is asked.
    """
    questionnaire = questionnaire_of(session=session, assessment=assessment).questionnaire
    scope = assessment.scope
    if respondent_id is not None:
        respondent = repository.get_respondent(
            session=session, assessment_id=assessment.id, respondent_id=respondent_id
        )
        if respondent is not None:
            scope = respondent_scope(assessment.scope, respondent.domains)
    practices = practices_in_scope(questionnaire, scope)
    kept = {practice.id for practice in practices}
    return AssessmentQuestionnaire(
        **questionnaire.model_dump(exclude={"domains", "best_practices"}),
        scope=scope,
        domains=[
            DomainInScope(**domain.model_dump(), in_scope=domain.id in scope)
            for domain in questionnaire.domains
        ],
        best_practices=[
            practice.model_copy(
                update={"depends_on": [link for link in practice.depends_on if link in kept]}
            )
            for practice in practices
        ],
    )


def assessment_public(
    row: AssessmentRow,
    progress: Progress | None = None,
    respondents: RespondentCounts | None = None,
) -> AssessmentPublic:
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
        due_date=row.due_date,
        message=row.message,
        contact=row.contact,
        anonymous=row.anonymous,
        respondents=respondents,
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
    due_date: date | None = None,
    message: str | None = None,
    contact: str | None = None,
    anonymous: bool | None = None,
) -> AssessmentRow:
    """A new open assessment pinned to a questionnaire version (the newest when none is named).

    `scope` lists the domains it covers (every domain when None; 422 when empty, unknown or
    repeated). With `seed_from`, the respondents and answers of that closed assessment are
    copied in (`seed_assessment`); an anonymous source seeds only an anonymous assessment
    (422 otherwise: its respondents were promised that no one would see who answered what).
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
        due_date=due_date,
        message=message or None,
        contact=contact or None,
        anonymous=bool(anonymous),
    )
    source = seed_source(session, organization, seed_from, stored.questionnaire)
    if source is not None and source.assessment.anonymous and not assessment.anonymous:
        wrong = (
            f"{seed_from!r} is anonymous: it seeds only an anonymous assessment "
            "(set anonymous: true)."
        )
        raise Invalid(wrong, errors=[field_problem("seed_from", wrong)])
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
    """The assessment with its progress over every respondent's answers, and its respondents
    counted by where they are."""
    rows = repository.list_answer_states(session=session, assessment_id=assessment.id)
    stored = questionnaire_of(session=session, assessment=assessment)
    return assessment_public(
        assessment,
        progress_of(stored.questionnaire, assessment.scope, rows),
        count_respondents(session=session, assessment=assessment, rows=rows),
    )


def count_respondents(
    *, session: Session, assessment: AssessmentRow, rows: list[repository.AnswerState]
) -> RespondentCounts:
    """Respondents by where they are (`api.md`): submitted; started (at least one question
    gone through, a value, N/A or don't know, and not submitted); not started (the rest: a
    comment alone is not an answer)."""
    submitted = repository.list_respondent_submissions(session=session, assessment_id=assessment.id)
    answering = {
        row.respondent_id
        for row in rows
        if row.value is not None or row.not_applicable or row.dont_know
    }
    done = sum(submitted.values())
    started = sum(
        1
        for respondent_id, is_done in submitted.items()
        if not is_done and respondent_id in answering
    )
    return RespondentCounts(
        total=len(submitted),
        not_started=len(submitted) - done - started,
        started=started,
        submitted=done,
    )


def update_assessment(
    *, session: Session, assessment: AssessmentRow, changes: AssessmentPatch, actor: Actor
) -> AssessmentRow:
    """Change the due date, message or contact of an open assessment (409 closed).

    A field left out stays; given as null it is cleared. `anonymous` is set at creation only:
    422 when given at all, naming it. What changed is audited (from, to).
    """
    if "anonymous" in changes.model_fields_set:
        wrong = "anonymity is set when the assessment is created and cannot change"
        raise Invalid(f"Invalid change: {wrong}.", errors=[field_problem("anonymous", wrong)])
    locked = lock_assessment(session=session, assessment=assessment, action="be changed")
    changed: dict[str, Any] = {}
    for field in ("due_date", "message", "contact"):
        if field not in changes.model_fields_set:
            continue
        new = getattr(changes, field) or None
        old = getattr(locked, field)
        if new != old:
            changed[field] = {
                "from": old.isoformat() if isinstance(old, date) else old,
                "to": new.isoformat() if isinstance(new, date) else new,
            }
            setattr(locked, field, new)
    session.add(locked)
    session.flush()
    if changed:
        record(
            session=session,
            actor=actor,
            organization_id=locked.organization_id,
            action=AuditAction.ASSESSMENT_CHANGED,
            subject_id=locked.id,
            detail=changed,
        )
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


def ensure_anonymous_closable(
    questionnaire: Questionnaire, rows: list[repository.AnswerState]
) -> None:
    """409 unless at least 3 respondents answered (a value, N/A or don't know), and at least
    3 in each domain anyone answered (`api.md`, Anonymous assessments): fewer, and a card
    read beside a list of respondents says who gave which answer. Enabler questions, asked of
    everyone, count toward the first rule only."""
    domain_of = {
        question.id: practice.domain
        for practice in questionnaire.best_practices
        for question in practice.questions
    }
    answering: set[str] = set()
    by_domain: dict[str, set[str]] = {}
    for row in rows:
        if row.value is None and not row.not_applicable and not row.dont_know:
            continue
        answering.add(row.respondent_id)
        domain = domain_of.get(row.question_id)
        if domain is not None:
            by_domain.setdefault(domain, set()).add(row.respondent_id)
    if len(answering) < ANONYMITY_MINIMUM:
        raise Conflict(
            f"This assessment is anonymous: it closes once at least {ANONYMITY_MINIMUM} "
            f"respondents have answered; {len(answering)} have.",
            extensions={"answering": len(answering)},
        )
    thin = {
        domain: len(people)
        for domain, people in by_domain.items()
        if len(people) < ANONYMITY_MINIMUM
    }
    if thin:
        named = ", ".join(f"{domain} ({count})" for domain, count in sorted(thin.items()))
        raise Conflict(
            f"This assessment is anonymous: each domain anyone answered needs at least "
            f"{ANONYMITY_MINIMUM} respondents answering it; too few in {named}.",
            extensions={"domains": thin},
        )


def close_assessment(
    *,
    session: Session,
    organization: OrganizationRow,
    assessment: AssessmentRow,
    actor: Actor,
    accept_disputes: bool = False,
) -> AssessmentRow:
    """Score every saved answer, store the score card snapshot and the context; close for good.

    A facilitated or independent assessment also stores its validated card when it has
    consensus ratings (`scoring.md` section 9), and closes only when every disagreement of a
    cell disputed at 0.25 or more is settled: else 409 with `unsettled` (the question ids),
    unless `accept_disputes`, which closes anyway and audits how many were left.
    409 too when already closed, or when nothing at all was answered (no value and no N/A).
    """
    locked = lock_assessment(session=session, assessment=assessment, action="be closed again")
    rows = repository.list_answer_states(session=session, assessment_id=locked.id)
    if not any(row.value is not None or row.not_applicable for row in rows):
        raise Conflict("Nothing was answered yet: there is nothing to score.")
    stored = questionnaire_of(session=session, assessment=locked)
    if locked.anonymous:
        ensure_anonymous_closable(stored.questionnaire, rows)
    card: ScoreCard = score(stored.questionnaire, rows, locked.scope)
    ratings = []
    left: list[str] = []
    if locked.rigor != Rigor.SELF:
        ratings = consensus.ratings_in_order(
            session=session, assessment=locked, questionnaire=stored.questionnaire
        )
        left = consensus.unsettled(
            stored.questionnaire, card, {rating.question_id for rating in ratings}
        )
        if left and not accept_disputes:
            raise Conflict(
                f"{len(left)} disagreement(s) in cells disputed at 25% or more have no "
                "consensus rating: settle them, or close with accept_disputes=true.",
                extensions={"unsettled": left},
            )
    validated = consensus.validated(stored.questionnaire, rows, ratings, locked.scope)
    now = utcnow()
    locked.status = AssessmentStatus.CLOSED
    locked.closed_at = now
    locked.score_card = card.model_dump_json()
    locked.validated_card = None if validated is None else validated.model_dump_json()
    locked.scoring_version = SCORING_VERSION
    locked.close_context = goals.snapshot(
        session=session, organization=organization, assessment=locked
    )
    session.add(locked)
    session.flush()
    outbox.cancel_assessment_mail(session=session, assessment=locked)
    detail = _described(locked) | {"scoring_version": SCORING_VERSION}
    if accept_disputes:
        detail |= {"accept_disputes": True, "unsettled_left": len(left)}
    record(
        session=session,
        actor=actor,
        organization_id=organization.id,
        action=AuditAction.ASSESSMENT_CLOSED,
        subject_id=locked.id,
        detail=detail,
    )
    return locked
