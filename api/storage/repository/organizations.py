"""Organizations: listed, and found by id or slug."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from api.storage.repository._shared import newest_first, organization_column
from api.storage.tables import OrganizationRow

__all__ = [
    "get_organization",
    "get_organization_by_id",
    "list_organizations",
    "slugs_starting_with",
]


def list_organizations(
    *, session: Session, after: list[Any] | None, limit: int
) -> list[OrganizationRow]:
    return newest_first(session, select(OrganizationRow), OrganizationRow, after=after, limit=limit)


def slugs_starting_with(*, session: Session, prefix: str) -> set[str]:
    return set(
        session.exec(
            select(OrganizationRow.slug).where(col(OrganizationRow.slug).startswith(prefix))
        )
    )


_ORGANIZATION_BY = {
    name: select(OrganizationRow).where(getattr(OrganizationRow, name) == bindparam("org"))
    for name in ("id", "slug")
}


def get_organization(*, session: Session, id_or_slug: str) -> OrganizationRow | None:
    query = _ORGANIZATION_BY[organization_column(id_or_slug)]
    return session.exec(query, params={"org": id_or_slug}).first()


def get_organization_by_id(*, session: Session, organization_id: str) -> OrganizationRow | None:
    return session.get(OrganizationRow, organization_id)
