"""Respondents: who answers an assessment, their invitation tokens, their submission."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session

from api.core.enums import TokenOrigin
from api.core.errors import Conflict, field_problem
from api.core.ids import new_id
from api.core.pagination import Page, decode_cursor, keyset_page
from api.core.principals import Actor
from api.core.secrets import RESPONDENT_PREFIX, new_secret, secret_hash
from api.schemas import (
    Progress,
    RespondentCreated,
    RespondentPublic,
    TokenIssued,
)
from api.services import outbox
from api.services.audit import AuditAction, record
from api.services.guards import ensure_not_submitted, lock_assessment
from api.services.progress import progress_of
from api.services.questionnaires import questionnaire_of
from api.storage import repository
from api.storage.tables import (
    AssessmentRow,
    RespondentRow,
    utcnow,
)

__all__ = [
    "CreatedRespondent",
    "create_respondent",
    "invite_respondent",
    "list_respondents",
    "reissue_token",
    "respondent_public",
    "submit_respondent",
]


@dataclass(frozen=True)
class CreatedRespondent:
    respondent: RespondentRow
    token: str


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
        created_at=utcnow(),
    )
    session.add(respondent)
    session.flush()
    repository.add_respondent_token(
        session=session,
        respondent_id=respondent.id,
        token_hash=secret_hash(token),
        origin=TokenOrigin.ISSUED,
    )
    return CreatedRespondent(respondent=respondent, token=token)


def invite_respondent(
    *,
    session: Session,
    assessment: AssessmentRow,
    name: str,
    role: str | None,
    email: str | None,
    max_respondents: int,
    actor: Actor,
) -> RespondentCreated:
    """`create_respondent`, as the API shows it: with its (empty) progress and its token.

    The new credential is recorded in the audit trail (who issued it, for whom; never the token).
    """
    created = create_respondent(
        session=session,
        assessment=assessment,
        name=name,
        role=role,
        email=email,
        max_respondents=max_respondents,
    )
    record(
        session=session,
        actor=actor,
        organization_id=assessment.organization_id,
        action=AuditAction.RESPONDENT_INVITED,
        subject_id=created.respondent.id,
        detail={"assessment_id": assessment.id, "name": created.respondent.name},
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
    repository.end_respondent_tokens(session=session, respondent_id=respondent.id)
    repository.add_respondent_token(
        session=session,
        respondent_id=respondent.id,
        token_hash=secret_hash(token),
        origin=TokenOrigin.ISSUED,
    )
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
    outbox.cancel_respondent_mail(session=session, respondent=locked)
    rows = repository.list_answer_states(
        session=session, assessment_id=assessment.id, respondent_ids=[locked.id]
    )
    stored = questionnaire_of(session=session, assessment=assessment)
    return respondent_public(locked, progress_of(stored.questionnaire, assessment.scope, rows))
