"""The PMO's console (`/console`): sign in with a key, run assessments, see the reports.

Every handler authorizes through the console guards of `api.http.page_sessions` (the JSON
API's guards, fed by the session), calls one use case and renders. A reader key's session sees
every page without the forms that change something; posting one anyway answers 403 as the
JSON API does. A link or key shown once (an invitation, a share link) is rendered in the
answer to the request that made it and is never shown again.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUploadFile

from api.core.config import Settings
from api.core.enums import PmoPermanence, PmoScope, PmoType, PrincipalKind, ReportFormat, Rigor
from api.core.errors import Conflict, FailedAuthentication, Invalid, TooManyRequests
from api.core.principals import Principal
from api.core.secrets import secret_hash
from api.http.access import AssessmentAccess, RespondentAccess
from api.http.bearer import authenticate
from api.http.client_address import client_address, request_base_url
from api.http.deps import (
    SessionDep,
    SettingsDep,
    app_clock,
    get_engine,
    wake_mail_sender,
)
from api.http.invitation_links import invitation_url, links_response
from api.http.page_sessions import (
    CONSOLE_COOKIE,
    ConsoleAdmin,
    ConsoleAnswerer,
    ConsoleAssessmentChanger,
    ConsoleAssessmentReader,
    ConsoleAssessmentWriter,
    ConsoleKey,
    ConsoleLinksIssuer,
    ConsoleMailer,
    ConsoleOrganizationReader,
    ConsoleOrganizationWriter,
    ConsolePrincipal,
    ConsoleRespondentInviter,
    ConsoleRespondentManager,
    ConsoleRespondentReader,
    ConsoleShareLinkRevoker,
    ConsoleTargetsWriter,
    ConsoleWorkshopReader,
    PageForm,
    same_origin,
)
from api.http.report_responses import ReportVariant, report_artifact, report_response
from api.http.throttle import count_failure
from api.pages import shown_once
from api.pages.answering import FillContext, overview_page, save_section, section_page
from api.pages.forms import FieldErrors, errors_by_field, form_integer, text_of, validated
from api.pages.invite_lines import (
    InviteLine,
    check_lines,
    decode_row,
    encode_row,
    read_lines,
    rows_of,
)
from api.pages.rendering import (
    PAGE_HEADERS,
    csrf_of,
    end_cookie,
    page,
    redirect,
    set_session_cookie,
)
from api.pages.shown_once import ShownKind, ShownOnce
from api.render import html as report_html
from api.schemas import (
    MAX_BULK_RESPONDENTS,
    AssessmentCreate,
    AssessmentPatch,
    ConsensusPut,
    OrganizationProfile,
    RespondentCreate,
    RespondentPatch,
    ShareLinkCreate,
    TargetsPut,
)
from api.services import (
    assessments,
    audit,
    consensus,
    console_views,
    goals,
    organizations,
    outbox,
    page_sessions,
    respondents,
    share_links,
    trend,
)
from api.services.role_domains import suggested_domains
from api.storage.db import session_scope
from api.storage.tables import OrganizationRow

router = APIRouter(prefix="/console", include_in_schema=False)

RIGOR_CHOICES = [
    (Rigor.SELF, "Self-assessment"),
    (Rigor.FACILITATED, "Facilitated (a facilitator ran the sessions)"),
    (Rigor.INDEPENDENT, "Independent (an outside assessor checked evidence)"),
]
PMO_TYPES = list(PmoType)
PMO_PERMANENCE = list(PmoPermanence)
PMO_SCOPES = list(PmoScope)


def _who(principal: Principal) -> str:
    if principal.kind == PrincipalKind.ADMIN:
        return "Admin"
    return f"{str(principal.role).capitalize()} key"


def _chrome(
    request: Request, principal: Principal, organization: OrganizationRow | None
) -> dict[str, Any]:
    """What every console page shows around its content."""
    return {
        "csrf": csrf_of(request, CONSOLE_COOKIE),
        "signed_in": _who(principal),
        "organization": organization,
        "is_admin": principal.kind == PrincipalKind.ADMIN,
        "can_write": principal.may("write"),
    }


# Signing in and out


@router.get("/sign-in")
def sign_in_form() -> Response:
    return page("sign_in.html", error=None)


@router.post("/sign-in")
def sign_in(request: Request, form: PageForm, settings: SettingsDep) -> Response:
    """Exchange a pasted key for a session: the key itself is never kept in the cookie.

    A wrong key is a failed authentication, throttled like a bearer secret (`api.http.throttle`)
    and recorded in the audit trail with its address, once this request's transaction has
    ended (as `GET /a/{token}` does).
    """
    if not same_origin(request, settings):
        return page("sign_in.html", status_code=403, error="This form came from another site.")
    secret = text_of(form, "key").strip()
    address = client_address(request, settings.trusted_proxies)
    engine = get_engine(request)
    principal: Principal | None = None
    failed: FailedAuthentication | None = None
    cookie = None
    # A session row is written: a writing transaction from the start (`api.storage.db`).
    with session_scope(engine, write=True) as session:
        try:
            principal = authenticate(
                session=session, settings=settings, secret=secret, address=address
            ).principal
        except TooManyRequests as throttled:
            return page(
                "sign_in.html",
                status_code=429,
                headers={"Retry-After": str(throttled.retry_after)},
                error=throttled.detail,
            )
        except FailedAuthentication as failure:
            failed = failure
        if principal is not None and principal.kind != PrincipalKind.RESPONDENT:
            cookie = page_sessions.open_session(
                session=session, principal=principal, credential_hash=secret_hash(secret)
            )
            session.commit()
    if failed is not None:
        count_failure(engine, failed)
        audit.record_failed_sign_in(engine=engine, address=address, route=audit.SignInRoute.CONSOLE)
        return page("sign_in.html", status_code=401, error="This key is unknown or was revoked.")
    if cookie is None:
        return page(
            "sign_in.html",
            status_code=403,
            error="This is a respondent's invitation token: open the invitation link instead.",
        )
    response = redirect("/console")
    set_session_cookie(response, request, name=CONSOLE_COOKIE, secret=cookie)
    return response


@router.post("/sign-out")
def sign_out(principal: ConsolePrincipal, session: SessionDep, request: Request) -> Response:
    page_sessions.end_session(
        session=session, principal=principal, secret=request.cookies.get(CONSOLE_COOKIE, "")
    )
    response = redirect("/console/sign-in")
    end_cookie(response, request, name=CONSOLE_COOKIE)
    return response


@router.get("")
def home(principal: ConsoleKey) -> Response:
    if principal.kind == PrincipalKind.ADMIN:
        return redirect("/console/organizations")
    return redirect(f"/console/{principal.organization_id}")


@router.get("/organizations")
def organizations_list(principal: ConsoleAdmin, session: SessionDep, request: Request) -> Response:
    listed = organizations.list_organizations(session=session, limit=200, cursor=None)
    return page(
        "console_organizations.html",
        organizations=listed.items,
        **_chrome(request, principal, None),
    )


# Assessments


@router.get("/{org}")
def assessments_list(
    access: ConsoleOrganizationReader, session: SessionDep, request: Request
) -> Response:
    listed = console_views.list_with_progress(session=session, organization=access.organization)
    return page(
        "console_assessments.html",
        assessments=listed,
        **_chrome(request, access.principal, access.organization),
    )


def _new_assessment_page(
    request: Request,
    session: Session,
    principal: Principal,
    organization: OrganizationRow,
    *,
    form: FormData | None = None,
    errors: FieldErrors | None = None,
    every_version: bool = False,
) -> Response:
    choices = console_views.new_assessment_choices(
        session=session, organization=organization, every_version=every_version
    )
    return page(
        "console_new_assessment.html",
        every_version=every_version,
        status_code=422 if errors else 200,
        choices=choices,
        rigors=RIGOR_CHOICES,
        form=form or FormData(),
        errors=errors or FieldErrors(),
        **_chrome(request, principal, organization),
    )


@router.get("/{org}/assessments/new")
def new_assessment(
    access: ConsoleOrganizationWriter,
    session: SessionDep,
    request: Request,
    versions: Annotated[Literal["all"] | None, Query()] = None,
) -> Response:
    """The form; `?versions=all` lists the superseded questionnaire versions too."""
    return _new_assessment_page(
        request, session, access.principal, access.organization, every_version=versions == "all"
    )


@router.get("/{org}/assessments")
def assessments_address(access: ConsoleOrganizationReader) -> Response:
    """The address the new-assessment form posts to, asked with GET: the list."""
    return redirect(f"/console/{access.organization.slug}")


@router.post("/{org}/assessments")
def create_assessment(
    access: ConsoleOrganizationWriter, form: PageForm, session: SessionDep, request: Request
) -> Response:
    form = form or FormData()
    key, _, version = text_of(form, "questionnaire").partition("@")
    try:
        new = validated(
            AssessmentCreate,
            {
                "questionnaire_key": key,
                "questionnaire_version": version or None,
                "title": text_of(form, "title"),
                "period": text_of(form, "period") or None,
                "period_end": text_of(form, "period_end") or None,
                "rigor": text_of(form, "rigor") or None,
                "scope": [value for value in form.getlist("scope") if isinstance(value, str)]
                or None,
                "seed_from": text_of(form, "seed_from") or None,
                "due_date": text_of(form, "due_date") or None,
                "message": text_of(form, "message") or None,
                "contact": text_of(form, "contact") or None,
                "anonymous": text_of(form, "anonymous") == "yes",
            },
        )
        created = assessments.create_assessment(
            actor=access.principal.actor,
            session=session,
            organization=access.organization,
            questionnaire_key=new.questionnaire_key,
            questionnaire_version=new.questionnaire_version,
            title=new.title,
            period=new.period,
            period_end=new.period_end,
            rigor=new.rigor,
            scope=new.scope,
            seed_from=new.seed_from,
            due_date=new.due_date,
            message=new.message,
            contact=new.contact,
            anonymous=new.anonymous,
        )
    except Invalid as invalid:
        return _new_assessment_page(
            request,
            session,
            access.principal,
            access.organization,
            form=form,
            errors=errors_by_field(invalid),
            every_version=text_of(form, "versions") == "all",
        )
    return redirect(f"/console/{access.organization.slug}/assessments/{created.id}")


def _assessment_base(access: AssessmentAccess | RespondentAccess) -> str:
    return f"/console/{access.organization.slug}/assessments/{access.assessment.id}"


def _assessment_page(
    request: Request,
    session: Session,
    settings: Settings,
    access: AssessmentAccess | RespondentAccess,
    *,
    errors: FieldErrors | None = None,
    form: FormData | None = None,
    status_code: int = 200,
    mail_queued: dict[str, int] | None = None,
    added: int | None = None,
) -> Response:
    """The assessment page; a link handed over by the form before (`shown_once`) is shown
    once, checked against what is stored, and its cookie ended in this response."""
    base = _assessment_base(access)
    shown = console_views.assessment_page(session=session, assessment=access.assessment)
    held = shown_once.held(request)
    invitation: dict[str, str] | None = None
    if held is not None and held.kind in (ShownKind.INVITATION, ShownKind.REISSUED):
        holder = respondents.holder_of_token(
            session=session, assessment=access.assessment, token=held.secret
        )
        if holder is not None and holder.id == held.subject_id:
            invitation = {
                "name": holder.name,
                "url": invitation_url(request, settings, held.secret),
                **({"reissued": "yes"} if held.kind == ShownKind.REISSUED else {}),
            }
    response = page(
        "console_assessment.html",
        status_code=status_code,
        shown=shown,
        base=base,
        invitation=invitation,
        added=added,
        errors=errors or FieldErrors(),
        mail=console_views.mail_panel(
            session=session,
            assessment=access.assessment,
            settings=settings,
            now=app_clock(request)(),
        ),
        mail_queued=mail_queued,
        form=form or FormData(),
        **_chrome(request, access.principal, access.organization),
    )
    if held is not None:
        shown_once.forget(response, request, path=base)
    return response


Count = Annotated[int | None, Query(ge=0, le=100_000)]


@router.get("/{org}/assessments/{a}")
def assessment(
    access: ConsoleAssessmentReader,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
    added: Annotated[int | None, Query(ge=0, le=MAX_BULK_RESPONDENTS)] = None,
    invited: Count = None,
    reminded: Count = None,
    skipped: Count = None,
) -> Response:
    """The assessment; `?added=<n>` after "Invite several" created n respondents, `?invited=N`
    or `?reminded=N&skipped=M` after mail was queued."""
    queued = {
        name: value
        for name, value in (("invited", invited), ("reminded", reminded), ("skipped", skipped))
        if value is not None
    }
    return _assessment_page(
        request, session, settings, access, added=added, mail_queued=queued or None
    )


@router.post("/{org}/assessments/{a}/invitations")
def send_invitations(
    access: ConsoleMailer,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
    background: BackgroundTasks,
) -> Response:
    """Invite everyone with an e-mail not invited yet; the page says how many were queued."""
    queued = outbox.queue_invitations(
        session=session,
        assessment=access.assessment,
        respondent_ids=None,
        actor=access.principal.actor,
        settings=settings,
        now=app_clock(request)(),
    )
    background.add_task(wake_mail_sender, request.app)
    base = _assessment_base(access)
    return redirect(f"{base}?invited={queued.queued}#mail")


@router.post("/{org}/assessments/{a}/reminders")
def send_reminders(
    access: ConsoleMailer,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
    background: BackgroundTasks,
) -> Response:
    """Remind everyone with an e-mail who has not submitted (but those reminded today)."""
    queued = outbox.queue_reminders(
        session=session,
        assessment=access.assessment,
        actor=access.principal.actor,
        settings=settings,
        now=app_clock(request)(),
    )
    background.add_task(wake_mail_sender, request.app)
    base = _assessment_base(access)
    return redirect(f"{base}?reminded={queued.queued}&skipped={queued.skipped}#mail")


@router.get("/{org}/assessments/{a}/details")
def details_address(access: ConsoleAssessmentReader) -> Response:
    """The address the details form posts to, asked with GET: the assessment's page."""
    return redirect(f"{_assessment_base(access)}#details")


