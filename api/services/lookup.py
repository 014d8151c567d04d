"""Finding a row named by a client-given id, or answering 404 (`NotFound`).

An id that cannot be one of its kind (`api.core.ids.named_by`; an organization is also named by
its slug) is not looked up at all: it is simply unknown, whatever it holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from api.core.errors import NotFound
from api.core.ids import named_by

__all__ = ["get_or_not_found", "well_formed"]

_Row = TypeVar("_Row")


def well_formed(kind: str, ident: str) -> bool:
    """Whether `ident` could name a row of `kind` (`org`, `asm`, ...): an id, or an org's slug."""
    return named_by(kind, ident) is not None


def get_or_not_found(
    kind: str, ident: str, get: Callable[[], _Row | None], *, missing: str
) -> _Row:
    """The row `get()` finds for `ident`; `NotFound(missing)` when there is none.

    `get` is called only when `ident` is `well_formed`; it returns None for a row the caller
    may not see, so that such a row answers exactly like an unknown one.
    """
    row = get() if well_formed(kind, ident) else None
    if row is None:
        raise NotFound(missing)
    return row
