"""API keys, and the key lookup every request makes (the throttle and the path's rows with it)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, func, literal, or_, true, update
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from api.storage.repository._shared import newest_first, organization_column
from api.storage.tables import (
    ApiKeyRow,
    AssessmentRow,
    AuthFailureRow,
    OrganizationRow,
    RespondentRow,
)

__all__ = [
    "KeyLookup",
    "PathRows",
    "get_api_key",
    "get_api_key_and_failures",
    "get_api_key_by_hash",
    "list_api_keys",
    "touch_api_key",
]

# The lookups every request makes are statements built once, with bound parameters: building a
# statement and its cache key costs more than running it (issue 13's profile).
_KEY_BY_HASH = select(ApiKeyRow).where(ApiKeyRow.secret_hash == bindparam("secret_hash"))


def get_api_key_by_hash(*, session: Session, secret_hash: str) -> ApiKeyRow | None:
    return session.exec(_KEY_BY_HASH, params={"secret_hash": secret_hash}).first()


class PathRows(NamedTuple):
    """The rows a request's path names, each None when it is not there (or was not asked for):
    `{org}` by id or slug, `{a}` in that organization, `{r}` in that assessment."""

    organization: OrganizationRow | None
    assessment: AssessmentRow | None = None
    respondent: RespondentRow | None = None


class KeyLookup(NamedTuple):
    """What `get_api_key_and_failures` reads in its one statement."""

    key: ApiKeyRow | None
    failures: int
    path: PathRows | None  # None: no path was asked for


def _path_joins(org_by: str) -> list[tuple[Any, Any]]:
    """Each row a path names, with how it joins: `{org}` by `org_by` ("id" or "slug"), `{a}`
    in that organization, `{r}` in that assessment."""
    return [
        (OrganizationRow, and_(true(), col(getattr(OrganizationRow, org_by)) == bindparam("org"))),
        (
            AssessmentRow,
            and_(
                col(AssessmentRow.id) == bindparam("assessment_id"),
                col(AssessmentRow.organization_id) == col(OrganizationRow.id),
            ),
        ),
        (
            RespondentRow,
            and_(
                col(RespondentRow.id) == bindparam("respondent_id"),
                col(RespondentRow.assessment_id) == col(AssessmentRow.id),
            ),
        ),
    ]


_PATH_PARAMETERS = ("org", "assessment_id", "respondent_id")  # as `_path_joins` binds them


@cache
def _key_and_path(org_by: str, depth: int) -> Any:
    """The key lookup's one statement: the address's failure count beside the key holding the
    hash, and the first `depth` rows of the path, each outer-joined to a one-row anchor so that
    every lookup answers one row, found or not."""
    failures = (
        select(func.count())
        .select_from(AuthFailureRow)
        .where(
            AuthFailureRow.address == bindparam("address"),
            col(AuthFailureRow.failed_at) > bindparam("since"),
        )
        .scalar_subquery()
    )
    joins = _path_joins(org_by)[:depth]
    query = (
        select(failures, ApiKeyRow, *(row for row, _ in joins))
        .select_from(select(literal(1).label("one")).subquery("anchor"))
        .outerjoin(ApiKeyRow, and_(true(), col(ApiKeyRow.secret_hash) == bindparam("secret_hash")))
    )
    for row, on in joins:
        query = query.outerjoin(row, on)
    if depth >= 2:  # the stored cards are read when used (`assessments._ASSESSMENT`)
        query = query.options(
            defer(AssessmentRow.score_card),  # type: ignore[arg-type]
            defer(AssessmentRow.validated_card),  # type: ignore[arg-type]
        )
    return query.limit(1)


def get_api_key_and_failures(
    *,
    session: Session,
    secret_hash: str,
    address: str,
    since: datetime,
    path: tuple[str, ...] = (),
) -> KeyLookup:
    """The key holding a secret, if any, the address's failed authentications since `since`,
    and the rows `path` names (`{org}`, then `{a}` and `{r}` when given), all in one statement.

    So checking the throttle costs a successful request nothing more, and neither does finding
    what its path names: a request on an assessment reads its key, organization and assessment
    at once (one statement instead of three).
    """
    params: dict[str, Any] = {"secret_hash": secret_hash, "address": address, "since": since}
    params.update(zip(_PATH_PARAMETERS, path, strict=False))
    org_by = organization_column(path[0]) if path else "id"
    row = session.execute(_key_and_path(org_by, len(path)), params).one()
    return KeyLookup(key=row[1], failures=int(row[0]), path=PathRows(*row[2:]) if path else None)


def touch_api_key(*, session: Session, key_id: str, now: datetime, older_than: datetime) -> None:
    session.execute(
        update(ApiKeyRow)
        .where(
            col(ApiKeyRow.id) == key_id,
            or_(col(ApiKeyRow.last_used_at).is_(None), col(ApiKeyRow.last_used_at) < older_than),
        )
        .values(last_used_at=now)
    )


def list_api_keys(
    *, session: Session, organization_id: str, after: list[Any] | None, limit: int
) -> list[ApiKeyRow]:
    query = select(ApiKeyRow).where(ApiKeyRow.organization_id == organization_id)
    return newest_first(session, query, ApiKeyRow, after=after, limit=limit)


def get_api_key(*, session: Session, organization_id: str, key_id: str) -> ApiKeyRow | None:
    return session.exec(
        select(ApiKeyRow).where(
            ApiKeyRow.id == key_id, ApiKeyRow.organization_id == organization_id
        )
    ).first()
