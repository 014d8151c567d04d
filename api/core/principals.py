"""Who is calling and what each role may do: plain values, free of the HTTP edge.

`api.http.bearer` finds the principal of a request and checks its rights; use cases take a
`Principal` as an argument without importing the HTTP layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from api.core.enums import ActorKind, KeyRole, PrincipalKind

__all__ = ["RIGHTS", "Action", "Actor", "Principal"]

Action = Literal["read", "write", "manage_keys", "admin"]

RIGHTS: dict[KeyRole, frozenset[Action]] = {
    KeyRole.ADMIN: frozenset({"read", "write", "manage_keys", "admin"}),
    KeyRole.OWNER: frozenset({"read", "write", "manage_keys"}),
    KeyRole.EDITOR: frozenset({"read", "write"}),
    KeyRole.READER: frozenset({"read"}),
}


@dataclass(frozen=True)
class Actor:
    """Who acted, as the audit trail records it (`api.services.audit`).

    `kind` is a principal's kind, `share_link` (its first opening) or `cli` (the command line).
    """

    kind: ActorKind
    id: str | None = None  # the key, respondent or share link id; "admin" for OPM_ADMIN_KEY
    role: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class Principal:
    """The owner of the secret a request carries."""

    kind: PrincipalKind
    id: str  # the key id, "admin" for the configured admin key, or the respondent id
    role: KeyRole | None = None  # None for a respondent
    organization_id: str | None = None  # None for an admin
    assessment_id: str | None = None  # a respondent's only
    respondent_id: str | None = None
    # A key's `last_used_at` as read when authenticating: recording a use is due only when it
    # is older than the resolution (`api.http.bearer`), so most requests write nothing.
    last_used_at: datetime | None = None
    address: str | None = None  # where the request came from (`api.http.client_address`)

    def may(self, action: Action) -> bool:
        """Whether the principal's role grants `action` (a respondent's grants nothing)."""
        return self.role is not None and action in RIGHTS[self.role]

    def sees(self, organization_id: str) -> bool:
        """Whether the organization is visible: an admin sees every one, others their own."""
        return self.kind == PrincipalKind.ADMIN or self.organization_id == organization_id

    @property
    def actor(self) -> Actor:
        """The principal as the audit trail records it."""
        return Actor(kind=ActorKind(self.kind), id=self.id, role=self.role, address=self.address)
