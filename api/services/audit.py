"""The audit trail (issue 15, item 7): who did what, when, from which address.

Recorded by the use cases themselves, in the transaction of what they record, so that an
action is never stored without its entry nor an entry without its action. Two actions happen
in reading requests (an export, the first opening of a share link): those are recorded in a
transaction of their own, committed before the response is built. Entries are only ever
appended: no use case updates or deletes one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from api.core.enums import ActorKind
from api.core.ids import new_id
from api.core.pagination import Page, decode_cursor, keyset_page
from api.core.principals import Actor
from api.schemas import AuditEntryPublic
from api.storage import repository
from api.storage.db import session_scope
from api.storage.tables import AuditEntryRow, OrganizationRow, utcnow

__all__ = ["COMMAND_LINE", "AuditAction", "list_entries", "record", "record_apart"]


class AuditAction(StrEnum):
    ORGANIZATION_CREATED = "organization.created"
    ORGANIZATION_CHANGED = "organization.changed"
    KEY_CREATED = "key.created"
    KEY_REVOKED = "key.revoked"
    RESPONDENT_TOKEN_REISSUED = "respondent.token_reissued"  # noqa: S105 - a name, no secret
    SHARE_LINK_CREATED = "share_link.created"
    SHARE_LINK_REVOKED = "share_link.revoked"
    SHARE_LINK_OPENED = "share_link.first_opened"
    TARGETS_SET = "targets.set"
    ASSESSMENT_CREATED = "assessment.created"
    ASSESSMENT_CLOSED = "assessment.closed"
    ASSESSMENT_DELETED = "assessment.deleted"
    CONSENSUS_SET = "consensus.set"
    CONSENSUS_CHANGED = "consensus.changed"
    CONSENSUS_REMOVED = "consensus.removed"
    EXPORT_RUN = "export.run"
    SIGNED_IN = "page_session.signed_in"
    SIGNED_OUT = "page_session.signed_out"


COMMAND_LINE = Actor(kind=ActorKind.CLI)


def record(
    *,
    session: Session,
    actor: Actor,
    organization_id: str | None,
    action: AuditAction,
    subject_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append an entry, in the caller's transaction."""
    repository.add_audit_entry(
        session=session,
        entry=AuditEntryRow(
            id=new_id("aud"),
            organization_id=organization_id,
            created_at=utcnow(),
            actor_kind=actor.kind,
            actor_id=actor.id,
            actor_role=actor.role,
            address=actor.address,
            action=action.value,
            subject_id=subject_id,
            detail=detail or {},
        ),
    )


def record_apart(
    *,
    engine: Engine,
    actor: Actor,
    organization_id: str,
    action: AuditAction,
    subject_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append an entry in a transaction of its own, committed now (for reading requests)."""
    with session_scope(engine, write=True) as session:
        record(
            session=session,
            actor=actor,
            organization_id=organization_id,
            action=action,
            subject_id=subject_id,
            detail=detail,
        )
        session.commit()


def list_entries(
    *, session: Session, organization: OrganizationRow, limit: int, cursor: str | None
) -> Page[AuditEntryPublic]:
    """The organization's audit trail, newest first."""
    filters = {"organization": organization.id, "list": "audit"}
    rows = repository.list_audit_entries(
        session=session,
        organization_id=organization.id,
        after=decode_cursor(cursor, filters),
        limit=limit,
    )
    return keyset_page(rows, limit=limit, filters=filters, convert=AuditEntryPublic.model_validate)
