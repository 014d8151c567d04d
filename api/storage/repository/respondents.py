"""Respondents: found (by id, or by the token of their invitation link), listed and counted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, func
from sqlmodel import Session, col, select

from api.core.enums import TokenOrigin
from api.storage.repository._shared import newest_first
from api.storage.tables import AssessmentRow, RespondentRow, RespondentTokenRow, utcnow

__all__ = [
    "add_respondent_token",
    "count_respondents",
    "end_respondent_tokens",
    "get_respondent",
    "get_respondent_by_token_hash",
    "list_all_respondents",
    "list_respondent_submissions",
    "list_respondents",
    "refresh_respondent",
]

# Built once, as the key lookup is (`keys`): a respondent's every request reads it.
_RESPONDENT_BY_TOKEN = (
    select(RespondentRow, AssessmentRow.organization_id)
    .join(RespondentTokenRow, col(RespondentTokenRow.respondent_id) == col(RespondentRow.id))
    .join(AssessmentRow, col(AssessmentRow.id) == col(RespondentRow.assessment_id))
    .where(RespondentTokenRow.token_hash == bindparam("token_hash"))
)


def get_respondent_by_token_hash(
    *, session: Session, token_hash: str
) -> tuple[RespondentRow, str] | None:
    """The respondent holding a token, with its assessment's organization id."""
    row = session.exec(_RESPONDENT_BY_TOKEN, params={"token_hash": token_hash}).first()
    return None if row is None else (row[0], row[1])


_RESPONDENT = select(RespondentRow).where(
    RespondentRow.id == bindparam("respondent_id"),
    RespondentRow.assessment_id == bindparam("assessment_id"),
)


def get_respondent(
    *, session: Session, assessment_id: str, respondent_id: str
) -> RespondentRow | None:
    return session.exec(
        _RESPONDENT, params={"assessment_id": assessment_id, "respondent_id": respondent_id}
    ).first()


def list_respondents(
    *, session: Session, assessment_id: str, after: list[Any] | None, limit: int
) -> list[RespondentRow]:
    query = select(RespondentRow).where(RespondentRow.assessment_id == assessment_id)
    return newest_first(session, query, RespondentRow, after=after, limit=limit)


def count_respondents(*, session: Session, assessment_id: str) -> int:
    return session.exec(
        select(func.count())
        .select_from(RespondentRow)
        .where(RespondentRow.assessment_id == assessment_id)
    ).one()


_RESPONDENT_AGAIN = select(RespondentRow).where(RespondentRow.id == bindparam("respondent_id"))
_RESPONDENT_AGAIN_LOCKED = {
    lock: (_RESPONDENT_AGAIN.with_for_update() if lock else _RESPONDENT_AGAIN).execution_options(
        populate_existing=True
    )
    for lock in (False, True)
}


def refresh_respondent(
    *, session: Session, respondent_id: str, lock: bool = False
) -> RespondentRow:
    """Re-read the respondent; with `lock`, under a row lock (PostgreSQL; SQLite ignores it)."""
    return session.exec(
        _RESPONDENT_AGAIN_LOCKED[lock], params={"respondent_id": respondent_id}
    ).one()


def list_all_respondents(*, session: Session, assessment_id: str) -> list[RespondentRow]:
    """Every respondent of an assessment, oldest first (reports, exports)."""
    return list(
        session.exec(
            select(RespondentRow)
            .where(RespondentRow.assessment_id == assessment_id)
            .order_by(col(RespondentRow.created_at), col(RespondentRow.id))
        )
    )


def add_respondent_token(
    *, session: Session, respondent_id: str, token_hash: str, origin: TokenOrigin
) -> None:
    """One more token for the respondent; those it holds keep working."""
    session.add(
        RespondentTokenRow(
            respondent_id=respondent_id, token_hash=token_hash, origin=origin, created_at=utcnow()
        )
    )
    session.flush()


def end_respondent_tokens(*, session: Session, respondent_id: str) -> None:
    """Every token of the respondent ends (its page sessions end with them)."""
    session.execute(
        delete(RespondentTokenRow).where(col(RespondentTokenRow.respondent_id) == respondent_id)
    )


def list_respondent_submissions(*, session: Session, assessment_id: str) -> dict[str, bool]:
    """Each respondent of the assessment: whether it has submitted (two columns, one fetch)."""
    rows = session.execute(
        select(col(RespondentRow.id), col(RespondentRow.submitted_at)).where(
            RespondentRow.assessment_id == assessment_id
        )
    ).all()
    return {respondent_id: submitted_at is not None for respondent_id, submitted_at in rows}
