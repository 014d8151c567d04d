"""Whether the database answers at all (`GET /health`)."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, select

__all__ = ["ping"]


def ping(*, session: Session) -> None:
    session.exec(select(text("1"))).one()
