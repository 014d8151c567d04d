"""A respondent's pages: the invitation link, the questionnaire a section a page, submit.

`GET /a/{token}` exchanges the invitation token for a session and redirects to `/fill`, so
that the token leaves the address bar (and, with `Referrer-Policy: no-referrer`, is sent
nowhere). Every other page authorizes through the respondent guards of
`api.http.page_sessions`, fed by the session, and calls the same use cases as the JSON API.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.core.enums import PrincipalKind
from api.core.errors import FailedAuthentication, TooManyRequests
from api.core.principals import Principal
from api.core.secrets import secret_hash
from api.http.access import RespondentAccess
from api.http.bearer import authenticate
from api.http.client_address import client_address
from api.http.deps import SessionDep, SettingsDep, get_engine
from api.http.page_sessions import (
    FILL_COOKIE,
    FillAnswerer,
    FillPrincipal,
    FillReader,
    FillSubmitter,
    PageForm,
)
from api.http.throttle import count_failure
from api.pages.answering import FillContext, overview_page, save_section, section_page
from api.pages.rendering import csrf_of, end_cookie, page, redirect, set_session_cookie
from api.services import audit, filling, page_sessions, respondents
from api.storage.db import session_scope

router = APIRouter(include_in_schema=False)

BASE = "/fill"
LINK_NOT_VALID = (
    "This invitation link is not valid any more: it may have been replaced by a newer link, "
    "or withdrawn. Open the newest link you received, or ask the person who invited you for "
    "a new one."
)


def _fill_context(request: Request, access: RespondentAccess) -> FillContext:
    return FillContext(
        base=BASE,
        csrf=csrf_of(request, FILL_COOKIE),
        workshop=False,
        home=BASE,
        finish=f"{BASE}/submit",
        signed_in=access.respondent.name,
    )


@router.get("/a/{token}")
def open_invitation(token: str, request: Request, settings: SettingsDep) -> Response:
    """Exchange the invitation token for a session, and leave the token's address at once.

    A wrong token is a failed authentication, throttled like a bearer secret (`api.http.throttle`).
    """
    no_referrer = {"Referrer-Policy": "no-referrer"}
    address = client_address(request, settings.trusted_proxies)
    engine = get_engine(request)
    principal: Principal | None = None
    failed: FailedAuthentication | None = None
    secret = None
    # A session row is written: a writing transaction from the start (`api.storage.db`).
    with session_scope(engine, write=True) as session:
        try:
            principal = authenticate(
                session=session, settings=settings, secret=token, address=address
            ).principal
        except TooManyRequests as throttled:
            return page(
                "message.html",
                status_code=429,
                headers={**no_referrer, "Retry-After": str(throttled.retry_after)},
                title="Too many attempts",
                message=throttled.detail,
            )
        except FailedAuthentication as failure:
            failed = failure
        if principal is not None and principal.kind == PrincipalKind.RESPONDENT:
            secret = page_sessions.open_session(
                session=session, principal=principal, credential_hash=secret_hash(token)
            )
            session.commit()
    if failed is not None:  # counted once the request's transaction has ended
        count_failure(engine, failed)
        audit.record_failed_sign_in(
            engine=engine, address=address, route=audit.SignInRoute.INVITATION
        )
    if secret is None:
        return page(
            "message.html",
            status_code=404,
            headers=no_referrer,
            title="This link is not valid",
            message=LINK_NOT_VALID,
        )
    response = redirect(BASE)
    response.headers.update(no_referrer)
    set_session_cookie(response, request, name=FILL_COOKIE, secret=secret)
    return response


@router.get(BASE)
def fill_home(access: FillReader, session: SessionDep, request: Request) -> Response:
    return overview_page(session, access, _fill_context(request, access))


@router.get(f"{BASE}/submit")
def submit_form(access: FillReader, session: SessionDep, request: Request) -> Response:
    """What is still unanswered, then the button that submits."""
    state = filling.fill_state(
        session=session,
        organization=access.organization,
        assessment=access.assessment,
        respondent=access.respondent,
    )
    if state.frozen is not None:
        return redirect(BASE)
    context = _fill_context(request, access)
    return page(
        "fill_submit.html",
        fill=context,
        state=state,
        csrf=context.csrf,
        signed_in=context.signed_in,
        unanswered=state.unanswered(),
        dont_know=state.dont_know(),
    )


@router.post(f"{BASE}/submit")
def submit(access: FillSubmitter, session: SessionDep) -> Response:
    respondents.submit_respondent(
        session=session, assessment=access.assessment, respondent=access.respondent
    )
    return redirect(BASE)


@router.post(f"{BASE}/sign-out")
def sign_out(principal: FillPrincipal, session: SessionDep, request: Request) -> Response:
    page_sessions.end_session(
        session=session, principal=principal, secret=request.cookies.get(FILL_COOKIE, "")
    )
    response = page(
        "message.html",
        title="You have left the questionnaire",
        message="Your saved answers are kept. Open your invitation link again to come back.",
    )
    end_cookie(response, request, name=FILL_COOKIE)
    return response


@router.get(f"{BASE}/{{section}}")
def section(
    section: str,
    access: FillReader,
    session: SessionDep,
    request: Request,
    saved: Annotated[bool, Query()] = False,
) -> Response:
    return section_page(session, access, _fill_context(request, access), section, saved=saved)


@router.post(f"{BASE}/{{section}}")
def save(
    section: str, access: FillAnswerer, form: PageForm, session: SessionDep, request: Request
) -> Response:
    return save_section(
        session,
        access,
        _fill_context(request, access),
        section,
        form,
        written_by=access.principal.id,
    )
