"""Invitations and reminders by mail, and the assessment's outbox (`api.md`, running an
assessment across an organization)."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse

from api.core.pagination import Page
from api.http.access import AssessmentReader, Mailer
from api.http.deps import SessionDep, SettingsDep, app_clock, wake_mail_sender
from api.http.idempotency import RetryDep
from api.http.openapi import problems
from api.routes.params import Cursor, Limit
from api.schemas import InvitationsCreate, MailPublic, MailQueued, RemindersQueued
from api.services import outbox

router = APIRouter(prefix="/v1/organizations/{org}/assessments/{a}", tags=["mail"])


@router.post(
    "/invitations",
    operation_id="sendInvitations",
    status_code=202,
    response_model=MailQueued,
    responses=problems(403, 404, 409),
)
def send_invitations(
    access: Mailer,
    session: SessionDep,
    settings: SettingsDep,
    retry: RetryDep,
    request: Request,
    background: BackgroundTasks,
    body: InvitationsCreate | None = None,
) -> MailQueued | JSONResponse:
    """Queue an invitation mail to each named respondent (by default: every respondent with an
    e-mail who has not been invited yet and has not submitted); each carries a new link when it
    is sent. 409 when mail is not configured, the assessment is closed, or a named respondent
    has submitted; 422 a named respondent unknown or without an e-mail."""

    def create() -> MailQueued:
        return outbox.queue_invitations(
            session=session,
            assessment=access.assessment,
            respondent_ids=body.respondents if body is not None else None,
            actor=access.principal.actor,
            settings=settings,
            now=app_clock(request)(),
        )

    background.add_task(wake_mail_sender, request.app)
    return retry.respond(session=session, status_code=202, create=create)


@router.post(
    "/reminders",
    operation_id="sendReminders",
    status_code=202,
    response_model=RemindersQueued,
    responses=problems(403, 404, 409),
)
def send_reminders(
    access: Mailer,
    session: SessionDep,
    settings: SettingsDep,
    retry: RetryDep,
    request: Request,
    background: BackgroundTasks,
) -> RemindersQueued | JSONResponse:
    """Queue a reminder to every respondent with an e-mail who has not submitted; `skipped`
    counts those reminded today already (`OPM_TIME_ZONE`) or with a mail still waiting. 409
    when mail is not configured or the assessment is closed."""

    def create() -> RemindersQueued:
        return outbox.queue_reminders(
            session=session,
            assessment=access.assessment,
            actor=access.principal.actor,
            settings=settings,
            now=app_clock(request)(),
        )

    background.add_task(wake_mail_sender, request.app)
    return retry.respond(session=session, status_code=202, create=create)


@router.get("/mail", operation_id="listMail", response_model=Page[MailPublic])
def list_mail(
    access: AssessmentReader, session: SessionDep, limit: Limit = 50, cursor: Cursor = None
) -> Page[MailPublic]:
    """The assessment's mails, newest first: kind, status, attempts, the server's last refusal
    (never a mail's text, address or link)."""
    return outbox.list_mail(
        session=session, assessment=access.assessment, limit=limit, cursor=cursor
    )
