"""The outbox: who is mailed, queued in the transaction of the action that asks for it.

Rules held here (`api.md`, Running an assessment across an organization):
- an invitation goes, by default, to every respondent with an e-mail who has not submitted and
  has no invitation pending or sent; named respondents must have an e-mail (422) and must not
  have submitted (409);
- a reminder goes to every respondent with an e-mail who has not submitted, except those
  reminded (queued or sent) today in `OPM_TIME_ZONE` and those a mail is still waiting for;
- automatic reminders: with a due date, `due-3` from 3 days before it (until the day before,
  should the service have been down) and `due-0` on the day, each at most once a respondent,
  and none to a respondent mailed that day (or, for `due-3`, since the first day it was due):
  at most one reminder a day, manual and automatic together;
- pending mails are cancelled when their respondent submits or the assessment closes.

A row holds no address and no token: `api.services.mail` reads the one and makes the other when
it sends it. Queuing takes the assessment's lock, so that two processes queuing the same
automatic reminders, or a close racing an invitation, never queue a mail twice or for nobody.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from api.core.config import Settings
from api.core.enums import ActorKind, MailKind, MailStatus, MailTrigger
from api.core.errors import Conflict, Invalid, field_problem
from api.core.ids import new_id
from api.core.pagination import Page, decode_cursor, keyset_page
from api.core.principals import Actor
from api.schemas import MailPublic, MailQueued, RemindersQueued
from api.services.audit import AuditAction, record
from api.services.guards import lock_assessment
from api.storage import repository
from api.storage.repository import MailHistory
from api.storage.tables import AssessmentRow, MailRow, RespondentRow

__all__ = [
    "AUTOMATIC",
    "DUE_3_DAYS",
    "MailCounts",
    "cancel_assessment_mail",
    "cancel_respondent_mail",
    "ensure_mail_configured",
    "latest_mail",
    "list_mail",
    "local_day",
    "mail_counts",
    "queue_due_reminders",
    "queue_invitations",
    "queue_reminders",
]

DUE_3_DAYS = 3
# Who queued an automatic reminder, as the audit trail records it.
AUTOMATIC = Actor(kind=ActorKind.SERVICE, id="mail-sender")
_SENT_OR_WAITING = (MailStatus.PENDING, MailStatus.SENT)


def ensure_mail_configured(settings: Settings) -> None:
    """409 when this service cannot send mail: links are then handed out by other means."""
    if not settings.mail_configured:
        raise Conflict(
            "Mail is not configured on this service (OPM_SMTP_URL, OPM_MAIL_FROM, "
            "OPM_PUBLIC_URL): hand the invitation links out from the console or links.csv."
        )


@dataclass(frozen=True)
class _Day:
    """A calendar day in the service's time zone, as the UTC instants it spans."""

    date: date
    start: datetime
    end: datetime

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


def _start_of(day: date, time_zone: str) -> datetime:
    """The UTC instant a calendar day of `time_zone` begins."""
    return datetime.combine(day, time(), ZoneInfo(time_zone)).astimezone(UTC)


def local_day(now: datetime, time_zone: str) -> _Day:
    """The calendar day of `now` in `time_zone`."""
    today = now.astimezone(ZoneInfo(time_zone)).date()
    return _Day(today, _start_of(today, time_zone), _start_of(today + timedelta(days=1), time_zone))


def _waiting(respondent: RespondentRow) -> bool:
    """Whom mail may be sent to: a respondent with an e-mail who has not submitted."""
    return bool(respondent.email) and respondent.submitted_at is None


def _by_respondent(history: Iterable[MailHistory]) -> dict[str, list[MailHistory]]:
    mails: dict[str, list[MailHistory]] = defaultdict(list)
    for mail in history:
        mails[mail.respondent_id].append(mail)
    return mails


def _invited(mails: Sequence[MailHistory]) -> bool:
    return any(m.kind == MailKind.INVITATION and m.status in _SENT_OR_WAITING for m in mails)


def _pending(mails: Sequence[MailHistory]) -> bool:
    return any(m.status == MailStatus.PENDING for m in mails)


def _mailed_since(mails: Sequence[MailHistory], start: datetime, kinds: set[MailKind]) -> bool:
    """Whether a mail of `kinds` was queued or sent (not cancelled, not failed) since `start`."""
    return any(
        m.kind in kinds
        and m.status in _SENT_OR_WAITING
        and (m.created_at >= start or (m.sent_at is not None and m.sent_at >= start))
        for m in mails
    )


def _skips_reminder(mails: Sequence[MailHistory], today: _Day) -> bool:
    """A manual reminder leaves out whoever was reminded today or has a mail on its way."""
    return _pending(mails) or _mailed_since(mails, today.start, {MailKind.REMINDER})


