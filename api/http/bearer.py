"""Who is calling: a bearer secret (an API key, the configured admin key or a respondent token)
turned into a `Principal` (`architecture.md`, Security model).

From a known address a failed secret is counted (`api.http.throttle`) and, past the limit,
answered 429 before it is even looked up. The key is read in the same statement as the throttle
count and the rows the request's path names (`repository.get_api_key_and_failures`), which the
access checks of `api.http.access` then judge.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta
from typing import Annotated, NamedTuple

from fastapi import BackgroundTasks, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session

from api.core.config import Settings
from api.core.enums import KeyRole, PrincipalKind
from api.core.errors import FailedAuthentication, Forbidden, Unauthorized
from api.core.principals import Action, Principal
from api.core.secrets import secret_hash
from api.http import throttle
from api.http.client_address import client_address
from api.http.deps import SessionDep, app_clock, app_settings, get_engine
from api.services.lookup import well_formed
from api.storage import repository
from api.storage.db import session_scope
from api.storage.repository import PathRows
from api.storage.tables import ApiKeyRow, utcnow

ENV_ADMIN_ID = "admin"  # the id of the principal holding the configured admin key
LAST_USED_RESOLUTION = timedelta(minutes=1)


# Declares the scheme in the OpenAPI document (the docs' "Authorize"); a missing or other
# scheme gives None here and the 401 below, in the same problem JSON as every other error.
BEARER = HTTPBearer(auto_error=False, description="An API key or a respondent token.")


def _bearer(credentials: HTTPAuthorizationCredentials | None) -> str:
    secret = credentials.credentials.strip() if credentials is not None else ""
    if not secret:
        raise Unauthorized("Send the secret as 'Authorization: Bearer <secret>'.")
    return secret


def _principal_of(
    *,
    session: Session,
    settings: Settings,
    hashed: str,
    key: ApiKeyRow | None,
    now: datetime,
    address: str | None = None,
) -> Principal | None:
    """The principal whose secret hashes to `hashed` now, given the key holding that hash if any;
    None when unknown, revoked, expired or re-issued.

    An admin secret is any of those in force (several while one is rotated): a page session
    opened with one that has been rotated out ends with it.
    """
    admins = [secret_hash(admin) for admin in settings.admin_secrets()]
    if any(hmac.compare_digest(hashed, admin) for admin in admins):
        return Principal(
            kind=PrincipalKind.ADMIN, id=ENV_ADMIN_ID, role=KeyRole.ADMIN, address=address
        )
    if (
        key is not None
        and key.revoked_at is None
        and (key.expires_at is None or now < key.expires_at)
        and hmac.compare_digest(hashed, key.secret_hash)
    ):
        kind = PrincipalKind.ADMIN if key.role == KeyRole.ADMIN else PrincipalKind.KEY
        return Principal(
            kind=kind,
            id=key.id,
            role=key.role,
            organization_id=key.organization_id,
            address=address,
            last_used_at=key.last_used_at,
        )
    found = repository.get_respondent_by_token_hash(session=session, token_hash=hashed)
    if found is not None:
        respondent, organization_id = found
        return Principal(
            kind=PrincipalKind.RESPONDENT,
            id=respondent.id,
            organization_id=organization_id,
            assessment_id=respondent.assessment_id,
            respondent_id=respondent.id,
            address=address,
        )
    return None


def principal_for_hash(*, session: Session, settings: Settings, hashed: str) -> Principal | None:
    """`_principal_of` the key found by its hash (page sessions, at every request)."""
    key = repository.get_api_key_by_hash(session=session, secret_hash=hashed)
    return _principal_of(session=session, settings=settings, hashed=hashed, key=key, now=utcnow())


def path_ids(*named: tuple[str, str]) -> tuple[str, ...]:
    """The path's ids (kind, id) up to the first that cannot name a row: only those are looked
    up with the key (one that is not well formed, a NUL say, never reaches the database)."""
    ids: list[str] = []
    for kind, ident in named:
        if not well_formed(kind, ident):
            break
        ids.append(ident)
    return tuple(ids)


class Authenticated(NamedTuple):
    principal: Principal
    path: PathRows | None  # what the request's path names, read with the key (None: not read)


def authenticate(
    *,
    session: Session,
    settings: Settings,
    secret: str,
    now: datetime | None = None,
    address: str | None = None,
    path: tuple[str, ...] = (),
) -> Authenticated:
    """The principal a secret belongs to, and the rows `path` names (`{org}`, `{a}`, `{r}`),
    read in the same statement as the key (`repository.get_api_key_and_failures`).

    From a known `address` (a bearer secret): 429 first when it is throttled (`api.http.throttle`),
    then 401 for an unknown, revoked or expired secret, a `FailedAuthentication` counted against
    it. Without one (the pages' sign-in and invitation links): a plain 401, counted nowhere.
    Whether the principal may see those rows is for the access checks below to say.
    """
    now = now or utcnow()
    hashed = secret_hash(secret)
    rows = None
    if address is None:
        key = repository.get_api_key_by_hash(session=session, secret_hash=hashed)
    else:
        key, failures, rows = repository.get_api_key_and_failures(
            session=session,
            secret_hash=hashed,
            address=address,
            since=now - throttle.WINDOW,
            path=path,
        )
        throttle.ensure_not_throttled(
            session=session,
            address=address,
            failures=failures,
            limit=settings.auth_failure_limit,
            now=now,
        )
    principal = _principal_of(
        session=session, settings=settings, hashed=hashed, key=key, now=now, address=address
    )
    if principal is not None:
        return Authenticated(principal, rows)
    detail = "Unknown, revoked or expired secret."
    if address is None:
        raise Unauthorized(detail)
    raise FailedAuthentication(detail, address=address, failed_at=now)


BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
_PRINCIPAL = "opm_principal"  # the request's principal, once found (request state)


def bearer_principal(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None,
    session: Session,
    background: BackgroundTasks,
    path: tuple[str, ...] = (),
) -> Authenticated:
    """The principal of the request's bearer secret, authenticated once per request, and the
    rows `path` names, read with its key.

    Called by the access dependencies below in their own thread trip, and by `get_principal`;
    the second caller in a request gets the principal the first one found (and no rows).
    """
    known: Principal | None = getattr(request.state, _PRINCIPAL, None)
    if known is not None:
        return Authenticated(known, None)
    # The app's settings and clock straight from its state: a dependency each would cost
    # every request FastAPI's resolution of two more nodes (issue 13's profile).
    settings = app_settings(request)
    found = authenticate(
        session=session,
        settings=settings,
        secret=_bearer(credentials),
        now=app_clock(request)(),
        address=client_address(request, settings.trusted_proxies),
        path=path,
    )
    record_use_when_due(request, background, found.principal)
    setattr(request.state, _PRINCIPAL, found.principal)
    return found


async def get_principal(
    request: Request,
    credentials: BearerCredentials,
    session: SessionDep,
    background: BackgroundTasks,
) -> Principal:
    known: Principal | None = getattr(request.state, _PRINCIPAL, None)
    if known is not None:
        return known
    found = await run_in_threadpool(bearer_principal, request, credentials, session, background)
    return found.principal


def record_use_when_due(
    request: Request, background: BackgroundTasks, principal: Principal
) -> None:
    """Record a key's use after the response, when its `last_used_at` is a minute old or more.

    `last_used_at` is then at most `LAST_USED_RESOLUTION` late, and a key in steady use costs
    one write a minute instead of a write transaction (the database's write lock on SQLite)
    after every request.
    """
    if principal.kind == PrincipalKind.RESPONDENT or principal.id == ENV_ADMIN_ID:
        return
    seen = principal.last_used_at
    if seen is not None and seen > utcnow() - LAST_USED_RESOLUTION:
        return
    background.add_task(_record_use, get_engine(request), key_id=principal.id)


def _record_use(engine: Engine, *, key_id: str) -> None:
    # After the response, in its own transaction, at most once a minute a key: a reading
    # request must not become a writing one, nor wait for the write lock. The condition is
    # checked again in the statement: concurrent requests of one key write once.
    now = utcnow()
    with session_scope(engine, write=True) as session:
        repository.touch_api_key(
            session=session, key_id=key_id, now=now, older_than=now - LAST_USED_RESOLUTION
        )
        session.commit()


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(principal: Principal, action: Action) -> None:
    if principal.kind == PrincipalKind.RESPONDENT:
        raise Forbidden("A respondent token may only use its own respondent's answers.")
    if not principal.may(action):
        needed = {"read": "any", "write": "an editor or owner", "manage_keys": "an owner"}.get(
            action, "an admin"
        )
        raise Forbidden(f"This needs {needed} key; this key's role is {principal.role}.")


def require_admin(principal: PrincipalDep) -> Principal:
    """Admin-only endpoints (managing organizations)."""
    require(principal, "admin")
    return principal


AdminDep = Annotated[Principal, Depends(require_admin)]
