"""Sending the outbox: a sender in each app process claims due mails, writes and sends them.

Each mail is claimed for `CLAIM_FOR` (`repository.claim_mail`), so that in normal operation one
process sends it, also with several. It is written when it is sent: the address is read then,
and a fresh token made; the token is stored (hashed) in the transaction that marks the mail
sent, so that a mail that was never sent leaves no token that works. A sender that stops in the
middle of a conversation with the mail server marks nothing: the claim runs out and the mail is
sent again later (at worst twice, never lost).

A temporary failure (a 4xx reply, a server that cannot be reached, a refused login) is tried
again after `BACKOFF`, at most `MAX_ATTEMPTS` times in about a day; a permanent one (a 5xx
reply) is recorded at once as `failed`, with the reply. Neither the password of `OPM_SMTP_URL`
nor a token is ever written in `last_error` or a log line.

The sender also queues the automatic reminders of due dates (`outbox.queue_due_reminders`) on
its passes, at most once every `REMINDER_PASS` of its clock. Its clock is the app's: tests move
it instead of waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import smtplib
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import unquote, urlsplit

from sqlalchemy import Engine
from sqlmodel import Session

from api.core.config import Settings
from api.core.enums import AssessmentStatus, MailKind, MailStatus, TokenOrigin
from api.core.secrets import RESPONDENT_PREFIX, new_secret, secret_hash
from api.services import outbox
from api.services.progress import progress_over, questions_in_scope, respondent_scope
from api.services.questionnaires import ANSWER_SECONDS, estimated_minutes, questionnaire_of
from api.storage import repository
from api.storage.db import session_scope
from api.storage.tables import AssessmentRow, MailRow, OrganizationRow, RespondentRow

__all__ = [
    "BACKOFF",
    "BATCH",
    "CLAIM_FOR",
    "GRACE_SECONDS",
    "LOGIN_CODES",
    "MAIL_BUDGET",
    "MAX_ATTEMPTS",
    "MAX_ERROR",
    "REMINDER_PASS",
    "SMTP_TIMEOUT",
    "DeliveryFailed",
    "MailSender",
    "SmtpServer",
    "deliver",
    "mail_text",
]

_logger = logging.getLogger("api.mail")

# Waits after the 1st, 2nd, ... failed attempt: 8 attempts over about 21 hours.
BACKOFF = tuple(timedelta(minutes=minutes) for minutes in (1, 5, 15, 60, 120, 360, 720))
MAX_ATTEMPTS = len(BACKOFF) + 1
CLAIM_FOR = timedelta(minutes=5)
REMINDER_PASS = timedelta(minutes=1)
BATCH = 10  # mails claimed at once: others are left for the other processes
SMTP_TIMEOUT = 30.0  # seconds, each step of a conversation: far below CLAIM_FOR
# The longest one mail may take (connect, greet, STARTTLS, login, send: each a timeout): a
# claimed mail is begun only while its claim lasts that long still, so a slow server never
# lets a claim run out under a mail being sent (another sender would send it again).
MAIL_BUDGET = timedelta(seconds=5 * SMTP_TIMEOUT)
GRACE_SECONDS = 10.0  # at shutdown, how long the mail being sent may take to finish
MAX_ERROR = 500
# Replies about the login (530 needed, 534/538 mechanism, 535 refused): not the mail's fault.
LOGIN_CODES = frozenset({530, 534, 535, 538})


@dataclass(frozen=True)
class SmtpServer:
    """Where mail goes, read from `OPM_SMTP_URL` (checked by the settings)."""

    host: str
    port: int
    tls: bool  # smtps://: TLS from the start; smtp://: STARTTLS when the server offers it
    username: str | None
    password: str | None = field(repr=False)  # never in a log line, an assertion, a traceback

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url.strip())
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if tls else 25),
            tls=tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password is not None else None,
        )


class DeliveryFailed(Exception):
    """A mail the server did not take: `permanent` (a 5xx reply) or to be tried again."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return f"{code} {' '.join(text.split())}"