@router.post("/{org}/assessments/{a}/details")
def update_details(
    access: ConsoleAssessmentChanger,
    form: PageForm,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> Response:
    """Change the due date, message and contact (an empty field clears it)."""
    form = form or FormData()
    try:
        changes = validated(
            AssessmentPatch,
            {
                "due_date": text_of(form, "due_date") or None,
                "message": text_of(form, "message") or None,
                "contact": text_of(form, "contact") or None,
            },
        )
        assessments.update_assessment(
            session=session,
            assessment=access.assessment,
            changes=changes,
            actor=access.principal.actor,
        )
    except Invalid as invalid:
        return _assessment_page(
            request,
            session,
            settings,
            access,
            errors=errors_by_field(invalid),
            form=form,
            status_code=422,
        )
    return redirect(f"{_assessment_base(access)}#details")


def _domains_from(form: FormData, name: str, scope: list[str]) -> list[str] | None:
    """The domains a form's checkboxes `name` chose: every domain of the scope is the whole
    scope (null, following it); none ticked is the enablers only."""
    ticked = [value for value in form.getlist(name) if isinstance(value, str)]
    chosen = [domain for domain in scope if domain in ticked]
    return None if chosen == scope else chosen


@router.post("/{org}/assessments/{a}/respondents")
def invite(
    access: ConsoleRespondentInviter,
    form: PageForm,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> Response:
    """One respondent: its domains as ticked, or suggested from its role (`role_domains`);
    then back to the assessment, which shows its link once (`shown_once`)."""
    form = form or FormData()
    scope = access.assessment.scope
    role = text_of(form, "role").strip() or None
    domains = (
        suggested_domains(role, scope)
        if text_of(form, "domains_from") != "chosen"
        else _domains_from(form, "domains", scope)
    )
    try:
        new = validated(
            RespondentCreate,
            {
                "name": text_of(form, "name"),
                "role": role,
                "email": text_of(form, "email").strip() or None,
                "domains": domains,
            },
        )
        created = respondents.invite_respondent(
            actor=access.principal.actor,
            max_respondents=settings.max_respondents,
            session=session,
            assessment=access.assessment,
            name=new.name,
            role=new.role,
            email=new.email,
            domains=new.domains,
        )
    except Invalid as invalid:
        return _assessment_page(
            request,
            session,
            settings,
            access,
            errors=errors_by_field(invalid),
            form=form,
            status_code=422,
        )
    base = _assessment_base(access)
    response = redirect(f"{base}#invitation" if created.token else f"{base}#respondents")
    if created.token is not None:
        shown_once.hold(
            response,
            request,
            path=base,
            shown=ShownOnce(ShownKind.INVITATION, created.id, created.token),
        )
    return response


@router.get("/{org}/assessments/{a}/respondents")
def respondents_address(access: ConsoleAssessmentReader) -> Response:
    """The address a form posts to, asked with GET (a bookmark, a refresh): the assessment."""
    return redirect(f"{_assessment_base(access)}#respondents")


@router.get("/{org}/assessments/{a}/respondents/{r}/token")
def reissue_confirmation(access: ConsoleRespondentManager, request: Request) -> Response:
    """What "New link" ends, before it does: the respondent's current links and its open
    sessions on the questionnaire (its answers stay)."""
    respondents.ensure_tokens_shown(access.assessment, "issue a new link")
    return page(
        "console_reissue.html",
        respondent=access.respondent,
        a=access.assessment,
        base=_assessment_base(access),
        **_chrome(request, access.principal, access.organization),
    )


@router.post("/{org}/assessments/{a}/respondents/{r}/token")
def reissue(access: ConsoleRespondentManager, session: SessionDep, request: Request) -> Response:
    issued = respondents.reissue_token(
        actor=access.principal.actor,
        session=session,
        assessment=access.assessment,
        respondent=access.respondent,
    )
    base = _assessment_base(access)
    response = redirect(f"{base}#invitation")
    if issued.token is not None:
        shown_once.hold(
            response,
            request,
            path=base,
            shown=ShownOnce(ShownKind.REISSUED, access.respondent.id, issued.token),
        )
    return response


def _respondent_page(
    request: Request,
    session: Session,
    access: RespondentAccess,
    *,
    errors: FieldErrors | None = None,
    form: FormData | None = None,
    status_code: int = 200,
) -> Response:
    shown = console_views.assessment_page(session=session, assessment=access.assessment)
    respondent = access.respondent
    return page(
        "console_respondent.html",
        status_code=status_code,
        shown=shown,
        respondent=respondent,
        base=_assessment_base(access),
        suggested=suggested_domains(respondent.role, access.assessment.scope),
        errors=errors or FieldErrors(),
        form=form,
        **_chrome(request, access.principal, access.organization),
    )


@router.get("/{org}/assessments/{a}/respondents/{r}/edit")
def respondent_form(
    access: ConsoleRespondentManager, session: SessionDep, request: Request
) -> Response:
    """A respondent's name, role, e-mail and domains, to change while it has not submitted."""
    return _respondent_page(request, session, access)


@router.get("/{org}/assessments/{a}/respondents/{r}")
def respondent_address(access: ConsoleRespondentReader) -> Response:
    return redirect(f"{_assessment_base(access)}/respondents/{access.respondent.id}/edit")


@router.post("/{org}/assessments/{a}/respondents/{r}")
def update_respondent(
    access: ConsoleRespondentManager, form: PageForm, session: SessionDep, request: Request
) -> Response:
    form = form or FormData()
    try:
        changes = validated(
            RespondentPatch,
            {
                "name": text_of(form, "name"),
                "role": text_of(form, "role").strip() or None,
                "email": text_of(form, "email").strip() or None,
                "domains": _domains_from(form, "domains", access.assessment.scope),
            },
        )
        respondents.update_respondent(
            session=session,
            assessment=access.assessment,
            respondent=access.respondent,
            changes=changes,
            actor=access.principal.actor,
        )
    except (Invalid, Conflict) as refused:
        return _respondent_page(
            request,
            session,
            access,
            errors=errors_by_field(refused),
            form=form,
            status_code=refused.status,
        )
    return redirect(f"{_assessment_base(access)}#respondent-{access.respondent.id}")


# Invite several: paste or upload lines, preview, create all at once


def _invite_several_page(
    request: Request,
    session: Session,
    access: AssessmentAccess,
    *,
    text: str = "",
    lines: list[InviteLine] | None = None,
    same_for_all: bool = False,
    for_all: list[str] | None = None,
    errors: FieldErrors | None = None,
    status_code: int = 200,
) -> Response:
    shown = console_views.assessment_page(session=session, assessment=access.assessment)
    bad = [line for line in lines or [] if line.problems]
    return page(
        "console_invite_several.html",
        encoded=[encode_row(line) for line in lines or []],
        status_code=status_code,
        shown=shown,
        base=_assessment_base(access),
        text=text,
        lines=lines,
        bad=bad,
        same_for_all=same_for_all,
        for_all=for_all,
        errors=errors or FieldErrors(),
        **_chrome(request, access.principal, access.organization),
    )


@router.get("/{org}/assessments/{a}/invite-several")
def invite_several_form(
    access: ConsoleRespondentInviter, session: SessionDep, request: Request
) -> Response:
    return _invite_several_page(request, session, access)


def _uploaded_text(form: FormData) -> tuple[str, str | None]:
    """The text of the uploaded file (UTF-8, a spreadsheet's byte order mark allowed), or
    why it cannot be read. The body is read already, within `OPM_MAX_BODY_BYTES`."""
    upload = form.get("file")
    if not isinstance(upload, StarletteUploadFile):
        return "", None
    try:
        if not upload.filename:
            return "", None
        if not upload.filename.lower().endswith((".csv", ".txt")):
            return "", f"{upload.filename}: a .csv or .txt file is expected"
        upload.file.seek(0)
        content = upload.file.read()
    finally:
        upload.file.close()
    try:
        return content.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return "", f"{upload.filename}: the file is not UTF-8 text (save it as CSV UTF-8)"


@router.post("/{org}/assessments/{a}/invite-several/preview")
def invite_several_preview(
    access: ConsoleRespondentInviter, form: PageForm, session: SessionDep, request: Request
) -> Response:
    """The people read from the pasted text and the uploaded file, each bad line named, the
    domains of each: nothing is created yet (a refresh repeats nothing)."""
    form = form or FormData()
    uploaded, unreadable = _uploaded_text(form)
    text = "\n".join(part for part in (text_of(form, "lines"), uploaded) if part.strip())
    scope = access.assessment.scope
    same_for_all = text_of(form, "domains_from") == "chosen"
    for_all = _domains_from(form, "domains", scope) if same_for_all else None
    shown = console_views.assessment_page(session=session, assessment=access.assessment)
    lines = read_lines(
        text, scope=scope, domains=shown.domains, for_all=for_all, same_for_all=same_for_all
    )
    check_lines(session=session, assessment=access.assessment, lines=lines)
    errors = FieldErrors()
    if unreadable:
        errors.general.append(unreadable)
    if not lines and not unreadable:
        errors.general.append("No one to invite: paste lines, or choose a file.")
    bad = any(line.problems for line in lines) or bool(errors.general)
    return _invite_several_page(
        request,
        session,
        access,
        text=text,
        lines=lines,
        same_for_all=same_for_all,
        for_all=for_all,
        errors=errors,
        status_code=422 if bad else 200,
    )


@router.get("/{org}/assessments/{a}/invite-several/preview")
def invite_several_preview_address(access: ConsoleAssessmentReader) -> Response:
    return redirect(f"{_assessment_base(access)}/invite-several")


@router.post("/{org}/assessments/{a}/invite-several")
def invite_several(
    access: ConsoleRespondentInviter,
    form: PageForm,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> Response:
    """Create everyone of the preview, as its rows were confirmed (with the domains ticked
    on each), through the bulk use case: all or none. Their links are not shown (a page
    cannot hand on sixty secrets): "Send invitations", or "Download links (CSV)"."""
    form = form or FormData()
    scope = access.assessment.scope
    # The rows the form carries (at most its field limit), whatever a `count` field claims.
    numbers = range(sum(1 for name in form if name.startswith("row:")))
    lines = [
        decode_row(
            text_of(form, f"row:{n}"),
            fallback_number=n + 1,
            domains=_domains_from(form, f"domains:{n}", scope),
        )
        for n in numbers
    ]
    rows = check_lines(session=session, assessment=access.assessment, lines=lines)
    if not lines or any(line.problems for line in lines):
        errors = FieldErrors()
        if not lines:
            errors.general.append("No one to invite: paste lines, or choose a file.")
        return _invite_several_page(
            request, session, access, lines=lines, errors=errors, status_code=422
        )
    made = respondents.create_respondents(
        session=session,
        assessment=access.assessment,
        rows=rows_of(lines, rows),
        max_respondents=settings.max_respondents,
        actor=access.principal.actor,
    )
    return redirect(f"{_assessment_base(access)}?added={len(made.items)}#respondents")


@router.post("/{org}/assessments/{a}/links.csv")
def download_links(
    access: ConsoleLinksIssuer, session: SessionDep, settings: SettingsDep, request: Request
) -> Response:
    """`POST .../links.csv` for the console: a download, the page stays where it is."""
    links = respondents.issue_links(
        session=session, assessment=access.assessment, actor=access.principal.actor
    )
    return links_response(
        request,
        settings,
        links,
        organization_slug=access.organization.slug,
        assessment_id=access.assessment.id,
        headers=PAGE_HEADERS,
    )


# A workshop: a key answers for a respondent (a facilitated session)


def _workshop_context(request: Request, access: RespondentAccess) -> FillContext:
    assessment_url = f"/console/{access.organization.slug}/assessments/{access.assessment.id}"
    base = f"{assessment_url}/respondents/{access.respondent.id}/fill"
    return FillContext(
        base=base,
        csrf=csrf_of(request, CONSOLE_COOKIE),
        workshop=True,
        home=assessment_url,
        finish=base,
        signed_in=_who(access.principal),
    )


@router.get("/{org}/assessments/{a}/respondents/{r}/fill")
def workshop(access: ConsoleWorkshopReader, session: SessionDep, request: Request) -> Response:
    return overview_page(session, access, _workshop_context(request, access))


@router.get("/{org}/assessments/{a}/respondents/{r}/fill/{section}")
def workshop_section(
    section: str,
    access: ConsoleWorkshopReader,
    session: SessionDep,
    request: Request,
    saved: Annotated[bool, Query()] = False,
) -> Response:
    return section_page(session, access, _workshop_context(request, access), section, saved=saved)


@router.post("/{org}/assessments/{a}/respondents/{r}/fill/{section}")
def workshop_save(
    section: str, access: ConsoleAnswerer, form: PageForm, session: SessionDep, request: Request
) -> Response:
    return save_section(
        session,
        access,
        _workshop_context(request, access),
        section,
        form,
        written_by=access.principal.id,
    )


# Settling disagreements (facilitated and independent assessments)

VERDICTS = [("", "Not judged"), ("accepted", "Accepted"), ("insufficient", "Insufficient")]


def _settle_page(
    request: Request,
    session: Session,
    access: AssessmentAccess,
    *,
    errors: FieldErrors | None = None,
    failed: str | None = None,
    form: FormData | None = None,
    status_code: int = 200,
) -> Response:
    shown = console_views.settle_page(session=session, assessment=access.assessment)
    return page(
        "console_settle.html",
        status_code=status_code,
        shown=shown,
        base=f"/console/{access.organization.slug}/assessments/{access.assessment.id}",
        verdicts=VERDICTS,
        errors=errors or FieldErrors(),
        failed=failed,
        form=form or FormData(),
        **_chrome(request, access.principal, access.organization),
    )


@router.get("/{org}/assessments/{a}/settle")
def settle(access: ConsoleAssessmentReader, session: SessionDep, request: Request) -> Response:
    """Settle disagreements: the disputed cells first, every answer, a rating form each."""
    return _settle_page(request, session, access)


def _rating_from(form: FormData) -> ConsensusPut:
    rating = text_of(form, "rating")
    return validated(
        ConsensusPut,
        {
            "value": form_integer(rating) if rating not in ("", "na") else None,
            "not_applicable": True if rating == "na" else None,
            "rationale": text_of(form, "rationale"),
            "evidence_verdict": text_of(form, "evidence_verdict") or None,
        },
    )


@router.get("/{org}/assessments/{a}/settle/{question_id}")
def settle_question_address(question_id: str, access: ConsoleAssessmentReader) -> Response:
    """The address a rating form posts to, asked with GET: the settle page at that question."""
    return redirect(f"{_assessment_base(access)}/settle#q-{question_id}")


@router.post("/{org}/assessments/{a}/settle/{question_id}")
def settle_question(
    question_id: str,
    access: ConsoleAssessmentWriter,
    form: PageForm,
    session: SessionDep,
    request: Request,
) -> Response:
    form = form or FormData()
    try:
        consensus.set_rating(
            session=session,
            assessment=access.assessment,
            question_id=question_id,
            rating=_rating_from(form),
            actor=access.principal.actor,
        )
    except Invalid as invalid:
        return _settle_page(
            request,
            session,
            access,
            errors=errors_by_field(invalid),
            failed=question_id,
            form=form,
            status_code=422,
        )
    base = _assessment_base(access)
    return redirect(f"{base}/settle#q-{question_id}")


@router.post("/{org}/assessments/{a}/settle/{question_id}/remove")
def unsettle_question(
    question_id: str, access: ConsoleAssessmentWriter, session: SessionDep
) -> Response:
    consensus.remove_rating(
        session=session,
        assessment=access.assessment,
        question_id=question_id,
        actor=access.principal.actor,
    )
    base = _assessment_base(access)
    return redirect(f"{base}/settle#q-{question_id}")


# Close, report, CSV


@router.get("/{org}/assessments/{a}/close")
def close_confirmation(
    access: ConsoleAssessmentWriter, session: SessionDep, request: Request
) -> Response:
    shown = console_views.assessment_page(session=session, assessment=access.assessment)
    settling = (
        console_views.settle_page(session=session, assessment=access.assessment)
        if access.assessment.rigor != Rigor.SELF
        else None
    )
    return page(
        "console_close.html",
        shown=shown,
        unsettled=settling.unsettled if settling is not None else [],
        base=f"/console/{access.organization.slug}/assessments/{access.assessment.id}",
        **_chrome(request, access.principal, access.organization),
    )


@router.post("/{org}/assessments/{a}/close")
def close(access: ConsoleAssessmentWriter, form: PageForm, session: SessionDep) -> Response:
    assessments.close_assessment(
        actor=access.principal.actor,
        session=session,
        organization=access.organization,
        assessment=access.assessment,
        accept_disputes=text_of(form or FormData(), "accept_disputes") == "yes",
    )
    return redirect(f"/console/{access.organization.slug}/assessments/{access.assessment.id}")


@router.get("/{org}/assessments/{a}/report")
def report(access: ConsoleAssessmentReader, session: SessionDep, request: Request) -> Response:
    """The report page (the same page as `.../report?format=html`: inline styles, no script),
    with a link back to the assessment's console page."""
    return _report(access, session, request, ReportVariant(ReportFormat.HTML, console=True))


@router.get("/{org}/assessments/{a}/report.pdf")
def report_as_pdf(
    access: ConsoleAssessmentReader, session: SessionDep, request: Request
) -> Response:
    """The executive summary as PDF (the same bytes as `.../report?format=pdf`)."""
    return _report(access, session, request, ReportVariant(ReportFormat.PDF))


@router.get("/{org}/assessments/{a}/report.csv")
def report_as_csv(
    access: ConsoleAssessmentReader, session: SessionDep, request: Request
) -> Response:
    return _report(access, session, request, ReportVariant(ReportFormat.CSV))


@router.get("/{org}/assessments/{a}/report.xlsx")
def report_as_xlsx(
    access: ConsoleAssessmentReader, session: SessionDep, request: Request
) -> Response:
    return _report(access, session, request, ReportVariant(ReportFormat.XLSX))


def _report(
    access: AssessmentAccess, session: Session, request: Request, variant: ReportVariant
) -> Response:
    # The report's own bytes (no form, no CSRF token): gzipped when the browser accepts it.
    variant = variant.for_encoding(request.headers.get("accept-encoding"))
    artifact = report_artifact(
        closed=request.app.state.closed_reports,
        session=session,
        organization=access.organization,
        assessment=access.assessment,
        variant=variant,
    )
    return report_response(
        artifact, variant=variant, organization=access.organization, assessment=access.assessment
    )


# The organization: profile, targets, overview, share links


def _organization_page(
    request: Request,
    session: Session,
    principal: Principal,
    organization: OrganizationRow,
    *,
    share_url: str | None = None,
    errors: FieldErrors | None = None,
    form: FormData | None = None,
    status_code: int = 200,
    saved: str | None = None,
) -> Response:
    shown = console_views.organization_page(session=session, organization=organization)
    return page(
        "console_organization.html",
        status_code=status_code,
        shown=shown,
        saved=saved,
        profile=organization.profile.model_dump(mode="json"),
        pmo_description=report_html.pmo_description(organization.profile),
        pmo_types=PMO_TYPES,
        pmo_permanence=PMO_PERMANENCE,
        pmo_scopes=PMO_SCOPES,
        share_url=share_url,
        errors=errors or FieldErrors(),
        form=form or FormData(),
        **_chrome(request, principal, organization),
    )


@router.get("/{org}/organization")
def organization(
    access: ConsoleOrganizationReader,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
    saved: Annotated[str | None, Query(max_length=63)] = None,
) -> Response:
    """The organization; `?saved=<questionnaire key>` after its targets were saved. A share
    link handed over by the form before (`shown_once`) is shown once, checked first."""
    held = shown_once.held(request)
    share_url = None
    if held is not None and held.kind == ShownKind.SHARE_LINK:
        link = share_links.link_of_token(
            session=session, organization=access.organization, token=held.secret
        )
        if link is not None and link.id == held.subject_id:
            share_url = share_links.share_url(
                settings.public_url or request_base_url(request, settings.trusted_proxies),
                held.secret,
            )
    response = _organization_page(
        request, session, access.principal, access.organization, saved=saved, share_url=share_url
    )
    if held is not None:
        shown_once.forget(
            response, request, path=f"/console/{access.organization.slug}/organization"
        )
    return response


def _profile_from(form: FormData) -> OrganizationProfile:
    exists = text_of(form, "pmo_exists")
    pmo: dict[str, Any] | None = None
    if exists in ("yes", "no"):
        pmo = {"exists": exists == "yes"}
        for part in ("type", "permanence", "scope"):
            value = text_of(form, f"pmo_{part}")
            if value:
                pmo[part] = value
    return validated(
        OrganizationProfile,
        {
            "industry": text_of(form, "industry").strip() or None,
            "size": text_of(form, "size").strip() or None,
            "pmo": pmo,
        },
    )


@router.get("/{org}/organization/profile")
def profile_address(access: ConsoleOrganizationReader) -> Response:
    return redirect(f"/console/{access.organization.slug}/organization#profile")


@router.post("/{org}/organization/profile")
def update_profile(
    access: ConsoleOrganizationWriter, form: PageForm, session: SessionDep, request: Request
) -> Response:
    form = form or FormData()
    try:
        profile = _profile_from(form)
    except Invalid as invalid:
        return _organization_page(
            request,
            session,
            access.principal,
            access.organization,
            errors=errors_by_field(invalid),
            form=form,
            status_code=422,
        )
    organizations.update_organization(
        actor=access.principal.actor,
        session=session,
        organization=access.organization,
        changes={"name": None, "profile": profile.model_dump()},
    )
    return redirect(f"/console/{access.organization.slug}/organization#profile")


@router.get("/{org}/targets/{questionnaire_key}")
def targets_address(questionnaire_key: str, access: ConsoleOrganizationReader) -> Response:
    return redirect(f"/console/{access.organization.slug}/organization#targets")


@router.post("/{org}/targets/{questionnaire_key}")
def update_targets(
    questionnaire_key: str,
    access: ConsoleTargetsWriter,
    form: PageForm,
    session: SessionDep,
    request: Request,
) -> Response:
    form = form or FormData()
    typed = {
        name.removeprefix("target:"): form_integer(value)
        for name, value in form.multi_items()
        if name.startswith("target:") and isinstance(value, str) and value.strip()
    }
    try:
        targets = validated(TargetsPut, {"domains": typed})
        goals.set_targets(
            actor=access.principal.actor,
            session=session,
            organization=access.organization,
            questionnaire_key=questionnaire_key,
            domains=targets.domains,
        )
    except Invalid as invalid:
        return _organization_page(
            request,
            session,
            access.principal,
            access.organization,
            errors=errors_by_field(invalid),
            status_code=422,
        )
    return redirect(
        f"/console/{access.organization.slug}/organization?saved={questionnaire_key}#targets"
    )


@router.get("/{org}/overview/{questionnaire_key}")
def overview(
    questionnaire_key: str, access: ConsoleOrganizationReader, session: SessionDep
) -> HTMLResponse:
    built = trend.build_overview(
        session=session, organization=access.organization, questionnaire_key=questionnaire_key
    )
    base = f"/console/{access.organization.slug}/assessments/"
    return report_html.html_response(
        report_html.render_overview(
            built,
            report_url=lambda assessment_id: f"{base}{assessment_id}/report",
            shared=False,
            console_url="../organization",
        )
    )


@router.post("/{org}/share-links")
def create_share_link(
    access: ConsoleOrganizationWriter,
    form: PageForm,
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> Response:
    form = form or FormData()
    target = text_of(form, "target")
    kind, _, ident = target.partition(":")
    try:
        wanted = validated(
            ShareLinkCreate,
            {
                "assessment_id": ident if kind == "assessment" else None,
                "questionnaire_key": ident if kind == "overview" else None,
                "expires_in_days": form_integer(text_of(form, "expires_in_days")),
            },
        )
        created = share_links.create_share_link(
            actor=access.principal.actor,
            session=session,
            organization=access.organization,
            assessment_id=wanted.assessment_id,
            questionnaire_key=wanted.questionnaire_key,
            expires_in_days=wanted.expires_in_days,
            base_url=settings.public_url or request_base_url(request, settings.trusted_proxies),
        )
    except Invalid as invalid:
        return _organization_page(
            request,
            session,
            access.principal,
            access.organization,
            errors=errors_by_field(invalid),
            form=form,
            status_code=422,
        )
    path = f"/console/{access.organization.slug}/organization"
    response = redirect(f"{path}#share-links")
    token = (created.url or "").rsplit("/", 1)[-1]
    shown_once.hold(
        response, request, path=path, shown=ShownOnce(ShownKind.SHARE_LINK, created.id, token)
    )
    return response


@router.get("/{org}/share-links")
def share_links_address(access: ConsoleOrganizationReader) -> Response:
    return redirect(f"/console/{access.organization.slug}/organization#share-links")


@router.post("/{org}/share-links/{link_id}/revoke")
def revoke_share_link(
    link_id: str, access: ConsoleShareLinkRevoker, session: SessionDep
) -> Response:
    share_links.revoke_share_link(
        actor=access.principal.actor,
        session=session,
        organization=access.organization,
        link_id=link_id,
    )
    return redirect(f"/console/{access.organization.slug}/organization#share-links")
