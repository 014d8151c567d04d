"""Organizations and their keys."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from api.core.pagination import Page
from api.http.access import KeyManager, KeyRevoker, OrganizationReader, OrganizationWriter
from api.http.bearer import AdminDep
from api.http.deps import SessionDep
from api.http.idempotency import RetryDep
from api.routes.params import Cursor, Limit
from api.schemas import (
    KeyCreate,
    KeyCreated,
    KeyPublic,
    OrganizationCreate,
    OrganizationCreated,
    OrganizationPublic,
    OrganizationUpdate,
)
from api.services import organizations as service

router = APIRouter(prefix="/v1/organizations", tags=["organizations"])


@router.post(
    "", operation_id="createOrganization", status_code=201, response_model=OrganizationCreated
)
def create_organization(
    body: OrganizationCreate, admin: AdminDep, session: SessionDep, retry: RetryDep
) -> OrganizationCreated | JSONResponse:
    def create() -> OrganizationCreated:
        return service.create_organization(
            session=session,
            name=body.name,
            slug=body.slug,
            profile=body.profile,
            actor=admin.actor,
        )

    return retry.respond(session=session, status_code=201, create=create)


@router.get("", operation_id="listOrganizations", response_model=Page[OrganizationPublic])
def list_organizations(
    _admin: AdminDep, session: SessionDep, limit: Limit = 50, cursor: Cursor = None
) -> Page[OrganizationPublic]:
    return service.list_organizations(session=session, limit=limit, cursor=cursor)


@router.get("/{org}", operation_id="getOrganization", response_model=OrganizationPublic)
def get_organization(access: OrganizationReader) -> OrganizationPublic:
    return OrganizationPublic.model_validate(access.organization)


@router.patch("/{org}", operation_id="updateOrganization", response_model=OrganizationPublic)
def update_organization(
    body: OrganizationUpdate, access: OrganizationWriter, session: SessionDep
) -> OrganizationPublic:
    return service.update_organization(
        session=session,
        organization=access.organization,
        changes=body.model_dump(),
        actor=access.principal.actor,
    )


@router.post("/{org}/keys", operation_id="createKey", status_code=201, response_model=KeyCreated)
def create_key(
    body: KeyCreate, access: KeyManager, session: SessionDep, retry: RetryDep
) -> KeyCreated | JSONResponse:
    def create() -> KeyCreated:
        return service.create_key(
            session=session,
            organization=access.organization,
            name=body.name,
            role=body.role,
            expires_in_days=body.expires_in_days,
            actor=access.principal.actor,
        )

    return retry.respond(session=session, status_code=201, create=create)


@router.get("/{org}/keys", operation_id="listKeys", response_model=Page[KeyPublic])
def list_keys(
    access: KeyManager, session: SessionDep, limit: Limit = 50, cursor: Cursor = None
) -> Page[KeyPublic]:
    return service.list_keys(
        session=session, organization=access.organization, limit=limit, cursor=cursor
    )


@router.delete(
    "/{org}/keys/{key_id}", operation_id="revokeKey", status_code=204, response_class=Response
)
def revoke_key(key_id: str, access: KeyRevoker, session: SessionDep) -> None:
    service.revoke_key(
        session=session,
        organization=access.organization,
        key_id=key_id,
        actor=access.principal.actor,
    )
