"""Failed authentications by address, counted for the throttle (`api.http.throttle`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from api.storage.tables import AuthFailureRow

__all__ = ["add_auth_failure", "delete_auth_failures_before", "list_auth_failure_times"]


def list_auth_failure_times(*, session: Session, address: str, since: datetime) -> list[datetime]:
    """When the address failed to authenticate since `since`, newest first."""
    return list(
        session.exec(
            select(AuthFailureRow.failed_at)
            .where(AuthFailureRow.address == address, col(AuthFailureRow.failed_at) > since)
            .order_by(col(AuthFailureRow.failed_at).desc())
        )
    )


def add_auth_failure(*, session: Session, address: str, failed_at: datetime) -> None:
    session.execute(insert(AuthFailureRow).values(address=address, failed_at=failed_at))


def delete_auth_failures_before(*, session: Session, cutoff: datetime) -> None:
    session.execute(delete(AuthFailureRow).where(col(AuthFailureRow.failed_at) <= cutoff))
