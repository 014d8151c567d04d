"""What an id looks like, and how a path's id names a row: the one rule the storage and HTTP use.

Each row has an opaque id with its kind's prefix: `org_` (organization), `asm_` (assessment),
`rsp_` (respondent), `key_` (API key), `shl_` (share link), `aud_` (audit entry), then 20
hex digits. An organization is also named by its slug (`SLUG_PATTERN`: no `_`, so no slug is
an id). A value that is neither cannot name a row: it is simply unknown, never looked up.
"""

from __future__ import annotations

import re
import secrets as _random
from typing import Literal

__all__ = ["ID_BYTES", "SLUG_PATTERN", "is_id", "named_by", "new_id"]

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG_PATTERN)

ID_BYTES = 10
_ID = re.compile(rf"^[a-z]{{3}}_[0-9a-f]{{{2 * ID_BYTES}}}$")


def new_id(kind: str) -> str:
    """An opaque id with a type prefix (`org_`, `asm_`, ...) that no slug can have."""
    return f"{kind}_{_random.token_hex(ID_BYTES)}"


def is_id(value: str, kind: str) -> bool:
    """Whether `value` could be an id of `kind` (a path id that cannot be is simply unknown)."""
    return value.startswith(f"{kind}_") and _ID.fullmatch(value) is not None


def named_by(kind: str, value: str) -> Literal["id", "slug"] | None:
    """How `value`, from a path, names a row of `kind` (`org`, `asm`, ...): by the row's id, by
    its slug (an organization's only), or not at all (None: no row can be named so)."""
    if is_id(value, kind):
        return "id"
    if kind == "org" and _SLUG.fullmatch(value) is not None:
        return "slug"
    return None
