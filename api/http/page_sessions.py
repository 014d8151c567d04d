"""Page sessions: the same principals and access checks, fed by a session cookie instead of a
bearer header (`api.md`, Pages).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import BackgroundTasks, Depends, Request
from starlette.datastructures import FormData

from api.core.config import Settings
from api.core.enums import PrincipalKind
from api.core.errors import Forbidden, Unauthorized
from api.core.principals import Action, Principal
from api.http.access import (
    AssessmentAccess,
    AssessmentGuard,
    ChildResolver,
    OrganizationAccess,
    OrganizationGuard,
    RespondentAccess,
    RespondentGuard,
    known_questionnaire,
)
from api.http.bearer import principal_for_hash, record_use_when_due, require_admin
from api.http.client_address import client_address, request_scheme
from api.http.deps import READ_METHODS, SessionDep, SettingsDep
from api.services import page_sessions
from api.services.share_links import get_share_link

# A page request carries a session cookie: `CONSOLE_COOKIE` for the console, `FILL_COOKIE` for
# a respondent's pages. The session's principal is found again from the credential it was
# opened with at every request (401 once that key is revoked or that token re-issued). A
# request that changes something must also carry the session's CSRF token in its form and, when
# the browser names one, an `Origin` of this site (403 otherwise, before anything is read).

CONSOLE_COOKIE = "opm_console"
FILL_COOKIE = "opm_fill"
CSRF_FIELD = "csrf"


# Starlette's default of 1,000 fields is below what "Invite several" confirms (1,000 people,
# a field each and one per domain ticked); the body is capped at `OPM_MAX_BODY_BYTES` before
# it is read (1 MiB by default), which bounds the parsing work whatever the number of fields.
MAX_FORM_FIELDS = 25_000


async def read_page_form(request: Request) -> FormData | None:
    """The form a page request sent (None for a reading method), read once for everyone."""
    if request.method in READ_METHODS:
        return None
    return await request.form(max_fields=MAX_FORM_FIELDS)


PageForm = Annotated[FormData | None, Depends(read_page_form)]


def same_origin(request: Request, settings: Settings) -> bool:
    """Whether the request's `Origin` (when the browser sent one) is this site's own."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    scheme = request_scheme(request, settings.trusted_proxies)
    own = {f"{scheme}://{request.url.netloc}"}
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
            else principal_for_hash(session=session, settings=settings, hashed=row.credential_hash)
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
        record_use_when_due(request, background, principal)
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


class ConsoleOrganizationGuard:
    """`OrganizationGuard` for the console: the principal of the console's session."""

    def __init__(self, action: Action, *, child: ChildResolver | None = None) -> None:
        self.guard = OrganizationGuard(action, child=child)

    def __call__(
        self, org: str, principal: ConsolePrincipal, session: SessionDep, request: Request
    ) -> OrganizationAccess:
        return self.guard.resolve(principal, session, request, org)


class ConsoleAssessmentGuard:
    """`AssessmentGuard` for the console."""

    def __init__(self, action: Action, *, open_to: str | None = None) -> None:
        self.guard = AssessmentGuard(action, open_to=open_to)

    def __call__(
        self, org: str, a: str, principal: ConsolePrincipal, session: SessionDep
    ) -> AssessmentAccess:
        return self.guard.resolve(principal, session, org, a)


class ConsoleRespondentGuard:
    """`RespondentGuard` for the console (a key answering for a respondent, in a workshop)."""

    def __init__(self, action: Action, *, answering: bool = False, answers: bool = False) -> None:
        self.guard = RespondentGuard(
            action, respondent_may=False, answering=answering, answers=answers
        )

    def __call__(
        self, org: str, a: str, r: str, principal: ConsolePrincipal, session: SessionDep
    ) -> RespondentAccess:
        return self.guard.resolve(principal, session, org, a, r)


class OwnRespondentGuard:
    """A respondent's own pages: its respondent, assessment and organization, from its session.

    A key's session answers 403 here (a key answers for a respondent on the console).
    """

    def __init__(self, action: Action, *, answering: bool = False) -> None:
        self.guard = RespondentGuard(action, respondent_may=True, answering=answering)

    def __call__(self, principal: FillPrincipal, session: SessionDep) -> RespondentAccess:
        if principal.kind != PrincipalKind.RESPONDENT:
            raise Forbidden("These pages are a respondent's: open your invitation link.")
        assert principal.organization_id and principal.assessment_id and principal.respondent_id
        return self.guard.resolve(
            principal,
            session,
            principal.organization_id,
            principal.assessment_id,
            principal.respondent_id,
        )


ConsoleOrganizationReader = Annotated[OrganizationAccess, Depends(ConsoleOrganizationGuard("read"))]
ConsoleOrganizationWriter = Annotated[
    OrganizationAccess, Depends(ConsoleOrganizationGuard("write"))
]
ConsoleTargetsWriter = Annotated[
    OrganizationAccess, Depends(ConsoleOrganizationGuard("write", child=known_questionnaire))
]
ConsoleShareLinkRevoker = Annotated[
    OrganizationAccess,
    Depends(
        ConsoleOrganizationGuard(
            "write",
            child=lambda session, organization, path: get_share_link(
                session=session, organization=organization, link_id=path["link_id"]
            ),
        )
    ),
]
ConsoleAssessmentReader = Annotated[AssessmentAccess, Depends(ConsoleAssessmentGuard("read"))]
ConsoleAssessmentWriter = Annotated[AssessmentAccess, Depends(ConsoleAssessmentGuard("write"))]
ConsoleRespondentInviter = Annotated[
    AssessmentAccess, Depends(ConsoleAssessmentGuard("write", open_to="take new respondents"))
]
ConsoleMailer = Annotated[
    AssessmentAccess, Depends(ConsoleAssessmentGuard("write", open_to="send mail"))
]
ConsoleAssessmentChanger = Annotated[
    AssessmentAccess, Depends(ConsoleAssessmentGuard("write", open_to="be changed"))
]
ConsoleLinksIssuer = Annotated[
    AssessmentAccess, Depends(ConsoleAssessmentGuard("write", open_to="issue links"))
]
ConsoleRespondentReader = Annotated[RespondentAccess, Depends(ConsoleRespondentGuard("read"))]
# The workshop: one respondent's answers (403 in an anonymous assessment).
ConsoleWorkshopReader = Annotated[
    RespondentAccess, Depends(ConsoleRespondentGuard("read", answers=True))
]
ConsoleRespondentManager = Annotated[RespondentAccess, Depends(ConsoleRespondentGuard("write"))]
ConsoleAnswerer = Annotated[
    RespondentAccess,
    Depends(ConsoleRespondentGuard("write", answering=True, answers=True)),
]
FillReader = Annotated[RespondentAccess, Depends(OwnRespondentGuard("read"))]
FillAnswerer = Annotated[RespondentAccess, Depends(OwnRespondentGuard("write", answering=True))]
FillSubmitter = Annotated[RespondentAccess, Depends(OwnRespondentGuard("write"))]
