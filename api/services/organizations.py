"""Organizations and their keys."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api.core.enums import ORGANIZATION_ROLES, KeyRole
from api.core.errors import Conflict, Invalid
from api.core.ids import new_id
from api.core.pagination import Page, decode_cursor, keyset_page
from api.core.principals import Actor
from api.core.secrets import KEY_PREFIX, new_secret, secret_hash, shown_prefix
from api.schemas import (
    KeyCreated,
    KeyPublic,
    OrganizationCreated,
    OrganizationProfile,
    OrganizationPublic,
)
from api.services.audit import COMMAND_LINE, AuditAction, record
from api.services.lookup import get_or_not_found
from api.storage import repository
from api.storage.tables import ApiKeyRow, OrganizationRow, utcnow

__all__ = [
    "create_admin_key",
    "create_key",
    "create_key_for",
    "create_organization",
    "get_key",
    "get_organization",
    "list_keys",
    "list_organizations",
    "revoke_key",
    "slug_from",
    "update_organization",
]


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
) -> OrganizationCreated:
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
        profile=profile or OrganizationProfile(),
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
        role=KeyRole.OWNER,
        actor=actor,
    )
    return OrganizationCreated(
        **OrganizationPublic.model_validate(organization).model_dump(), api_key=created.api_key
    )


def list_organizations(
    *, session: Session, limit: int, cursor: str | None
) -> Page[OrganizationPublic]:
    after = decode_cursor(cursor, {})
    rows = repository.list_organizations(session=session, after=after, limit=limit)
    return keyset_page(rows, limit=limit, filters={}, convert=OrganizationPublic.model_validate)


def update_organization(
    *, session: Session, organization: OrganizationRow, changes: dict[str, Any], actor: Actor
) -> OrganizationPublic:
    """Apply the fields given (null means "not given"); the profile is replaced whole."""
    before = {"name": organization.name, "profile": organization.profile}
    if changes.get("name") is not None:
        organization.name = changes["name"]
    if changes.get("profile") is not None:
        organization.profile = OrganizationProfile.model_validate(changes["profile"])
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
    return OrganizationPublic.model_validate(organization)


def _create_key(
    session: Session,
    *,
    organization_id: str | None,
    name: str,
    role: KeyRole,
    expires_in_days: int | None = None,
    actor: Actor,
) -> KeyCreated:
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
            "role": role.value,
            "expires_at": None if key.expires_at is None else key.expires_at.isoformat(),
        },
    )
    return KeyCreated(**KeyPublic.model_validate(key).model_dump(), api_key=secret)


def create_key(
    *,
    session: Session,
    organization: OrganizationRow,
    name: str,
    role: str,
    expires_in_days: int | None = None,
    actor: Actor,
) -> KeyCreated:
    """A new key of the organization; its secret is returned here and never again.

    422 for a role that is not an organization key's (`ORGANIZATION_ROLES`). With
    `expires_in_days`, it answers 401 from that many days on, like a revoked key.
    """
    if role not in ORGANIZATION_ROLES:
        raise Invalid.field(
            "role", "unknown role", detail=f"role must be one of {', '.join(ORGANIZATION_ROLES)}"
        )
    return _create_key(
        session,
        organization_id=organization.id,
        name=name,
        role=KeyRole(role),
        expires_in_days=expires_in_days,
        actor=actor,
    )


def create_key_for(
    *, session: Session, org: str, name: str, role: str, expires_in_days: int | None = None
) -> KeyCreated:
    """`create_key` for an organization named by id or slug (the command line)."""
    organization = get_organization(session=session, org=org)
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
) -> KeyCreated:
    """A new admin key (no organization): manages organizations, acts as any owner."""
    return _create_key(
        session,
        organization_id=None,
        name=name,
        role=KeyRole.ADMIN,
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


def get_organization(*, session: Session, org: str) -> OrganizationRow:
    """An organization named by id or slug (the command line, exports); 404 when unknown."""
    return get_or_not_found(
        "org",
        org,
        lambda: repository.get_organization(session=session, id_or_slug=org),
        missing=f"No organization {org!r}.",
    )


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
    return get_or_not_found(
        "key",
        key_id,
        lambda: repository.get_api_key(
            session=session, organization_id=organization.id, key_id=key_id
        ),
        missing=f"No key {key_id!r} in this organization.",
    )
