"""What reports read: closed assessments (with or without score cards), and targets."""

from __future__ import annotations

from sqlalchemy.orm import defer
from sqlmodel import Session, select

from api.core.enums import AssessmentStatus
from api.storage.tables import AssessmentRow, TargetRow

__all__ = [
    "get_target",
    "list_closed_assessment_heads",
    "list_closed_assessments",
]


def list_closed_assessment_heads(
    *, session: Session, organization_id: str, questionnaire_key: str
) -> list[AssessmentRow]:
    """The organization's closed assessments of a key, without their cards."""
    return list(
        session.exec(
            select(AssessmentRow)
            .options(
                defer(AssessmentRow.score_card),  # type: ignore[arg-type]
                defer(AssessmentRow.validated_card),  # type: ignore[arg-type]
                defer(AssessmentRow.close_context),  # type: ignore[arg-type]
            )
            .where(
                AssessmentRow.organization_id == organization_id,
                AssessmentRow.questionnaire_key == questionnaire_key,
                AssessmentRow.status == AssessmentStatus.CLOSED,
            )
        )
    )


def get_target(
    *, session: Session, organization_id: str, questionnaire_key: str
) -> TargetRow | None:
    return session.get(TargetRow, (organization_id, questionnaire_key))


def list_closed_assessments(
    *, session: Session, organization_id: str, questionnaire_key: str
) -> list[AssessmentRow]:
    """The organization's closed assessments of a key, with their score cards (one query)."""
    return list(
        session.exec(
            select(AssessmentRow).where(
                AssessmentRow.organization_id == organization_id,
                AssessmentRow.questionnaire_key == questionnaire_key,
                AssessmentRow.status == AssessmentStatus.CLOSED,
            )
        )
    )
