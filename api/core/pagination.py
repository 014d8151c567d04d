"""Cursor pagination (`api.md`, Lists): opaque cursors that carry their position and filters."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel

from api.core.errors import Invalid

T = TypeVar("T")


def _unknown_cursor() -> Invalid:
    return Invalid.field(
        "cursor", "unknown cursor", detail="cursor is not one this service made", where="query"
    )


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(position: list[Any], filters: dict[str, Any]) -> str:
    """A cursor for the page after `position`, valid only with the same `filters`."""
    raw = json.dumps({"p": position, "f": filters}, sort_keys=True, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, filters: dict[str, Any]) -> list[Any] | None:
    """The position a cursor carries, or None for the first page; 422 when it does not fit."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        content = json.loads(base64.urlsafe_b64decode(padded.encode()))
        position, cursor_filters = content["p"], content["f"]
        if not isinstance(position, list):
            raise TypeError
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise _unknown_cursor() from None
    if cursor_filters != filters:
        raise Invalid.field(
            "cursor",
            "filters differ from the cursor's",
            detail="cursor was made with other filters; start again without a cursor",
            where="query",
        )
    return position


def paginate_sorted(
    items: list[T],
    *,
    position: Callable[[T], list[Any]],
    limit: int,
    cursor: str | None,
    filters: dict[str, Any],
) -> Page[T]:
    """One page of an already ordered, in-memory list (small lists: questionnaires, versions)."""
    after = decode_cursor(cursor, filters)
    start = 0
    if after is not None:
        positions = [position(item) for item in items]
        if after not in positions:
            raise Invalid.field(
                "cursor",
                "unknown position",
                detail="cursor points to nothing in this list",
                where="query",
            )
        start = positions.index(after) + 1
    page = items[start : start + limit]
    more = start + limit < len(items)
    return Page[T](
        items=page, next_cursor=encode_cursor(position(page[-1]), filters) if more else None
    )


class _Keyed(Protocol):
    id: Any
    created_at: datetime


K = TypeVar("K", bound=_Keyed)


def keyset_page(
    rows: Sequence[K], *, limit: int, filters: dict[str, Any], convert: Callable[[K], T]
) -> Page[T]:
    """A page from up to `limit + 1` rows fetched newest first by (created_at, id)."""
    page = list(rows[:limit])
    more = len(rows) > limit
    next_cursor = (
        encode_cursor([page[-1].created_at.isoformat(), page[-1].id], filters) if more else None
    )
    return Page[T](items=[convert(row) for row in page], next_cursor=next_cursor)


def cursor_position(after: list[Any] | None) -> tuple[datetime, str] | None:
    """The (created_at, id) a keyset cursor points after; 422 when it is not one."""
    if after is None:
        return None
    try:
        created_at, ident = after
        moment = datetime.fromisoformat(created_at)
        if moment.tzinfo is None or not isinstance(ident, str):
            raise ValueError
        return moment.astimezone(UTC), ident
    except (ValueError, TypeError, OverflowError):
        raise _unknown_cursor() from None
