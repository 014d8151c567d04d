"""Share links: added, found (by id, or by the hash of their token), listed, marked opened."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from api.storage.repository._shared import newest_first
from api.storage.tables import ShareLinkRow

__all__ = [
    "add_share_link",
    "get_share_link",
    "get_share_link_by_hash",
    "list_share_links",
    "mark_share_link_opened",
]


def add_share_link(*, session: Session, share_link: ShareLinkRow) -> None:
    session.add(share_link)
    session.flush()


def get_share_link(*, session: Session, organization_id: str, link_id: str) -> ShareLinkRow | None:
    return session.exec(
        select(ShareLinkRow).where(
            ShareLinkRow.id == link_id, ShareLinkRow.organization_id == organization_id
        )
    ).first()


def list_share_links(
    *, session: Session, organization_id: str, after: list[Any] | None, limit: int
) -> list[ShareLinkRow]:
    query = select(ShareLinkRow).where(ShareLinkRow.organization_id == organization_id)
    return newest_first(session, query, ShareLinkRow, after=after, limit=limit)


def mark_share_link_opened(*, session: Session, link_id: str, now: datetime) -> bool:
    """Note the first opening of a link; False when it was opened before (by any process)."""
    result = session.execute(
        update(ShareLinkRow)
        .where(col(ShareLinkRow.id) == link_id, col(ShareLinkRow.first_opened_at).is_(None))
        .values(first_opened_at=now)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def get_share_link_by_hash(*, session: Session, token_hash: str) -> ShareLinkRow | None:
    return session.exec(select(ShareLinkRow).where(ShareLinkRow.token_hash == token_hash)).first()
