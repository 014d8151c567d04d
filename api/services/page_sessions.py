"""Browser sessions of the pages (`api.md`, Pages): rows, never process memory.

A session's secret (`opmp_` + 32 random bytes) lives only in the browser's cookie; the row keeps
its SHA-256, who it stands for (a key id, "admin", or a respondent id), the stored hash of the
key or invitation token it was opened with, and its expiry. The HTTP edge finds the principal
again from that credential hash at every request, so a revoked key or a re-issued token ends
every session opened with it. The CSRF token of a session is derived from its secret (an HMAC),
so it is tied to the session and needs no storage of its own.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from sqlmodel import Session

from api.core.enums import PrincipalKind
from api.core.principals import Principal
from api.core.secrets import new_secret, secret_hash
from api.services import audit
from api.storage import repository
from api.storage.tables import PageSessionRow, utcnow

__all__ = [
    "CONSOLE_LIFETIME",
    "RESPONDENT_LIFETIME",
    "SESSION_PREFIX",
    "csrf_matches",
    "csrf_token",
    "end_session",
    "find_session",
    "open_session",
]

SESSION_PREFIX = "opmp_"
# A console session lasts a working day; a respondent's a week, since filling in takes days
# (the invitation link opens a new one at any time while it is valid).
CONSOLE_LIFETIME = timedelta(hours=12)
RESPONDENT_LIFETIME = timedelta(days=7)
_CSRF_PURPOSE = b"opm page csrf v1"


def open_session(*, session: Session, principal: Principal, credential_hash: str) -> str:
    """A new session for `principal`, opened with the credential hashing to `credential_hash`.

    Returns the secret for the cookie (here only). Expired sessions are cleared on the way.
    The sign-in is recorded in the audit trail (of no organization for an admin).
    """
    now = utcnow()
    repository.delete_page_sessions_expired(session=session, now=now)
    secret = new_secret(SESSION_PREFIX)
    lifetime = (
        RESPONDENT_LIFETIME if principal.kind == PrincipalKind.RESPONDENT else CONSOLE_LIFETIME
    )
    repository.add_page_session(
        session=session,
        page_session=PageSessionRow(
            id_hash=secret_hash(secret),
            principal_kind=principal.kind,
            principal_id=principal.id,
            credential_hash=credential_hash,
            created_at=now,
            expires_at=now + lifetime,
        ),
    )
    audit.record(
        session=session,
        actor=principal.actor,
        organization_id=principal.organization_id,
        action=audit.AuditAction.SIGNED_IN,
    )
    return secret


def find_session(*, session: Session, secret: str) -> PageSessionRow | None:
    """The unexpired session whose cookie holds `secret`, or None."""
    if not secret.startswith(SESSION_PREFIX):
        return None
    row = repository.get_page_session(session=session, id_hash=secret_hash(secret))
    if row is None or row.expires_at <= utcnow():
        return None
    return row


def end_session(*, session: Session, principal: Principal, secret: str) -> None:
    """Sign out: the session's row is deleted, its cookie answers as no session from now on.

    The sign-out is recorded in the audit trail.
    """
    repository.delete_page_session(session=session, id_hash=secret_hash(secret))
    audit.record(
        session=session,
        actor=principal.actor,
        organization_id=principal.organization_id,
        action=audit.AuditAction.SIGNED_OUT,
    )


def csrf_token(secret: str) -> str:
    """The CSRF token of the session whose cookie holds `secret` (the same for its lifetime)."""
    return hmac.new(secret.encode("utf-8"), _CSRF_PURPOSE, hashlib.sha256).hexdigest()


def csrf_matches(secret: str, token: str) -> bool:
    """Whether `token` is the CSRF token of that session, compared in constant time.

    Compared as bytes: `compare_digest` refuses a str that is not ASCII (a forged form), and
    a wrong token is a mismatch, never an error.
    """
    return hmac.compare_digest(
        csrf_token(secret).encode("ascii"), token.encode("utf-8", errors="replace")
    )
