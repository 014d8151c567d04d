"""Who is calling, and what they may see and do (`architecture.md`, Security model).

The order of answers is fixed by `api.md`: 401 (no or a bad secret), then 404 (a path id that is
unknown or that the principal cannot see), then 403 (visible but not allowed). Everything is
decided here, in dependencies that run before the request body is validated, so a client
never learns from a 422 that another organization's resource exists.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Annotated, NamedTuple
from urllib.parse import urlsplit

from fastapi import BackgroundTasks, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.datastructures import FormData

from api.core.config import Settings
from api.core.enums import KeyRole, PrincipalKind
from api.core.errors import FailedAuthentication, Forbidden, Unauthorized
from api.core.principals import Action, Principal
from api.core.secrets import secret_hash
from api.http import throttle
from api.http.client_address import client_address
from api.http.deps import READ_METHODS, SessionDep, SettingsDep, app_clock, app_settings, get_engine
from api.services import page_sessions
from api.services.assessments import ensure_not_submitted, ensure_open
from api.services.lookup import get_or_not_found, well_formed
from api.services.organizations import get_key
from api.services.questionnaires import versions_of
from api.services.share_links import get_share_link
from api.storage import repository
from api.storage.db import session_scope
from api.storage.repository import PathRows
from api.storage.tables import ApiKeyRow, AssessmentRow, OrganizationRow, RespondentRow, utcnow

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
    if found is not None and hmac.compare_digest(hashed, found[0].token_hash or ""):
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


def _principal_for_hash(*, session: Session, settings: Settings, hashed: str) -> Principal | None:
    """`_principal_of` the key found by its hash (page sessions, at every request)."""
    key = repository.get_api_key_by_hash(session=session, secret_hash=hashed)
    return _principal_of(session=session, settings=settings, hashed=hashed, key=key, now=utcnow())


def _path_ids(*named: tuple[str, str]) -> tuple[str, ...]:
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
    _record_use_when_due(request, background, found.principal)
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


def _record_use_when_due(
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


def _require(principal: Principal, action: Action) -> None:
    if principal.kind == PrincipalKind.RESPONDENT:
        raise Forbidden("A respondent token may only use its own respondent's answers.")
    if not principal.may(action):
        needed = {"read": "any", "write": "an editor or owner", "manage_keys": "an owner"}.get(
            action, "an admin"
        )
        raise Forbidden(f"This needs {needed} key; this key's role is {principal.role}.")


def require_admin(principal: PrincipalDep) -> Principal:
    """Admin-only endpoints (managing organizations)."""
    _require(principal, "admin")
    return principal


AdminDep = Annotated[Principal, Depends(require_admin)]


@dataclass(frozen=True)
class OrganizationScope:
    principal: Principal
    organization: OrganizationRow


@dataclass(frozen=True)
class AssessmentScope:
    principal: Principal
    organization: OrganizationRow
    assessment: AssessmentRow


@dataclass(frozen=True)
class RespondentScope:
    principal: Principal
    organization: OrganizationRow
    assessment: AssessmentRow
    respondent: RespondentRow


def _visible_organization(
    session: Session, principal: Principal, org: str, rows: PathRows | None
) -> OrganizationRow:
    """`{org}` if the principal sees it (404 otherwise); from `rows` when read already."""

    def visible() -> OrganizationRow | None:
        found = (
            rows.organization
            if rows is not None
            else repository.get_organization(session=session, id_or_slug=org)
        )
        return found if found is not None and principal.sees(found.id) else None

    return get_or_not_found("org", org, visible, missing=f"No organization {org!r}.")


def _visible_assessment(
    session: Session,
    principal: Principal,
    organization: OrganizationRow,
    a: str,
    rows: PathRows | None,
) -> AssessmentRow:
    """`{a}` in the (visible) organization, if the principal sees it; from `rows` when read."""

    def visible() -> AssessmentRow | None:
        if principal.kind == PrincipalKind.RESPONDENT and principal.assessment_id != a:
            return None
        if rows is not None:
            return rows.assessment
        return repository.get_assessment(
            session=session, organization_id=organization.id, assessment_id=a
        )

    return get_or_not_found("asm", a, visible, missing=f"No assessment {a!r} in this organization.")


# Resolves a path id below the organization (a key, a share link, a questionnaire key):
# raises NotFound when it is not there.
ChildResolver = Callable[[Session, OrganizationRow, Mapping[str, str]], object]


class OrganizationAccess:
    """Resolves `{org}` and any id below it for the principal (404), then checks `action` (403).

    Authenticates too, in the same call (one trip to a thread for both, issue 13); the
    console's subclasses take their principal from the page session instead.
    """

    def __init__(self, action: Action, *, child: ChildResolver | None = None) -> None:
        self.action = action
        self.child = child

    def __call__(
        self,
        org: str,
        request: Request,
        credentials: BearerCredentials,
        session: SessionDep,
        background: BackgroundTasks,
    ) -> OrganizationScope:
        principal, rows = bearer_principal(
            request, credentials, session, background, _path_ids(("org", org))
        )
        return self.resolve(principal, session, request, org, rows)

    def resolve(
        self,
        principal: Principal,
        session: Session,
        request: Request,
        org: str,
        rows: PathRows | None = None,
    ) -> OrganizationScope:
        organization = _visible_organization(session, principal, org, rows)
        if self.child is not None:
            self.child(session, organization, request.path_params)
        _require(principal, self.action)
        return OrganizationScope(principal, organization)


class AssessmentAccess:
    """Resolves `{org}` and `{a}` (404), checks `action` (403), then the state (409).

    `open_to` names what a closed assessment cannot do; the use case checks it again under
    the assessment's lock, this early check only keeps the order of answers of `api.md`.
    With `respondent_may`, a respondent token of this assessment may too (its questionnaire).
    """

    def __init__(
        self, action: Action, *, open_to: str | None = None, respondent_may: bool = False
    ) -> None:
        self.action = action
        self.open_to = open_to
        self.respondent_may = respondent_may

    def __call__(
        self,
        org: str,
        a: str,
        request: Request,
        credentials: BearerCredentials,
        session: SessionDep,
        background: BackgroundTasks,
    ) -> AssessmentScope:
        principal, rows = bearer_principal(
            request, credentials, session, background, _path_ids(("org", org), ("asm", a))
        )
        return self.resolve(principal, session, org, a, rows)

    def resolve(
        self,
        principal: Principal,
        session: Session,
        org: str,
        a: str,
        rows: PathRows | None = None,
    ) -> AssessmentScope:
        organization = _visible_organization(session, principal, org, rows)
        assessment = _visible_assessment(session, principal, organization, a, rows)
        if not (self.respondent_may and principal.kind == "respondent"):
            _require(principal, self.action)
        if self.open_to is not None:
            ensure_open(assessment, self.open_to)
        return AssessmentScope(principal, organization, assessment)


class RespondentAccess:
    """Resolves `{org}`, `{a}`, `{r}` (404); a respondent token may act on itself only (403).

    With `answering`, a closed assessment or a submitted respondent answers 409 here already
    (checked again under the lock by the use case).
    """

    def __init__(self, action: Action, *, respondent_may: bool, answering: bool = False) -> None:
        self.action = action
        self.respondent_may = respondent_may
        self.answering = answering

    def __call__(
        self,
        org: str,
        a: str,
        r: str,
        request: Request,
        credentials: BearerCredentials,
        session: SessionDep,
        background: BackgroundTasks,
    ) -> RespondentScope:
        principal, rows = bearer_principal(
            request,
            credentials,
            session,
            background,
            _path_ids(("org", org), ("asm", a), ("rsp", r)),
        )
        return self.resolve(principal, session, org, a, r, rows)

    def resolve(
        self,
        principal: Principal,
        session: Session,
        org: str,
        a: str,
        r: str,
        rows: PathRows | None = None,
    ) -> RespondentScope:
        organization = _visible_organization(session, principal, org, rows)
        assessment = _visible_assessment(session, principal, organization, a, rows)
        respondent = get_or_not_found(
            "rsp",
            r,
            lambda: (
                rows.respondent
                if rows is not None
                else repository.get_respondent(
                    session=session, assessment_id=assessment.id, respondent_id=r
                )
            ),
            missing=f"No respondent {r!r} in this assessment.",
        )
        if principal.kind == PrincipalKind.RESPONDENT:
            if not self.respondent_may or principal.respondent_id != respondent.id:
                raise Forbidden("A respondent token may only use its own respondent's answers.")
        else:
            _require(principal, self.action)
        if self.answering:
            ensure_open(assessment, "take answers")
            ensure_not_submitted(respondent)
        return RespondentScope(principal, organization, assessment, respondent)


OrganizationReader = Annotated[OrganizationScope, Depends(OrganizationAccess("read"))]
OrganizationWriter = Annotated[OrganizationScope, Depends(OrganizationAccess("write"))]
KeyManager = Annotated[OrganizationScope, Depends(OrganizationAccess("manage_keys"))]
# The audit trail is for those who manage keys: owners and admins.
AuditReader = Annotated[OrganizationScope, Depends(OrganizationAccess("manage_keys"))]
KeyRevoker = Annotated[
    OrganizationScope,
    Depends(
        OrganizationAccess(
            "manage_keys",
            child=lambda session, organization, path: get_key(
                session=session, organization=organization, key_id=path["key_id"]
            ),
        )
    ),
]
ShareLinkRevoker = Annotated[
    OrganizationScope,
    Depends(
        OrganizationAccess(
            "write",
            child=lambda session, organization, path: get_share_link(
                session=session, organization=organization, link_id=path["link_id"]
            ),
        )
    ),
]


def _known_questionnaire(
    session: Session, _organization: OrganizationRow, path: Mapping[str, str]
) -> object:
    return versions_of(session=session, key=path["questionnaire_key"])


TargetsReader = Annotated[
    OrganizationScope, Depends(OrganizationAccess("read", child=_known_questionnaire))
]
TargetsWriter = Annotated[
    OrganizationScope, Depends(OrganizationAccess("write", child=_known_questionnaire))
]
AssessmentReader = Annotated[AssessmentScope, Depends(AssessmentAccess("read"))]
AssessmentWriter = Annotated[AssessmentScope, Depends(AssessmentAccess("write"))]
QuestionnaireReader = Annotated[
    AssessmentScope, Depends(AssessmentAccess("read", respondent_may=True))
]
RespondentReader = Annotated[
    RespondentScope, Depends(RespondentAccess("read", respondent_may=True))
]
RespondentWriter = Annotated[
    RespondentScope, Depends(RespondentAccess("write", respondent_may=True))
]
Answerer = Annotated[
    RespondentScope, Depends(RespondentAccess("write", respondent_may=True, answering=True))
]
RespondentInviter = Annotated[
    AssessmentScope, Depends(AssessmentAccess("write", open_to="take new respondents"))
]
RespondentManager = Annotated[
    RespondentScope, Depends(RespondentAccess("write", respondent_may=False))
]


# The same scopes, fed by a page session instead of a bearer header (`api.md`, Pages)
#
# A page request carries a session cookie: `CONSOLE_COOKIE` for the console, `FILL_COOKIE` for
# a respondent's pages. The session's principal is found again from the credential it was
# opened with at every request (401 once that key is revoked or that token re-issued). A
# request that changes something must also carry the session's CSRF token in its form and, when
# the browser names one, an `Origin` of this site (403 otherwise, before anything is read).

CONSOLE_COOKIE = "opm_console"
FILL_COOKIE = "opm_fill"
CSRF_FIELD = "csrf"


async def read_page_form(request: Request) -> FormData | None:
    """The form a page request sent (None for a reading method), read once for everyone."""
    if request.method in READ_METHODS:
        return None
    return await request.form()


PageForm = Annotated[FormData | None, Depends(read_page_form)]


def same_origin(request: Request, settings: Settings) -> bool:
    """Whether the request's `Origin` (when the browser sent one) is this site's own."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    own = {f"{request.url.scheme}://{request.url.netloc}"}
    if settings.public_url:
        parts = urlsplit(settings.public_url)
        own.add(f"{parts.scheme}://{parts.netloc}")
    return origin in own


