"""Assessments: found, listed, locked (fairly queued on PostgreSQL) and deleted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, text
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.core.enums import AssessmentStatus
from api.storage.repository._shared import newest_first
from api.storage.tables import AssessmentRow

__all__ = [
    "delete_assessment",
    "get_assessment",
    "list_assessments",
    "lock_assessment",
]

# The stored cards (tens of kilobytes each) are read when used: a closed report is made from it
# once per process (`api.http.report_responses`), while every request on an assessment reads
# its row.
_ASSESSMENT = (
    select(AssessmentRow)
    .options(defer(AssessmentRow.score_card), defer(AssessmentRow.validated_card))  # type: ignore[arg-type]
    .where(
        AssessmentRow.id == bindparam("assessment_id"),
        AssessmentRow.organization_id == bindparam("organization_id"),
    )
)


def get_assessment(
    *, session: Session, organization_id: str, assessment_id: str
) -> AssessmentRow | None:
    return session.exec(
        _ASSESSMENT, params={"assessment_id": assessment_id, "organization_id": organization_id}
    ).first()


def list_assessments(
    *,
    session: Session,
    organization_id: str,
    status: AssessmentStatus | None,
    questionnaire_key: str | None,
    after: list[Any] | None,
    limit: int,
) -> list[AssessmentRow]:
    query = select(AssessmentRow).where(AssessmentRow.organization_id == organization_id)
    if status is not None:
        query = query.where(AssessmentRow.status == status)
    if questionnaire_key is not None:
        query = query.where(AssessmentRow.questionnaire_key == questionnaire_key)
    return newest_first(session, query, AssessmentRow, after=after, limit=limit)


def _assessment_locked(read: bool) -> SelectOfScalar[AssessmentRow]:
    return (
        select(AssessmentRow)
        .where(AssessmentRow.id == bindparam("assessment_id"))
        .with_for_update(read=read)
        .execution_options(populate_existing=True)
    )


_ASSESSMENT_LOCKED = {shared: _assessment_locked(shared) for shared in (False, True)}


# PostgreSQL grants a row's FOR SHARE to a newcomer while a FOR UPDATE waits for the holders,
# so a stream of answer writes could keep a close waiting for ever (seen under load). A
# transaction-scoped advisory lock on the assessment, taken first, queues fairly: once an
# exclusive request waits, later shared ones wait behind it.
_ASSESSMENT_GATE = {
    shared: text(
        f"SELECT pg_advisory_xact_lock{'_shared' if shared else ''}"
        "(hashtextextended(:assessment_id, 0))"
    )
    for shared in (False, True)
}


def lock_assessment(
    *, session: Session, assessment_id: str, shared: bool = False
) -> AssessmentRow | None:
    """Re-read the assessment under its lock: on PostgreSQL an advisory lock, shared or not,
    queued fairly, then the row (FOR SHARE or FOR UPDATE); SQLite ignores both (its write lock
    is the database's)."""
    params = {"assessment_id": assessment_id}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_ASSESSMENT_GATE[shared], params)
    return session.exec(_ASSESSMENT_LOCKED[shared], params=params).first()


def delete_assessment(*, session: Session, assessment_id: str) -> None:
    """Delete an assessment; its respondents, answers and share links go with it (cascade)."""
    session.execute(delete(AssessmentRow).where(col(AssessmentRow.id) == assessment_id))
    session.expunge_all()
