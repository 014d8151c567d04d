"""Page sessions: the cookies of the pages for people (`api.md`, Pages)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col

from api.storage.tables import PageSessionRow

__all__ = [
    "add_page_session",
    "delete_page_session",
    "delete_page_sessions_expired",
    "get_page_session",
]


def add_page_session(*, session: Session, page_session: PageSessionRow) -> None:
    session.add(page_session)
    session.flush()


def get_page_session(*, session: Session, id_hash: str) -> PageSessionRow | None:
    return session.get(PageSessionRow, id_hash)


def delete_page_session(*, session: Session, id_hash: str) -> None:
    session.execute(delete(PageSessionRow).where(col(PageSessionRow.id_hash) == id_hash))


def delete_page_sessions_expired(*, session: Session, now: datetime) -> None:
    session.execute(delete(PageSessionRow).where(col(PageSessionRow.expires_at) <= now))
