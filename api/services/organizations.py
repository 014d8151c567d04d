"""Organizations and their keys."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api import repository
from api.errors import Conflict, Invalid, NotFound
from api.pagination import Page, decode_cursor, keyset_page
from api.schemas import (
    KeyPublic,
    OrganizationProfile,
    OrganizationPublic,
)
from api.secrets import KEY_PREFIX, is_id, new_id, new_secret, secret_hash, shown_prefix
from api.services.audit import COMMAND_LINE, Actor, AuditAction, record
from api.tables import ApiKeyRow, OrganizationRow, utcnow

ORGANIZATION_ROLES = ("owner", "editor", "reader")


@dataclass(frozen=True)
class CreatedOrganization:
    organization: OrganizationRow
    secret: str  # its first owner key


@dataclass(frozen=True)
class CreatedKey:
    key: ApiKeyRow
    secret: str


def organization_public(row: OrganizationRow) -> OrganizationPublic:
    return OrganizationPublic(
        id=row.id,
        slug=row.slug,
        name=row.name,
        profile=OrganizationProfile.model_validate(row.profile),
        created_at=row.created_at,
    )


def slug_from(name: str) -> str:
    """A slug made from a name: lower case letters and digits joined by single hyphens.

    Accents are dropped from their letters first ("Énergie" gives "energie", not "nergie").
    """
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:55].strip("-")
    return slug or "org"


def _free_slug(session: Session, name: str) -> str:
    base = slug_from(name)
    taken = repository.slugs_starting_with(session=session, prefix=base)
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def create_organization(
    *,
    session: Session,
    name: str,
    slug: str | None,
    profile: OrganizationProfile | None,
    actor: Actor,
) -> CreatedOrganization:
    """A new organization with its first key, an owner key; 409 when the slug is taken."""
    if (
        slug is not None
        and repository.get_organization(session=session, id_or_slug=slug) is not None
    ):
        raise Conflict(f"The slug {slug!r} is taken.")
    organization = OrganizationRow(
        id=new_id("org"),
        slug=slug or _free_slug(session, name),
        name=name,
        profile=(profile or OrganizationProfile()).model_dump(mode="json"),
        created_at=utcnow(),
    )
    session.add(organization)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"The slug {organization.slug!r} is taken.") from None
    record(
        session=session,
        actor=actor,
        organization_id=organization.id,
        action=AuditAction.ORGANIZATION_CREATED,
        subject_id=organization.id,
        detail={"slug": organization.slug, "name": organization.name},
    )
    created = _create_key(
        session,
        organization_id=organization.id,
        name="first owner key",
        role="owner",
        actor=actor,
    )
    return CreatedOrganization(organization=organization, secret=created.secret)


def list_organizations(
    *, session: Session, limit: int, cursor: str | None
) -> Page[OrganizationPublic]:
    after = decode_cursor(cursor, {})
    rows = repository.list_organizations(session=session, after=after, limit=limit)
    return keyset_page(rows, limit=limit, filters={}, convert=organization_public)


def update_organization(
    *, session: Session, organization: OrganizationRow, changes: dict[str, Any], actor: Actor
) -> OrganizationRow:
    """Apply the fields given (null means "not given"); the profile is replaced whole."""
    before = {"name": organization.name, "profile": organization.profile}
    if changes.get("name") is not None:
        organization.name = changes["name"]
    if changes.get("profile") is not None:
        organization.profile = OrganizationProfile.model_validate(changes["profile"]).model_dump(
            mode="json"
        )
    changed = {
        field: {"from": old, "to": getattr(organization, field)}
        for field, old in before.items()
        if getattr(organization, field) != old
    }
    session.add(organization)
    session.flush()
    if changed:
        record(
            session=session,
            actor=actor,
            organization_id=organization.id,
            action=AuditAction.ORGANIZATION_CHANGED,
            subject_id=organization.id,
            detail=changed,
        )
    return organization


def _create_key(
    session: Session,
    *,
    organization_id: str | None,
    name: str,
    role: str,
    expires_in_days: int | None = None,
    actor: Actor,
) -> CreatedKey:
    secret = new_secret(KEY_PREFIX)
    now = utcnow()
    key = ApiKeyRow(
        id=new_id("key"),
        organization_id=organization_id,
        role=role,
        name=name,
        secret_hash=secret_hash(secret),
        prefix=shown_prefix(secret),
        created_at=now,
        expires_at=None if expires_in_days is None else now + timedelta(days=expires_in_days),
    )
    session.add(key)
    session.flush()
    record(
        session=session,
        actor=actor,
        organization_id=organization_id,
        action=AuditAction.KEY_CREATED,
        subject_id=key.id,
        detail={
            "name": name,
            "role": role,
            "expires_at": None if key.expires_at is None else key.expires_at.isoformat(),
        },
    )
    return CreatedKey(key=key, secret=secret)


def create_key(
    *,
    session: Session,
    organization: OrganizationRow,
    name: str,
    role: str,
    expires_in_days: int | None = None,
    actor: Actor,
) -> CreatedKey:
    """A new key of the organization; its secret is returned here and never again.

    With `expires_in_days`, it answers 401 from that many days on, like a revoked key.
    """
    if role not in ORGANIZATION_ROLES:
        raise Invalid(
            f"role must be one of {', '.join(ORGANIZATION_ROLES)}",
            errors=[{"field": "role", "in": "body", "message": "unknown role"}],
        )
    return _create_key(
        session,
        organization_id=organization.id,
        name=name,
        role=role,
        expires_in_days=expires_in_days,
        actor=actor,
    )


def create_key_for(
    *, session: Session, org: str, name: str, role: str, expires_in_days: int | None = None
) -> CreatedKey:
    """`create_key` for an organization named by id or slug (the command line)."""
    organization = repository.get_organization(session=session, id_or_slug=org)
    if organization is None:
        raise NotFound(f"No organization {org!r}.")
    return create_key(
        session=session,
        organization=organization,
        name=name,
        role=role,
        expires_in_days=expires_in_days,
        actor=COMMAND_LINE,
    )


def create_admin_key(
    *, session: Session, name: str, expires_in_days: int | None = None
) -> CreatedKey:
    """A new admin key (no organization): manages organizations, acts as any owner."""
    return _create_key(
        session,
        organization_id=None,
        name=name,
        role="admin",
        expires_in_days=expires_in_days,
        actor=COMMAND_LINE,
    )


def list_keys(
    *, session: Session, organization: OrganizationRow, limit: int, cursor: str | None
) -> Page[KeyPublic]:
    filters = {"organization": organization.id}
    after = decode_cursor(cursor, filters)
    rows = repository.list_api_keys(
        session=session, organization_id=organization.id, after=after, limit=limit
    )
    return keyset_page(rows, limit=limit, filters=filters, convert=KeyPublic.model_validate)


def revoke_key(
    *, session: Session, organization: OrganizationRow, key_id: str, actor: Actor
) -> None:
    """Revoke a key of the organization: it answers 401 from then on. Revoking twice is fine."""
    key = get_key(session=session, organization=organization, key_id=key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
        session.flush()
        record(
            session=session,
            actor=actor,
            organization_id=organization.id,
            action=AuditAction.KEY_REVOKED,
            subject_id=key.id,
            detail={"name": key.name, "role": key.role},
        )


def get_key(*, session: Session, organization: OrganizationRow, key_id: str) -> ApiKeyRow:
    """A key of the organization; 404 for an unknown one or another organization's."""
    key = (
        repository.get_api_key(session=session, organization_id=organization.id, key_id=key_id)
        if is_id(key_id, "key")
        else None
    )
    if key is None:
        raise NotFound(f"No key {key_id!r} in this organization.")
    return key
