"""Exports and imports: an organization's rows in their order, ids taken, rows written in bulk."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, SQLModel, col, select

from api.storage.tables import (
    AnswerHistoryRow,
    AnswerRow,
    ApiKeyRow,
    AssessmentRow,
    AuditEntryRow,
    OrganizationRow,
    RespondentRow,
    ShareLinkRow,
    TargetRow,
)

__all__ = [
    "existing_ids",
    "ids_stored_elsewhere",
    "insert_rows",
    "list_all_audit_entries",
    "list_answer_history",
    "list_answers_in_order",
    "list_organization_assessments",
    "list_targets",
]


def list_organization_assessments(*, session: Session, organization_id: str) -> list[AssessmentRow]:
    """Every assessment of an organization, oldest first by (created_at, id) (exports)."""
    return list(
        session.exec(
            select(AssessmentRow)
            .where(AssessmentRow.organization_id == organization_id)
            .order_by(col(AssessmentRow.created_at), col(AssessmentRow.id))
        )
    )


def list_targets(*, session: Session, organization_id: str) -> list[TargetRow]:
    """Every target row of an organization, by questionnaire key (exports)."""
    return list(
        session.exec(
            select(TargetRow)
            .where(TargetRow.organization_id == organization_id)
            .order_by(col(TargetRow.questionnaire_key))
        )
    )


def list_answers_in_order(*, session: Session, assessment_id: str) -> list[AnswerRow]:
    """Every answer of an assessment in the order it was stored (exports)."""
    return list(
        session.exec(
            select(AnswerRow)
            .where(AnswerRow.assessment_id == assessment_id)
            .order_by(col(AnswerRow.id))
        )
    )


def list_answer_history(*, session: Session, assessment_id: str) -> list[AnswerHistoryRow]:
    """Every change of an assessment's answers in the order it was written (exports)."""
    return list(
        session.exec(
            select(AnswerHistoryRow)
            .where(AnswerHistoryRow.assessment_id == assessment_id)
            .order_by(col(AnswerHistoryRow.id))
        )
    )


def list_all_audit_entries(*, session: Session, organization_id: str) -> list[AuditEntryRow]:
    """Every audit entry of an organization, oldest first by (created_at, id) (exports)."""
    return list(
        session.exec(
            select(AuditEntryRow)
            .where(AuditEntryRow.organization_id == organization_id)
            .order_by(col(AuditEntryRow.created_at), col(AuditEntryRow.id))
        )
    )


def existing_ids(
    *,
    session: Session,
    organization_ids: list[str],
    assessment_ids: list[str],
    respondent_ids: list[str],
    audit_entry_ids: list[str] | None = None,
) -> list[str]:
    """Which of these ids (organizations, assessments, ...) are taken already (imports)."""
    taken: list[str] = []
    for table, ids in (
        (OrganizationRow, organization_ids),
        (AssessmentRow, assessment_ids),
        (RespondentRow, respondent_ids),
        (AuditEntryRow, audit_entry_ids or []),
    ):
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            taken.extend(session.exec(select(table.id).where(col(table.id).in_(chunk))))
    return taken


def ids_stored_elsewhere(*, session: Session, ids: list[str]) -> list[str]:
    """Which of these ids name a stored organization, assessment, respondent, organization key
    or share link (an import's organization is new: any of them is another organization's)."""
    found: list[str] = []
    for table in (OrganizationRow, AssessmentRow, RespondentRow, ShareLinkRow):
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found.extend(session.exec(select(table.id).where(col(table.id).in_(chunk))))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.extend(
            session.exec(
                select(ApiKeyRow.id).where(
                    col(ApiKeyRow.id).in_(chunk), col(ApiKeyRow.organization_id).is_not(None)
                )
            )
        )
    return found


def insert_rows(*, session: Session, table: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Insert many rows of one table in one statement (imports)."""
    if rows:
        session.execute(insert(table), rows)