class SessionPrincipal:
    """The principal of the page session in cookie `cookie`; 401 without a valid one.

    For a method that changes something, the CSRF token of that session and a same-site
    `Origin` are required too (403): a forged cross-site form changes nothing.
    """

    def __init__(self, cookie: str) -> None:
        self.cookie = cookie

    def __call__(
        self,
        request: Request,
        form: PageForm,
        session: SessionDep,
        settings: SettingsDep,
        background: BackgroundTasks,
    ) -> Principal:
        secret = request.cookies.get(self.cookie, "")
        row = page_sessions.find_session(session=session, secret=secret)
        principal = (
            None
            if row is None
            else _principal_for_hash(session=session, settings=settings, hashed=row.credential_hash)
        )
        if row is None or principal is None or principal.id != row.principal_id:
            raise Unauthorized("No session, or it has ended: sign in or open your link again.")
        principal = replace(principal, address=client_address(request, settings.trusted_proxies))
        if request.method not in READ_METHODS:
            token = form.get(CSRF_FIELD) if form is not None else None
            if not isinstance(token, str) or not page_sessions.csrf_matches(secret, token):
                raise Forbidden("This form is out of date or did not come from this site.")
            if not same_origin(request, settings):
                raise Forbidden("This request came from another site.")
        _record_use_when_due(request, background, principal)
        return principal


