"""The audit trail of an organization: read only (entries are never changed or deleted)."""

from __future__ import annotations

from fastapi import APIRouter

from api.core.pagination import Page
from api.http.access import AuditReader
from api.http.deps import SessionDep
from api.routes.params import Cursor, Limit
from api.schemas import AuditEntryPublic
from api.services import audit

__all__ = [
    "list_audit_entries",
    "router",
]

router = APIRouter(prefix="/v1/organizations/{org}", tags=["audit"])


@router.get("/audit", operation_id="listAuditEntries", response_model=Page[AuditEntryPublic])
def list_audit_entries(
    access: AuditReader, session: SessionDep, limit: Limit = 50, cursor: Cursor = None
) -> Page[AuditEntryPublic]:
    """Security-relevant actions, newest first: who (key id and role, admin, respondent, share
    link, command line), what, when, from which address (owner keys and admins only).

    Recorded: keys created and revoked, tokens re-issued, share links created, revoked and first
    opened, the organization created and changed, targets set, assessments created, closed and
    deleted, exports run.
    """
    return audit.list_entries(
        session=session, organization=access.organization, limit=limit, cursor=cursor
    )
