"""The audit trail (issue 15, item 7): who did what, when, from which address.

Recorded by the use cases themselves, in the transaction of what they record, so that an
action is never stored without its entry nor an entry without its action. Two actions happen
in reading requests (an export, the first opening of a share link): those are recorded in a
transaction of their own, committed before the response is built. A failed sign-in (a pasted
key or an invitation link that is unknown) has no principal and no organization: its entry
keeps the address and how it was tried, never what was presented. Entries are only ever
appended: no use case updates or deletes one.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from api.core.enums import ActorKind
from api.core.errors import Invalid
from api.core.ids import new_id
from api.core.pagination import Page, decode_cursor, keyset_page
from api.core.principals import Actor
from api.schemas import AuditEntryPublic
from api.services.lookup import well_formed
from api.storage import repository
from api.storage.db import session_scope
from api.storage.tables import AuditEntryRow, OrganizationRow, utcnow

__all__ = [
    "COMMAND_LINE",
    "AuditAction",
    "SignInRoute",
    "list_entries",
    "list_every_entry",
    "record",
    "record_apart",
    "record_failed_sign_in",
]


class AuditAction(StrEnum):
    ORGANIZATION_CREATED = "organization.created"
    ORGANIZATION_CHANGED = "organization.changed"
    KEY_CREATED = "key.created"
    KEY_REVOKED = "key.revoked"
    RESPONDENT_INVITED = "respondent.invited"  # a new respondent and its first token
    RESPONDENT_TOKEN_REISSUED = "respondent.token_reissued"  # noqa: S105 - a name, no secret
    RESPONDENT_CHANGED = "respondent.changed"  # name, role, e-mail, domains
    RESPONDENTS_CREATED = "respondents.created"  # POST .../respondents/bulk, one entry
    LINKS_ISSUED = "respondents.links_issued"  # POST .../links.csv: a new token each
    SHARE_LINK_CREATED = "share_link.created"
    SHARE_LINK_REVOKED = "share_link.revoked"
    SHARE_LINK_OPENED = "share_link.first_opened"
    TARGETS_SET = "targets.set"
    ASSESSMENT_CREATED = "assessment.created"
    ASSESSMENT_CHANGED = "assessment.changed"  # due date, message, contact
    ASSESSMENT_CLOSED = "assessment.closed"
    ASSESSMENT_DELETED = "assessment.deleted"
    CONSENSUS_SET = "consensus.set"
    CONSENSUS_CHANGED = "consensus.changed"
    CONSENSUS_REMOVED = "consensus.removed"
    EXPORT_RUN = "export.run"
    MAIL_INVITATIONS_QUEUED = "mail.invitations_queued"
    MAIL_REMINDERS_QUEUED = "mail.reminders_queued"
    SIGNED_IN = "page_session.signed_in"
    SIGNED_OUT = "page_session.signed_out"
    SIGN_IN_FAILED = "page_session.sign_in_failed"


class SignInRoute(StrEnum):
    """Where a failed sign-in was tried."""

    CONSOLE = "console"  # a pasted key
    INVITATION = "invitation"  # an invitation link


COMMAND_LINE = Actor(kind=ActorKind.CLI)
_logger = logging.getLogger("api")


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
    organization_id: str | None,
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


def record_failed_sign_in(*, engine: Engine, address: str, route: SignInRoute) -> None:
    """A pasted key or an invitation link that opened nothing: the address, never the secret.

    Called once the request's own transaction has ended, beside the throttle's count (so at
    most `OPM_AUTH_FAILURE_LIMIT` entries a minute from one address: a throttled attempt is not
    even looked at). Best effort, as the count is: a database that cannot take it is logged.
    """
    try:
        record_apart(
            engine=engine,
            actor=Actor(kind=ActorKind.ANONYMOUS, address=address),
            organization_id=None,
            action=AuditAction.SIGN_IN_FAILED,
            detail={"route": route.value},
        )
    except SQLAlchemyError as error:
        _logger.error("could not record a failed sign-in: %s", type(error).__name__)


def list_every_entry(
    *,
    session: Session,
    organization: str | None,
    action: AuditAction | None,
    limit: int,
    cursor: str | None,
) -> Page[AuditEntryPublic]:
    """Every entry (of any organization or of none: admin sign-ins, failed sign-ins, admin keys
    made with the command line), newest first; of one organization (an id or a slug) or one
    action when asked. 422 for an organization that does not exist."""
    organization_id = None
    if organization is not None:
        found = (
            repository.get_organization(session=session, id_or_slug=organization)
            if well_formed("org", organization)
            else None
        )
        if found is None:
            raise Invalid.field("organization", "no such organization", where="query")
        organization_id = found.id
    filters = {"list": "audit", "organization": organization_id or "", "action": action or ""}
    rows = repository.search_audit_entries(
        session=session,
        organization_id=organization_id,
        action=action.value if action is not None else None,
        after=decode_cursor(cursor, filters),
        limit=limit,
    )
    return keyset_page(rows, limit=limit, filters=filters, convert=AuditEntryPublic.model_validate)