ConsolePrincipal = Annotated[Principal, Depends(SessionPrincipal(CONSOLE_COOKIE))]
FillPrincipal = Annotated[Principal, Depends(SessionPrincipal(FILL_COOKIE))]


def require_console_key(principal: ConsolePrincipal) -> Principal:
    """Any key's session (a respondent's session is refused on the console, 403)."""
    if principal.kind == PrincipalKind.RESPONDENT:
        raise Forbidden("A respondent's session may only use its own questionnaire pages.")
    return principal


def require_console_admin(principal: ConsolePrincipal) -> Principal:
    """`require_admin`, for the console's list of organizations."""
    return require_admin(principal)


ConsoleKey = Annotated[Principal, Depends(require_console_key)]
ConsoleAdmin = Annotated[Principal, Depends(require_console_admin)]


class ConsoleOrganizationAccess(OrganizationAccess):
    def __call__(  # type: ignore[override]
        self, org: str, principal: ConsolePrincipal, session: SessionDep, request: Request
    ) -> OrganizationScope:
        return self.resolve(principal, session, request, org)


class ConsoleAssessmentAccess(AssessmentAccess):
    def __call__(  # type: ignore[override]
        self, org: str, a: str, principal: ConsolePrincipal, session: SessionDep
    ) -> AssessmentScope:
        return self.resolve(principal, session, org, a)


