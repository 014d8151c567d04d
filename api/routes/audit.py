"""The audit trail, of an organization or all of it: read only (never changed or deleted)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.core.pagination import Page
from api.http.access import AuditReader
from api.http.bearer import AdminDep
from api.http.deps import SessionDep
from api.routes.params import Cursor, Limit
from api.schemas import AuditEntryPublic
from api.services import audit

__all__ = [
    "list_audit_entries",
    "list_every_audit_entry",
    "router",
]

router = APIRouter(tags=["audit"])


@router.get(
    "/v1/organizations/{org}/audit",
    operation_id="listAuditEntries",
    response_model=Page[AuditEntryPublic],
)
def list_audit_entries(
    access: AuditReader, session: SessionDep, limit: Limit = 50, cursor: Cursor = None
) -> Page[AuditEntryPublic]:
    """Security-relevant actions, newest first: who (key id and role, admin, respondent, share
    link, command line), what, when, from which address (owner keys and admins only).

    Recorded: keys created and revoked, respondents invited and their tokens re-issued, share
    links created, revoked and first opened, the organization created and changed, targets set,
    assessments created, closed and deleted, exports run, sign-ins to the pages.
    """
    return audit.list_entries(
        session=session, organization=access.organization, limit=limit, cursor=cursor
    )


@router.get("/v1/audit", operation_id="listAllAuditEntries", response_model=Page[AuditEntryPublic])
def list_every_audit_entry(
    principal: AdminDep,
    session: SessionDep,
    organization: Annotated[
        str | None, Query(description="Only this organization's entries (its id or slug).")
    ] = None,
    action: Annotated[
        audit.AuditAction | None, Query(description="Only entries of this action.")
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[AuditEntryPublic]:
    """The whole audit trail, newest first (admins only): every organization's entries and
    those of none (admin sign-ins, failed sign-ins with their address, admin keys made with the
    command line); `?organization=` and `?action=` narrow it (422 for an unknown one)."""
    return audit.list_every_entry(
        session=session, organization=organization, action=action, limit=limit, cursor=cursor
    )
