"""Consensus ratings: one per assessment and question, read in bulk, set and removed."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, col, select

from api.storage.tables import ConsensusRow

__all__ = [
    "delete_consensus_rating",
    "get_consensus_rating",
    "list_consensus_ratings",
]


def list_consensus_ratings(*, session: Session, assessment_id: str) -> list[ConsensusRow]:
    """Every consensus rating of an assessment, in the order they were first set."""
    return list(
        session.exec(
            select(ConsensusRow)
            .where(ConsensusRow.assessment_id == assessment_id)
            .order_by(col(ConsensusRow.id))
        )
    )


def get_consensus_rating(
    *, session: Session, assessment_id: str, question_id: str
) -> ConsensusRow | None:
    return session.exec(
        select(ConsensusRow).where(
            ConsensusRow.assessment_id == assessment_id,
            ConsensusRow.question_id == question_id,
        )
    ).first()


def delete_consensus_rating(*, session: Session, assessment_id: str, question_id: str) -> None:
    session.execute(
        delete(ConsensusRow).where(
            col(ConsensusRow.assessment_id) == assessment_id,
            col(ConsensusRow.question_id) == question_id,
        )
    )
