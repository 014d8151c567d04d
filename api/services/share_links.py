"""Share links: read-only, expiring, revocable URLs to one report or to an overview (`api.md`).

A link is `/v1/shared/{token}`; the token is random (`opms_` + 32 bytes), shown once inside the
`url`, and stored only as its SHA-256. It points either to one assessment's report (an open
one too: its page carries the provisional banner) or, with a questionnaire key, to the
organization's overview for that key, whose links lead to the shared reports of its closed
assessments (`/v1/shared/{token}/assessments/{id}`). An unknown, expired or revoked token
answers 404, never saying which.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from api.core.enums import ActorKind, AssessmentStatus
from api.core.errors import Invalid, NotFound, field_problem
from api.core.ids import new_id
from api.core.pagination import Page, decode_cursor, keyset_page
from api.core.principals import Actor
from api.core.secrets import SHARE_PREFIX, new_secret, secret_hash
from api.schemas import ShareLinkCreated, ShareLinkPublic
from api.services.assessments import get_assessment
from api.services.audit import AuditAction, record
from api.services.guards import ensure_anonymous_closed
from api.services.lookup import get_or_not_found
from api.services.questionnaires import versions_of
from api.storage import repository
from api.storage.db import session_scope
from api.storage.tables import AssessmentRow, OrganizationRow, ShareLinkRow, utcnow

__all__ = [
    "GONE",
    "SHARED_PATH",
    "SharedTarget",
    "create_share_link",
    "get_share_link",
    "link_of_token",
    "list_share_links",
    "open_share_link",
    "revoke_share_link",
    "share_url",
    "shared_overview_assessment",
]

SHARED_PATH = "/v1/shared/"
GONE = "This link is unknown, has expired or was revoked."


@dataclass(frozen=True)
class SharedTarget:
    """What a valid token opens: an organization, and one assessment or one questionnaire key."""

    link: ShareLinkRow
    organization: OrganizationRow
    assessment: AssessmentRow | None
    questionnaire_key: str | None


def share_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + SHARED_PATH + token


def create_share_link(
    *,
    session: Session,
    organization: OrganizationRow,
    assessment_id: str | None,
    questionnaire_key: str | None,
    expires_in_days: int,
    base_url: str,
    actor: Actor,
) -> ShareLinkCreated:
    """A new link to one assessment's report or, with `questionnaire_key`, to the overview.

    422 when both or neither are given or the key is unknown; 404 for an assessment that is not
    the organization's.
    """
    if (assessment_id is None) == (questionnaire_key is None):
        raise Invalid(
            "Give either assessment_id (one report) or questionnaire_key (the overview).",
            errors=[
                field_problem(field, "exactly one of assessment_id and questionnaire_key")
                for field in ("assessment_id", "questionnaire_key")
            ],
        )
    # A reference in the body, not a path id: invalid content (422), like an unknown
    # questionnaire; it says no more about another organization's ids than a 404.
    try:
        if assessment_id is not None:
            shared = get_assessment(
                session=session, organization=organization, assessment_id=assessment_id
            )
        else:
            assert questionnaire_key is not None
            versions_of(session=session, key=questionnaire_key)
    except NotFound as missing:
        field = "assessment_id" if assessment_id is not None else "questionnaire_key"
        raise Invalid.field(field, missing.detail) from None
    if assessment_id is not None:
        ensure_anonymous_closed(shared, "share link")
    token = new_secret(SHARE_PREFIX)
    now = utcnow()
    link = ShareLinkRow(
        id=new_id("shl"),
        organization_id=organization.id,
        assessment_id=assessment_id,
        questionnaire_key=questionnaire_key,
        token_hash=secret_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days),
    )
    repository.add_share_link(session=session, share_link=link)
    record(
        session=session,
        actor=actor,
        organization_id=organization.id,
        action=AuditAction.SHARE_LINK_CREATED,
        subject_id=link.id,
        detail={
            "assessment_id": assessment_id,
            "questionnaire_key": questionnaire_key,
            "expires_at": link.expires_at.isoformat(),
        },
    )
    return ShareLinkCreated(id=link.id, url=share_url(base_url, token), expires_at=link.expires_at)


def list_share_links(
    *, session: Session, organization: OrganizationRow, limit: int, cursor: str | None
) -> Page[ShareLinkPublic]:
    """The organization's share links, newest first, expired and revoked ones included."""
    filters = {"organization": organization.id}
    rows = repository.list_share_links(
        session=session,
        organization_id=organization.id,
        after=decode_cursor(cursor, filters),
        limit=limit,
    )
    return keyset_page(rows, limit=limit, filters=filters, convert=ShareLinkPublic.model_validate)