def _failure(error: Exception) -> DeliveryFailed:
    """What an error of `smtplib` or of the network means for the mail."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        permanent = all(500 <= code < 600 and code not in LOGIN_CODES for code, _ in replies)
        return DeliveryFailed(
            "; ".join(_reply(code, message) for code, message in replies), permanent=permanent
        )
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code in LOGIN_CODES:
        # The service's login, not the mail: worth trying again once OPM_SMTP_URL is fixed.
        reply = _reply(error.smtp_code, error.smtp_error)
        return DeliveryFailed(f"login refused or needed: {reply}", permanent=False)
    if isinstance(error, smtplib.SMTPResponseException):
        return DeliveryFailed(
            _reply(error.smtp_code, error.smtp_error), permanent=500 <= error.smtp_code < 600
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        # No AUTH offered, or an address that needs SMTPUTF8: trying again changes nothing.
        return DeliveryFailed(f"the mail server does not support it: {error}", permanent=True)
    return DeliveryFailed(f"{type(error).__name__}: {error}", permanent=False)


def deliver(
    message: EmailMessage,
    server: SmtpServer,
    *,
    timeout: float = SMTP_TIMEOUT,
    context: ssl.SSLContext | None = None,
    opened: Callable[[smtplib.SMTP | None], None] = lambda _: None,
) -> None:
    """Send one message through `server`; `DeliveryFailed` when it is not taken.

    `context` checks the server's certificate (the system's default when None: making one
    reads every trusted certificate, so a sender keeps its own). `opened` is told of the
    connection (and of None once it is closed), so that a sender that stops can cut a
    conversation short.
    """
    context = context or ssl.create_default_context()
    try:
        connection = (
            smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
            if server.tls
            else smtplib.SMTP(server.host, server.port, timeout=timeout)
        )
    except (OSError, smtplib.SMTPException) as error:
        raise _failure(error) from None
    opened(connection)
    try:
        connection.ehlo()
        if not server.tls and connection.has_extn("starttls"):
            connection.starttls(context=context)
            connection.ehlo()
        if server.username:
            connection.login(server.username, server.password or "")
        connection.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        connection.close()
        raise _failure(error) from None
    finally:
        opened(None)
    try:  # taken: a server that drops the line at QUIT changes nothing
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()


# The mail's text


@dataclass(frozen=True)
class _Letter:
    """What a mail says, gathered at send time (the link is added last: it holds the token)."""

    kind: MailKind
    respondent: str
    email: str
    organization: str
    title: str
    message: str | None
    contact: str | None
    due_date: date | None
    questions: int
    answered: int
    minutes: int
    anonymous: bool


def _one_line(text: str) -> str:
    return " ".join(text.split())


def mail_text(letter: _Letter, link: str) -> tuple[str, str]:
    """The subject and the plain text of an invitation or a reminder."""
    due = f"{letter.due_date:%A %d %B %Y}" if letter.due_date else None
    reminder = letter.kind == MailKind.REMINDER
    subject = (
        f"{'Reminder: ' if reminder else ''}{_one_line(letter.title)} "
        f"({_one_line(letter.organization)})" + (f", due {due}" if due and reminder else "")
    )
    lines = [f"Hello {letter.respondent},", ""]
    if reminder:
        lines.append(
            f'A reminder from {letter.organization}: your answers to "{letter.title}" have not '
            "been submitted yet"
            + (
                f" ({letter.answered} of {letter.questions} questions answered so far)."
                if letter.answered
                else "."
            )
        )
    else:
        lines.append(
            f"{letter.organization} asks for your view in its project management maturity "
            f'assessment "{letter.title}".'
        )
    if letter.message:
        lines += ["", letter.message.strip()]
    lines += [
        "",
        f"Your questionnaire: {link}",
        "",
        f"It asks you {letter.questions} questions and takes about {letter.minutes} minutes "
        f"(about {ANSWER_SECONDS} seconds a question). You can stop at any time and come back "
        "with the same link: your answers are kept.",
    ]
    if due:
        lines.append(f"Please submit your answers by {due}.")
    if letter.anonymous:
        lines.append("This assessment is anonymous: no report names you beside your answers.")
    lines += [
        "",
        "Why it matters: your answers show where the organization really stands and which "
        "improvements come first; the result is only as good as the views it gathers.",
    ]
    if letter.contact:
        lines += ["", f"Questions? Ask {letter.contact}."]
    lines += [
        "",
        "This link is yours alone: do not forward this mail.",
    ]
    return subject, "\n".join(lines) + "\n"


def _domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip("> ") or "localhost"


def _message(letter: _Letter, link: str, settings: Settings, now: datetime) -> EmailMessage:
    subject, text = mail_text(letter, link)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.mail_from
    message["To"] = Address(display_name=_one_line(letter.respondent), addr_spec=letter.email)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=_domain_of(settings.mail_from))
    message.set_content(text)
    return message


# The sender


@dataclass(frozen=True)
class _Ready:
    """A claimed mail, written and ready to go (its token not stored yet)."""

    mail_id: str
    kind: MailKind
    message: EmailMessage
    token: str


class MailSender:
    """The outbox's sender of one app process: `start()` it in the app's lifespan, `stop()` it
    at shutdown; `run_once()` is one pass (tests call it themselves)."""

    def __init__(
        self,
        *,
        engine: Engine,
        settings: Settings,
        clock: Callable[[], datetime],
        poll_seconds: float | None = None,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        """`tls_context`: what checks the mail server's certificate (the system's trusted
        certificates when None)."""
        assert settings.smtp_url is not None
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.poll_seconds = poll_seconds or settings.mail_poll_seconds
        self.server = SmtpServer.from_url(settings.smtp_url.get_secret_value())
        self._tls_context = tls_context
        self._stopping = threading.Event()
        self._connection: smtplib.SMTP | None = None
        self._reminded_at: datetime | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    # One pass

    def run_once(self) -> int:
        """Queue the automatic reminders due (at most once every `REMINDER_PASS`), then send
        every mail due until none is left or the sender stops; how many were sent."""
        now = self.clock()
        if self._reminded_at is None or now - self._reminded_at >= REMINDER_PASS:
            self.queue_due_reminders(now)
            self._reminded_at = now
        sent = 0
        while not self._stopping.is_set():
            now = self.clock()
            until = now + CLAIM_FOR
            with session_scope(self.engine, write=True) as session:
                claimed = repository.claim_mail(session=session, now=now, until=until, limit=BATCH)
                session.commit()
            if not claimed:
                break
            for index, mail_id in enumerate(claimed):
                if self._stopping.is_set() or until - self.clock() < MAIL_BUDGET:
                    self._release(claimed[index:], until)
                    break
                sent += self._send(mail_id, until)
        return sent

    def queue_due_reminders(self, now: datetime) -> int:
        """Queue the automatic reminders due today in every open assessment; how many."""
        zone = self.settings.time_zone
        today = outbox.local_day(now, zone).date
        with session_scope(self.engine, write=False) as session:
            due = repository.list_assessments_due_between(
                session=session, first=today, last=today + timedelta(days=outbox.DUE_3_DAYS)
            )
        queued = 0
        for assessment in due:
            with session_scope(self.engine, write=True) as session:
                queued += outbox.queue_due_reminders(
                    session=session, assessment=assessment, now=now, time_zone=zone
                )
                session.commit()
        if queued:
            _logger.info("automatic reminders queued: %d", queued)
        return queued

    def _release(self, mail_ids: list[str], until: datetime) -> None:
        with session_scope(self.engine, write=True) as session:
            repository.release_mail_claims(session=session, mail_ids=mail_ids, until=until)
            session.commit()

    def _send(self, mail_id: str, until: datetime) -> int:
        """Write, send and record one claimed mail; 1 when it was sent."""
        try:
            ready = self._prepare(mail_id, until)
        except Exception as error:  # a mail that cannot be written must not block the others
            _logger.exception("mail %s could not be written", mail_id)
            failed = DeliveryFailed(
                f"could not be written: {type(error).__name__}", permanent=False
            )
            self._record_failure(mail_id, until, failed, token="")
            return 0
        if ready is None:
            return 0
        try:
            deliver(ready.message, self.server, context=self._tls(), opened=self._hold)
        except DeliveryFailed as failed:
            if self._stopping.is_set():
                # Cut short by a stop: record nothing; the claim runs out, it goes again later.
                _logger.info("mail %s: interrupted by shutdown, left for later", mail_id)
                return 0
            self._record_failure(mail_id, until, failed, ready.token)
            return 0
        self._record_sent(ready)
        return 1

    def _tls(self) -> ssl.SSLContext:
        """The context that checks the server's certificate, made once (it reads every trusted
        certificate of the system)."""
        if self._tls_context is None:
            self._tls_context = ssl.create_default_context()
        return self._tls_context

    def _hold(self, connection: smtplib.SMTP | None) -> None:
        self._connection = connection

    def _prepare(self, mail_id: str, until: datetime) -> _Ready | None:
        """The mail written for its respondent, with a fresh token; None when it must not go
        (cancelled or claimed by another meanwhile, submitted, closed, no usable address)."""
        with session_scope(self.engine, write=False) as session:
            row = repository.get_mail(session=session, mail_id=mail_id)
            if row is None or row.status != MailStatus.PENDING or row.claimed_until != until:
                return None
            respondent = repository.refresh_respondent(
                session=session, respondent_id=row.respondent_id
            )
            assessment = session.get(AssessmentRow, row.assessment_id)
            assert assessment is not None
            if respondent.submitted_at is not None or assessment.status != AssessmentStatus.OPEN:
                self._settle(mail_id, MailStatus.CANCELLED, None)
                return None
            if not respondent.email:
                self._settle(mail_id, MailStatus.FAILED, "the respondent has no e-mail address")
                return None
            letter = self._letter(session, row, respondent, assessment)
        token = new_secret(RESPONDENT_PREFIX)
        link = f"{self.settings.public_url.rstrip('/')}/a/{token}"
        try:
            message = _message(letter, link, self.settings, self.clock())
        except Exception as wrong:  # `email` raises several kinds on an address it cannot write
            reason = f"the address cannot be written in a mail ({type(wrong).__name__})"
            self._settle(mail_id, MailStatus.FAILED, reason)
            return None
        return _Ready(mail_id=mail_id, kind=row.kind, message=message, token=token)

    def _settle(self, mail_id: str, status: MailStatus, reason: str | None) -> None:
        """A mail that will not go: cancelled, or failed for a reason of its own."""
        with session_scope(self.engine, write=True) as session:
            row = repository.get_mail(session=session, mail_id=mail_id)
            if row is None:
                return
            if status == MailStatus.FAILED:
                self._fail(session, row, reason or "")
            else:
                row.status, row.claimed_until = status, None
                session.add(row)
            session.commit()

    def _letter(
        self,
        session: Session,
        row: MailRow,
        respondent: RespondentRow,
        assessment: AssessmentRow,
    ) -> _Letter:
        organization = repository.get_organization_by_id(
            session=session, organization_id=assessment.organization_id
        )
        assert isinstance(organization, OrganizationRow)
        questionnaire = questionnaire_of(session=session, assessment=assessment).questionnaire
        questions = questions_in_scope(
            questionnaire, respondent_scope(assessment.scope, respondent.domains)
        )
        counted = repository.list_answered_questions(session=session, respondent_id=respondent.id)
        progress = progress_over(questions, counted)
        assert respondent.email is not None
        return _Letter(
            kind=row.kind,
            respondent=respondent.name,
            email=respondent.email,
            organization=organization.name,
            title=assessment.title,
            message=assessment.message,
            contact=assessment.contact,
            due_date=assessment.due_date,
            questions=progress.questions,
            answered=progress.questions - progress.unanswered,
            minutes=estimated_minutes(questionnaire, progress.questions),
            anonymous=assessment.anonymous,
        )

    def _record_sent(self, ready: _Ready) -> None:
        """Sent: the token is stored now, with the mail's `sent` and the respondent's time."""
        now = self.clock()
        with session_scope(self.engine, write=True) as session:
            row = repository.get_mail(session=session, mail_id=ready.mail_id)
            if row is None:
                return  # deleted with its assessment meanwhile: nothing to answer with
            repository.add_respondent_token(
                session=session,
                respondent_id=row.respondent_id,
                token_hash=secret_hash(ready.token),
                origin=(
                    TokenOrigin.INVITATION
                    if ready.kind == MailKind.INVITATION
                    else TokenOrigin.REMINDER
                ),
            )
            row.status, row.sent_at, row.claimed_until, row.last_error = (
                MailStatus.SENT,
                now,
                None,
                None,
            )
            respondent = repository.refresh_respondent(
                session=session, respondent_id=row.respondent_id
            )
            if ready.kind == MailKind.INVITATION:
                respondent.invited_at = now
            else:
                respondent.reminded_at = now
            session.add_all([row, respondent])
            session.commit()
        _logger.info("mail %s sent (%s, attempt %d)", row.id, row.kind, row.attempts)

    def _record_failure(
        self, mail_id: str, until: datetime, failed: DeliveryFailed, token: str
    ) -> None:
        """A try that failed, recorded only while this sender's claim holds (a mail cancelled,
        or claimed by another sender, meanwhile is theirs to record)."""
        reason = self._scrubbed(failed.reason, token)
        with session_scope(self.engine, write=True) as session:
            row = repository.get_mail(session=session, mail_id=mail_id)
            if row is None or row.status != MailStatus.PENDING or row.claimed_until != until:
                return
            if failed.permanent or row.attempts >= MAX_ATTEMPTS:
                self._fail(session, row, reason)
            else:
                row.last_error = reason
                row.claimed_until = None
                row.next_attempt_at = self.clock() + BACKOFF[max(row.attempts, 1) - 1]
                session.add(row)
                _logger.warning(
                    "mail %s not sent (attempt %d, trying again at %s): %s",
                    row.id,
                    row.attempts,
                    row.next_attempt_at.isoformat(),
                    reason,
                )
            session.commit()

    def _fail(self, session: Session, row: MailRow, reason: str) -> None:
        row.status, row.last_error, row.claimed_until = MailStatus.FAILED, reason, None
        session.add(row)
        _logger.warning("mail %s failed for good (attempt %d): %s", row.id, row.attempts, reason)

    def _scrubbed(self, reason: str, token: str) -> str:
        """The reason as stored and logged: never the password, never the token."""
        for secret in (self.server.password, token):
            if secret:
                reason = reason.replace(secret, "[hidden]")
        return reason[:MAX_ERROR]

    # In the app's lifespan

    def start(self) -> None:
        """Run passes in the background, every `poll_seconds` or when woken."""
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="mail-sender")

    async def _run(self) -> None:
        assert self._wake is not None
        while not self._stopping.is_set():
            try:
                await asyncio.to_thread(self.run_once)
            except Exception:  # the database away, say: the next pass tries again
                _logger.exception("mail sender: a pass failed; the next one tries again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
            self._wake.clear()

    def wake(self) -> None:
        """Look for mail now (mail was queued by this process): callable from any thread."""
        if self._loop is not None and self._wake is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake.set)

    def abort(self) -> None:
        """Stop at once: the conversation in progress is cut; its mail stays claimed."""
        self._stopping.set()
        connection = self._connection
        if connection is not None and connection.sock is not None:
            with contextlib.suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)

    async def stop(self, grace: float = GRACE_SECONDS) -> None:
        """Stop after the mail being sent (waiting at most `grace` seconds, then cut short);
        the mails claimed but not begun are given back."""
        self._stopping.set()
        if self._wake is not None:
            self._wake.set()
        if self._task is None:
            return
        done, _ = await asyncio.wait({self._task}, timeout=grace)
        if not done:
            self.abort()
            done, _ = await asyncio.wait({self._task}, timeout=grace)
        if not done:
            self._task.cancel()
