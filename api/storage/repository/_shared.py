"""What the repository's modules share: keyset pages newest first, Core tables, `{org}`'s column."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Table, and_, or_
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session, SQLModel, col
from sqlmodel.sql.expression import SelectOfScalar

from api.core.ids import named_by
from api.core.pagination import cursor_position
from api.storage.tables import (
    ApiKeyRow,
    AssessmentRow,
    AuditEntryRow,
    MailRow,
    OrganizationRow,
    RespondentRow,
    ShareLinkRow,
)

__all__ = ["newest_first", "organization_column", "table_of"]

# Lists, newest first by (created_at, id)

_Listed = TypeVar(
    "_Listed",
    OrganizationRow,
    ApiKeyRow,
    AssessmentRow,
    RespondentRow,
    ShareLinkRow,
    AuditEntryRow,
    MailRow,
)


def newest_first(
    session: Session,
    query: SelectOfScalar[_Listed],
    table: type[_Listed],
    *,
    after: list[Any] | None,
    limit: int,
) -> list[_Listed]:
    """Up to `limit + 1` rows after the cursor position, so the caller knows if more follow."""
    created_at, ident = col(table.created_at), col(table.id)
    position = cursor_position(after)
    if position is not None:
        query = query.where(
            or_(created_at < position[0], and_(created_at == position[0], ident < position[1]))
        )
    return list(session.exec(query.order_by(created_at.desc(), ident.desc()).limit(limit + 1)))


def table_of(model: type[SQLModel]) -> Table:
    """The table of a table model, for Core statements that skip the ORM's per-row work."""
    table = sa_inspect(model).local_table
    assert isinstance(table, Table)
    return table


def organization_column(id_or_slug: str) -> str:
    """The column an organization is named by in a path: its id (`org_...`) or its slug, by the
    one rule of `api.core.ids.named_by`. Callers look up only what that rule says can name an
    organization; anything else is taken for a slug (an imported one, say)."""
    return named_by("org", id_or_slug) or "slug"
