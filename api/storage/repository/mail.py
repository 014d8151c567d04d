"""The mail outbox: rows queued, listed, claimed by a sender, cancelled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlmodel import Session, col
from sqlmodel import select as sqlmodel_select

from api.core.enums import AssessmentStatus, MailKind, MailStatus, MailTrigger
from api.storage.repository._shared import newest_first
from api.storage.tables import AssessmentRow, MailRow, RespondentRow

__all__ = [
    "MailHistory",
    "add_mail",
    "cancel_pending_mail",
    "claim_mail",
    "get_mail",
    "list_assessments_due_between",
    "list_mail",
    "list_mail_history",
    "release_mail_claims",
]


def add_mail(*, session: Session, rows: Sequence[MailRow]) -> None:
    """Queue mails in the caller's transaction."""
    session.add_all(rows)
    session.flush()


def get_mail(*, session: Session, mail_id: str) -> MailRow | None:
    """The row as stored now (never a copy the session holds from before)."""
    return session.exec(
        sqlmodel_select(MailRow)
        .where(MailRow.id == mail_id)
        .execution_options(populate_existing=True)
    ).first()


def list_mail(
    *, session: Session, assessment_id: str, after: list[Any] | None, limit: int
) -> list[MailRow]:
    query = sqlmodel_select(MailRow).where(MailRow.assessment_id == assessment_id)
    return newest_first(session, query, MailRow, after=after, limit=limit)


@dataclass(frozen=True)
class MailHistory:
    """What the rules of who gets a mail look at: one mail of a respondent, without its text."""

    respondent_id: str
    kind: MailKind
    trigger: MailTrigger
    status: MailStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def list_mail_history(*, session: Session, assessment_id: str) -> list[MailHistory]:
    """Every mail of the assessment, oldest first."""
    rows = session.execute(
        select(
            col(MailRow.respondent_id),
            col(MailRow.kind),
            col(MailRow.trigger),
            col(MailRow.status),
            col(MailRow.attempts),
            col(MailRow.last_error),
            col(MailRow.created_at),
            col(MailRow.sent_at),
        )
        .where(col(MailRow.assessment_id) == assessment_id)
        .order_by(col(MailRow.created_at), col(MailRow.id))
    )
    return [MailHistory(*row) for row in rows]


def claim_mail(*, session: Session, now: datetime, until: datetime, limit: int) -> list[str]:
    """Claim up to `limit` due rows until `until`, counting an attempt each; their ids.

    Due: pending, `next_attempt_at` reached, held by nobody (never claimed, or the claim of a
    sender that stopped or crashed has run out). One conditional UPDATE: on PostgreSQL its
    subquery locks the rows `FOR UPDATE SKIP LOCKED`, so two processes claiming at once take
    different rows and neither waits; on SQLite it runs in a writing transaction (`BEGIN
    IMMEDIATE`), which no other writer enters before it commits.
    """
    due = (
        select(col(MailRow.id))
        .where(
            col(MailRow.status) == MailStatus.PENDING,
            col(MailRow.next_attempt_at) <= now,
            or_(col(MailRow.claimed_until).is_(None), col(MailRow.claimed_until) < now),
        )
        .order_by(col(MailRow.next_attempt_at), col(MailRow.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = session.execute(
        update(MailRow)
        .where(col(MailRow.id).in_(due.scalar_subquery()))
        .values(claimed_until=until, attempts=col(MailRow.attempts) + 1)
        .returning(col(MailRow.id))
        .execution_options(synchronize_session=False)
    )
    return list(claimed.scalars())


def release_mail_claims(*, session: Session, mail_ids: Sequence[str], until: datetime) -> None:
    """Give back claims not used (a sender stopping): due again at once, the attempt undone."""
    if not mail_ids:
        return
    session.execute(
        update(MailRow)
        .where(
            col(MailRow.id).in_(list(mail_ids)),
            col(MailRow.status) == MailStatus.PENDING,
            col(MailRow.claimed_until) == until,
        )
        .values(claimed_until=None, attempts=col(MailRow.attempts) - 1)
        .execution_options(synchronize_session=False)
    )


def cancel_pending_mail(
    *, session: Session, assessment_id: str, respondent_id: str | None = None
) -> int:
    """Cancel the pending mails of the assessment (of one respondent when named); how many."""
    conditions = [
        col(MailRow.assessment_id) == assessment_id,
        col(MailRow.status) == MailStatus.PENDING,
    ]
    if respondent_id is not None:
        conditions.append(col(MailRow.respondent_id) == respondent_id)
    result = session.execute(
        update(MailRow)
        .where(and_(*conditions))
        .values(status=MailStatus.CANCELLED, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def list_assessments_due_between(
    *, session: Session, first: date, last: date
) -> list[AssessmentRow]:
    """The open assessments whose due date is between `first` and `last` (both included) and
    that have a respondent with an e-mail who has not submitted."""
    waiting = (
        select(col(RespondentRow.id))
        .where(
            col(RespondentRow.assessment_id) == col(AssessmentRow.id),
            col(RespondentRow.email).is_not(None),
            col(RespondentRow.submitted_at).is_(None),
        )
        .exists()
    )
    return list(
        session.exec(
            sqlmodel_select(AssessmentRow)
            .where(
                AssessmentRow.status == AssessmentStatus.OPEN,
                col(AssessmentRow.due_date) >= first,
                col(AssessmentRow.due_date) <= last,
                waiting,
            )
            .order_by(col(AssessmentRow.id))
        )
    )