class ConsoleRespondentAccess(RespondentAccess):
    def __call__(  # type: ignore[override]
        self, org: str, a: str, r: str, principal: ConsolePrincipal, session: SessionDep
    ) -> RespondentScope:
        return self.resolve(principal, session, org, a, r)


class OwnRespondentAccess(RespondentAccess):
    """A respondent's own pages: its respondent, assessment and organization, from its session.

    A key's session answers 403 here (a key answers for a respondent on the console).
    """

    def __call__(  # type: ignore[override]
        self, principal: FillPrincipal, session: SessionDep
    ) -> RespondentScope:
        if principal.kind != PrincipalKind.RESPONDENT:
            raise Forbidden("These pages are a respondent's: open your invitation link.")
        assert principal.organization_id and principal.assessment_id and principal.respondent_id
        return self.resolve(
            principal,
            session,
            principal.organization_id,
            principal.assessment_id,
            principal.respondent_id,
        )


ConsoleOrganizationReader = Annotated[OrganizationScope, Depends(ConsoleOrganizationAccess("read"))]
ConsoleOrganizationWriter = Annotated[
    OrganizationScope, Depends(ConsoleOrganizationAccess("write"))
]
ConsoleTargetsWriter = Annotated[
    OrganizationScope, Depends(ConsoleOrganizationAccess("write", child=_known_questionnaire))
]
ConsoleShareLinkRevoker = Annotated[
    OrganizationScope,
    Depends(
        ConsoleOrganizationAccess(
            "write",
            child=lambda session, organization, path: get_share_link(
                session=session, organization=organization, link_id=path["link_id"]
            ),
        )
    ),
]
ConsoleAssessmentReader = Annotated[AssessmentScope, Depends(ConsoleAssessmentAccess("read"))]
ConsoleAssessmentWriter = Annotated[AssessmentScope, Depends(ConsoleAssessmentAccess("write"))]
ConsoleRespondentInviter = Annotated[
    AssessmentScope, Depends(ConsoleAssessmentAccess("write", open_to="take new respondents"))
]
ConsoleRespondentReader = Annotated[
    RespondentScope, Depends(ConsoleRespondentAccess("read", respondent_may=False))
]
ConsoleRespondentManager = Annotated[
    RespondentScope, Depends(ConsoleRespondentAccess("write", respondent_may=False))
]
ConsoleAnswerer = Annotated[
    RespondentScope,
    Depends(ConsoleRespondentAccess("write", respondent_may=False, answering=True)),
]
FillReader = Annotated[RespondentScope, Depends(OwnRespondentAccess("read", respondent_may=True))]
FillAnswerer = Annotated[
    RespondentScope, Depends(OwnRespondentAccess("write", respondent_may=True, answering=True))
]
FillSubmitter = Annotated[
    RespondentScope, Depends(OwnRespondentAccess("write", respondent_may=True))
]
