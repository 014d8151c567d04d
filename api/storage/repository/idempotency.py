"""Idempotency records: the first response to a keyed POST, kept for its retries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from api.storage.tables import IdempotencyRow

__all__ = ["delete_idempotency_records_before", "get_idempotency_record"]


def get_idempotency_record(
    *, session: Session, principal: str, method: str, path: str, key: str
) -> IdempotencyRow | None:
    return session.exec(
        select(IdempotencyRow).where(
            IdempotencyRow.principal == principal,
            IdempotencyRow.method == method,
            IdempotencyRow.path == path,
            IdempotencyRow.key == key,
        )
    ).first()


def delete_idempotency_records_before(*, session: Session, cutoff: datetime) -> None:
    session.execute(delete(IdempotencyRow).where(col(IdempotencyRow.created_at) < cutoff))
