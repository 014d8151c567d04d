"""The audit trail: appended, read, never updated or deleted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from api.storage.repository._shared import newest_first
from api.storage.tables import AuditEntryRow

__all__ = ["add_audit_entry", "list_audit_entries", "search_audit_entries"]


def add_audit_entry(*, session: Session, entry: AuditEntryRow) -> None:
    session.execute(insert(AuditEntryRow), [entry.model_dump()])


def list_audit_entries(
    *, session: Session, organization_id: str, after: list[Any] | None, limit: int
) -> list[AuditEntryRow]:
    query = select(AuditEntryRow).where(AuditEntryRow.organization_id == organization_id)
    return newest_first(session, query, AuditEntryRow, after=after, limit=limit)


def search_audit_entries(
    *,
    session: Session,
    organization_id: str | None,
    action: str | None,
    after: list[Any] | None,
    limit: int,
) -> list[AuditEntryRow]:
    """Every organization's entries and those of none, optionally of one organization or action."""
    query = select(AuditEntryRow)
    if organization_id is not None:
        query = query.where(AuditEntryRow.organization_id == organization_id)
    if action is not None:
        query = query.where(AuditEntryRow.action == action)
    return newest_first(session, query, AuditEntryRow, after=after, limit=limit)