def _new_mail(
    assessment: AssessmentRow,
    respondent: RespondentRow,
    kind: MailKind,
    trigger: MailTrigger,
    now: datetime,
) -> MailRow:
    return MailRow(
        id=new_id("mal"),
        assessment_id=assessment.id,
        respondent_id=respondent.id,
        kind=kind,
        trigger=trigger,
        status=MailStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


def _named(respondents: list[RespondentRow], respondent_ids: list[str]) -> list[RespondentRow]:
    """The named respondents, each once, in the order named: 409 for one who has submitted,
    then 422 naming each unknown one and each without an e-mail."""
    by_id = {respondent.id: respondent for respondent in respondents}
    named: dict[str, RespondentRow] = {}
    problems = []
    for index, respondent_id in enumerate(respondent_ids):
        respondent = by_id.get(respondent_id)
        if respondent is None:
            problems.append(
                field_problem(
                    f"respondents.{index}", f"no respondent {respondent_id!r} in this assessment"
                )
            )
        elif not respondent.email:
            problems.append(
                field_problem(f"respondents.{index}", f"{respondent.name} has no e-mail address")
            )
        else:
            named.setdefault(respondent.id, respondent)
    submitted = [r.name for r in named.values() if r.submitted_at is not None]
    if submitted:
        raise Conflict(
            f"{', '.join(submitted)} submitted already: an invitation would ask for nothing."
        )
    if problems:
        raise Invalid(
            f"{len(problems)} respondent(s) cannot be invited: nothing was queued.", errors=problems
        )
    return list(named.values())


def queue_invitations(
    *,
    session: Session,
    assessment: AssessmentRow,
    respondent_ids: list[str] | None,
    actor: Actor,
    settings: Settings,
    now: datetime,
) -> MailQueued:
    """Queue an invitation to each named respondent (by default, every respondent with an
    e-mail who has neither been invited nor submitted); one with an invitation still waiting
    to leave gets no second one. 409 when mail is not configured or the assessment is closed.
    """
    ensure_mail_configured(settings)
    locked = lock_assessment(session=session, assessment=assessment, action="send invitations")
    respondents = repository.list_all_respondents(session=session, assessment_id=locked.id)
    mails = _by_respondent(repository.list_mail_history(session=session, assessment_id=locked.id))
    if respondent_ids is None:
        chosen = [r for r in respondents if _waiting(r) and not _invited(mails[r.id])]
    else:
        chosen = [
            r
            for r in _named(respondents, respondent_ids)
            if not any(
                m.kind == MailKind.INVITATION and m.status == MailStatus.PENDING
                for m in mails[r.id]
            )
        ]
    rows = [_new_mail(locked, r, MailKind.INVITATION, MailTrigger.MANUAL, now) for r in chosen]
    repository.add_mail(session=session, rows=rows)
    record(
        session=session,
        actor=actor,
        organization_id=locked.organization_id,
        action=AuditAction.MAIL_INVITATIONS_QUEUED,
        subject_id=locked.id,
        detail={
            "queued": len(rows),
            "named": None if respondent_ids is None else len(set(respondent_ids)),
        },
    )
    return MailQueued(queued=len(rows))


def queue_reminders(
    *,
    session: Session,
    assessment: AssessmentRow,
    actor: Actor,
    settings: Settings,
    now: datetime,
) -> RemindersQueued:
    """Queue a reminder to every respondent with an e-mail who has not submitted, but those
    reminded today (`OPM_TIME_ZONE`) or with a mail still waiting to leave (`skipped`)."""
    ensure_mail_configured(settings)
    locked = lock_assessment(session=session, assessment=assessment, action="send reminders")
    respondents = repository.list_all_respondents(session=session, assessment_id=locked.id)
    mails = _by_respondent(repository.list_mail_history(session=session, assessment_id=locked.id))
    today = local_day(now, settings.time_zone)
    waiting = [r for r in respondents if _waiting(r)]
    chosen = [r for r in waiting if not _skips_reminder(mails[r.id], today)]
    rows = [_new_mail(locked, r, MailKind.REMINDER, MailTrigger.MANUAL, now) for r in chosen]
    repository.add_mail(session=session, rows=rows)
    skipped = len(waiting) - len(chosen)
    record(
        session=session,
        actor=actor,
        organization_id=locked.organization_id,
        action=AuditAction.MAIL_REMINDERS_QUEUED,
        subject_id=locked.id,
        detail={"queued": len(rows), "skipped": skipped, "trigger": MailTrigger.MANUAL.value},
    )
    return RemindersQueued(queued=len(rows), skipped=skipped)


def _due_trigger(due_date: date, today: date) -> MailTrigger | None:
    """The automatic reminder due today for a due date, if any."""
    if today == due_date:
        return MailTrigger.DUE_0
    if due_date - timedelta(days=DUE_3_DAYS) <= today < due_date:
        return MailTrigger.DUE_3
    return None


def queue_due_reminders(
    *, session: Session, assessment: AssessmentRow, now: datetime, time_zone: str
) -> int:
    """Queue the automatic reminders due today for one assessment; how many.

    A respondent with an e-mail who has not submitted gets `due-3` and `due-0` once each, and
    neither on a day it was mailed (invited or reminded) already; `due-3`, due from 3 days
    before the due date, is not sent when the respondent was mailed since that day. Audited
    as the service's, with the count. A closed assessment queues nothing (no error).
    """
    today = local_day(now, time_zone)
    if assessment.due_date is None:
        return 0
    trigger = _due_trigger(assessment.due_date, today.date)
    if trigger is None:
        return 0
    try:
        locked = lock_assessment(session=session, assessment=assessment, action="send reminders")
    except Conflict:
        return 0
    if locked.due_date != assessment.due_date:
        return 0  # the due date changed meanwhile: the next pass looks again
    since = (
        _start_of(locked.due_date - timedelta(days=DUE_3_DAYS), time_zone)
        if trigger == MailTrigger.DUE_3
        else today.start
    )
    respondents = repository.list_all_respondents(session=session, assessment_id=locked.id)
    mails = _by_respondent(repository.list_mail_history(session=session, assessment_id=locked.id))
    chosen = [
        r
        for r in respondents
        if _waiting(r)
        and not any(m.trigger == trigger for m in mails[r.id])
        and not _pending(mails[r.id])
        and not _mailed_since(mails[r.id], since, {MailKind.INVITATION, MailKind.REMINDER})
    ]
    if not chosen:
        return 0
    rows = [_new_mail(locked, r, MailKind.REMINDER, trigger, now) for r in chosen]
    repository.add_mail(session=session, rows=rows)
    record(
        session=session,
        actor=AUTOMATIC,
        organization_id=locked.organization_id,
        action=AuditAction.MAIL_REMINDERS_QUEUED,
        subject_id=locked.id,
        detail={"queued": len(rows), "skipped": 0, "trigger": trigger.value},
    )
    return len(rows)


def cancel_respondent_mail(*, session: Session, respondent: RespondentRow) -> None:
    """Its pending mails go nowhere: the respondent has submitted."""
    repository.cancel_pending_mail(
        session=session, assessment_id=respondent.assessment_id, respondent_id=respondent.id
    )


def cancel_assessment_mail(*, session: Session, assessment: AssessmentRow) -> None:
    """The assessment's pending mails go nowhere: it is closed."""
    repository.cancel_pending_mail(session=session, assessment_id=assessment.id)


def _public(row: MailRow) -> MailPublic:
    return MailPublic(
        id=row.id,
        respondent_id=row.respondent_id,
        kind=row.kind,
        trigger=row.trigger,
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        next_attempt_at=row.next_attempt_at if row.status == MailStatus.PENDING else None,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


def list_mail(
    *, session: Session, assessment: AssessmentRow, limit: int, cursor: str | None
) -> Page[MailPublic]:
    """The assessment's mails, newest first: what was queued, sent, refused (never a text)."""
    filters = {"assessment": assessment.id, "list": "mail"}
    rows = repository.list_mail(
        session=session,
        assessment_id=assessment.id,
        after=decode_cursor(cursor, filters),
        limit=limit,
    )
    return keyset_page(rows, limit=limit, filters=filters, convert=_public)


@dataclass(frozen=True)
class MailCounts:
    """How many mails each of the console's buttons would queue now."""

    invitations: int
    reminders: int


def mail_counts(
    *, session: Session, assessment: AssessmentRow, now: datetime, time_zone: str
) -> MailCounts:
    """What `queue_invitations` (by default) and `queue_reminders` would queue now."""
    respondents = repository.list_all_respondents(session=session, assessment_id=assessment.id)
    mails = _by_respondent(
        repository.list_mail_history(session=session, assessment_id=assessment.id)
    )
    today = local_day(now, time_zone)
    waiting = [r for r in respondents if _waiting(r)]
    return MailCounts(
        invitations=sum(1 for r in waiting if not _invited(mails[r.id])),
        reminders=sum(1 for r in waiting if not _skips_reminder(mails[r.id], today)),
    )


def latest_mail(*, session: Session, assessment: AssessmentRow) -> dict[str, MailHistory]:
    """Each respondent's latest mail (invitation or reminder), by respondent id."""
    latest: dict[str, MailHistory] = {}
    for mail in repository.list_mail_history(session=session, assessment_id=assessment.id):
        latest[mail.respondent_id] = mail  # oldest first: the last one wins
    return latest