def get_share_link(
    *, session: Session, organization: OrganizationRow, link_id: str
) -> ShareLinkRow:
    """A share link of the organization; 404 for an unknown one or another organization's."""
    return get_or_not_found(
        "shl",
        link_id,
        lambda: repository.get_share_link(
            session=session, organization_id=organization.id, link_id=link_id
        ),
        missing=f"No share link {link_id!r} in this organization.",
    )


def revoke_share_link(
    *, session: Session, organization: OrganizationRow, link_id: str, actor: Actor
) -> None:
    """Revoke a link of the organization (404 for another's); revoking twice is harmless."""
    link = get_share_link(session=session, organization=organization, link_id=link_id)
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        session.add(link)
        session.flush()
        record(
            session=session,
            actor=actor,
            organization_id=organization.id,
            action=AuditAction.SHARE_LINK_REVOKED,
            subject_id=link.id,
        )


def open_share_link(*, session: Session, token: str, address: str) -> SharedTarget:
    """What a token opens now; 404 when it is unknown, expired or revoked.

    The first opening of a link goes to the audit trail, from `address`.
    """
    if not token.startswith(SHARE_PREFIX):
        raise NotFound(GONE)
    link = repository.get_share_link_by_hash(session=session, token_hash=secret_hash(token))
    if link is None or link.revoked_at is not None or link.expires_at <= utcnow():
        raise NotFound(GONE)
    organization = repository.get_organization_by_id(
        session=session, organization_id=link.organization_id
    )
    if organization is None:
        raise NotFound(GONE)
    assessment = None
    if link.assessment_id is not None:
        assessment = repository.get_assessment(
            session=session, organization_id=organization.id, assessment_id=link.assessment_id
        )
        if assessment is None:
            raise NotFound(GONE)
    if link.first_opened_at is None:
        _note_first_opening(session=session, link=link, address=address)
    return SharedTarget(link, organization, assessment, link.questionnaire_key)


def _note_first_opening(*, session: Session, link: ShareLinkRow, address: str) -> None:
    """Record the first opening, once across every process, in a transaction of its own.

    A page request only reads (on SQLite it holds no write lock, and must not take one
    midway); the conditional update lets exactly one opening win.
    """
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    with session_scope(engine, write=True) as apart:
        if repository.mark_share_link_opened(session=apart, link_id=link.id, now=utcnow()):
            record(
                session=apart,
                actor=Actor(kind=ActorKind.SHARE_LINK, id=link.id, address=address),
                organization_id=link.organization_id,
                action=AuditAction.SHARE_LINK_OPENED,
                subject_id=link.id,
                detail={
                    "assessment_id": link.assessment_id,
                    "questionnaire_key": link.questionnaire_key,
                },
            )
        apart.commit()


def shared_overview_assessment(
    *, session: Session, target: SharedTarget, assessment_id: str
) -> AssessmentRow:
    """An assessment reached from a shared overview: a closed one of its organization and key.

    404 for anything else, and for a link to a single report.
    """
    if target.questionnaire_key is None:
        raise NotFound("This link opens one report only.")
    assessment = repository.get_assessment(
        session=session, organization_id=target.organization.id, assessment_id=assessment_id
    )
    if (
        assessment is None
        or assessment.questionnaire_key != target.questionnaire_key
        or assessment.status != AssessmentStatus.CLOSED
    ):
        raise NotFound(f"No closed assessment {assessment_id!r} behind this link.")
    return assessment


def link_of_token(
    *, session: Session, organization: OrganizationRow, token: str
) -> ShareLinkRow | None:
    """The organization's share link of `token`, or None (a page checks a link it is about
    to show once again before showing it: `api.pages.shown_once`)."""
    link = repository.get_share_link_by_hash(session=session, token_hash=secret_hash(token))
    return link if link is not None and link.organization_id == organization.id else None
