"""The state rules every write checks: an open assessment, a respondent who has not submitted,
and the assessment's lock that serializes close and answer writes.
"""

from __future__ import annotations

from sqlmodel import Session

from api.core.enums import AssessmentStatus
from api.core.errors import Conflict, NotFound
from api.storage import repository
from api.storage.tables import (
    AssessmentRow,
    RespondentRow,
)

__all__ = ["ensure_anonymous_closed", "ensure_not_submitted", "ensure_open", "lock_assessment"]


def ensure_open(assessment: AssessmentRow, action: str) -> None:
    """409 for a closed assessment: its answers, respondents and score card are frozen."""
    if assessment.status == AssessmentStatus.CLOSED:
        raise Conflict(f"The assessment is closed: it cannot {action}.")


def ensure_anonymous_closed(assessment: AssessmentRow, what: str) -> None:
    """409 for an open anonymous assessment: none of its figures or answers is shown before it
    closes, so that no one watches them move as one person answers (`api.md`, Anonymous)."""
    closed = assessment.status == AssessmentStatus.CLOSED and assessment.score_card is not None
    if assessment.anonymous and not closed:
        raise Conflict(f"This assessment is anonymous: it has no {what} until it is closed.")


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
