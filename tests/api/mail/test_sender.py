"""The sender: automatic reminders by due date, a clean stop, several senders on one outbox,
its place in the app's lifespan, and the settings mail needs."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session, select

from api.app import create_app
from api.core.config import Settings, configuration_problem
from api.services.mail import CLAIM_FOR, MAIL_BUDGET, MailSender
from api.storage.db import make_engine
from api.storage.tables import AssessmentRow, MailRow

from ..clock import FakeClock
from ..factories import Headers, bearer, created
from .conftest import Inbox, Scene, mail_settings, new_scene, token_in
from .test_invitations import PEOPLE, _invite, _remind, _submit

DUE = date(2026, 12, 24)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _set_due_date(engine: Engine, assessment_id: str, due: date) -> None:
    with Session(engine) as session:
        row = session.get(AssessmentRow, assessment_id)
        assert row is not None
        row.due_date = due
        session.add(row)
        session.commit()


def _reminders(scene: Scene) -> list[tuple[str, str]]:
    names = {respondent["id"]: name for name, respondent in scene.respondents.items()}
    return sorted(
        (names[mail["respondent_id"]], mail["trigger"])
        for mail in scene.mail()
        if mail["kind"] == "reminder"
    )


def test_automatic_reminders_go_3_days_before_the_due_date_and_on_the_day(
    client: TestClient,
    admin: Headers,
    inbox: Inbox,
    sender: MailSender,
    clock: FakeClock,
    engine: Engine,
) -> None:
    clock.now = _at(DUE - timedelta(days=5))
    scene = new_scene(client, admin, {**PEOPLE, "Dan": None})
    _set_due_date(engine, scene.assessment, DUE)
    _submit(scene, "Bob")
    assert sender.run_once() == 0 and _reminders(scene) == []
    clock.now = _at(DUE - timedelta(days=3))
    assert sender.run_once() == 2
    assert _reminders(scene) == [("Ann", "due-3"), ("Cid", "due-3")]
    assert sorted(inbox.recipients()) == ["ann@example.org", "cid@example.org"]
    for later in (timedelta(hours=5), timedelta(days=1), timedelta(days=1)):
        clock.advance(seconds=later.total_seconds())
        assert sender.run_once() == 0, "due-3 goes once"
    _submit(scene, "Cid")
    clock.now = _at(DUE, 7)
    assert sender.run_once() == 1
    assert _reminders(scene) == [("Ann", "due-0"), ("Ann", "due-3"), ("Cid", "due-3")]
    clock.now = _at(DUE + timedelta(days=1))
    assert sender.run_once() == 0
    entries = created(
        client.get(f"/v1/organizations/{scene.slug}/audit", headers=scene.owner), 200
    )["items"]
    automatic = [e for e in entries if e["action"] == "mail.reminders_queued"]
    assert [(e["actor_kind"], e["detail"]["trigger"]) for e in automatic] == [
        ("service", "due-0"),
        ("service", "due-3"),
    ]


def test_one_reminder_a_day_counts_manual_and_automatic_reminders_together(
    client: TestClient,
    admin: Headers,
    inbox: Inbox,
    sender: MailSender,
    clock: FakeClock,
    engine: Engine,
) -> None:
    clock.now = _at(DUE - timedelta(days=3), 7)
    scene = new_scene(client, admin, {"Ann": "ann@example.org"})
    _set_due_date(engine, scene.assessment, DUE)
    assert _remind(scene).json() == {"queued": 1, "skipped": 0}
    clock.advance(hours=1)
    assert sender.run_once() == 1  # the manual one; no due-3 the same day
    clock.advance(days=1)
    assert sender.run_once() == 0, "reminded since due-3 was due: no due-3"
    clock.now = _at(DUE, 6)
    assert _remind(scene).json() == {"queued": 1, "skipped": 0}
    assert sender.run_once() == 1
    clock.advance(hours=10)
    assert sender.run_once() == 0, "reminded today: no due-0"
    assert _reminders(scene) == [("Ann", "manual"), ("Ann", "manual")]
    assert len(inbox.messages) == 2


def test_a_sender_stopped_mid_send_loses_nothing(
    client: TestClient,
    admin: Headers,
    inbox: Inbox,
    sender: MailSender,
    settings: Settings,
    clock: FakeClock,
) -> None:
    scene = new_scene(client, admin, {"Ann": "ann@example.org"})
    _invite(scene)
    inbox.hold = threading.Event()  # the server keeps its answer to the message

    async def stopped_mid_send() -> None:
        sender.start()
        assert await asyncio.to_thread(inbox.arrived.wait, 10)
        await sender.stop(grace=0.05)  # the grace runs out: the conversation is cut

    asyncio.run(stopped_mid_send())
    inbox.hold.set()
    (mail,) = scene.mail()
    assert (mail["status"], mail["sent_at"]) == ("pending", None), "not marked sent"
    first = token_in(inbox.messages[0])
    assert client.get("/v1/me", headers=bearer(first)).status_code == 401, (
        "the token of a mail never confirmed was never stored"
    )
    inbox.hold = None
    restarted = MailSender(engine=sender.engine, settings=settings, clock=clock)
    assert restarted.run_once() == 0, "claimed by the stopped sender until its claim runs out"
    clock.advance(seconds=CLAIM_FOR.total_seconds() + 1)
    assert restarted.run_once() == 1
    (mail,) = scene.mail()
    assert (mail["status"], mail["attempts"]) == ("sent", 2)
    assert len(inbox.to("ann@example.org")) == 2, "at worst twice, never lost"
    second = token_in(inbox.messages[1])
    assert client.get("/v1/me", headers=bearer(second)).status_code == 200


def test_a_stopping_sender_gives_back_the_mails_it_had_not_begun(
    client: TestClient,
    admin: Headers,
    inbox: Inbox,
    sender: MailSender,
    settings: Settings,
    clock: FakeClock,
) -> None:
    scene = new_scene(client, admin, PEOPLE)
    _invite(scene)
    inbox.hold = threading.Event()

    async def stopped_mid_send() -> None:
        sender.start()
        assert await asyncio.to_thread(inbox.arrived.wait, 10)
        inbox.hold.set()  # the first mail is answered: the stop waits for it, then stops
        await sender.stop(grace=10)

    asyncio.run(stopped_mid_send())
    statuses = sorted(mail["status"] for mail in scene.mail())
    assert statuses == ["pending", "pending", "sent"]
    inbox.hold = None
    restarted = MailSender(engine=sender.engine, settings=settings, clock=clock)
    assert restarted.run_once() == 2, "the two not begun were given back, due at once"
    assert sorted(inbox.recipients()) == sorted(PEOPLE.values())


def test_a_slow_server_never_lets_a_claim_run_out_under_a_mail(
    client: TestClient, admin: Headers, inbox: Inbox, sender: MailSender, clock: FakeClock
) -> None:
    """Each mail takes 2 minutes of a 5-minute claim: the third is not begun on what is left
    of the first claim (another sender could claim it meanwhile and send it too); it is given
    back, claimed afresh, and sent once."""
    scene = new_scene(client, admin, PEOPLE)
    _invite(scene)
    left: list[timedelta] = []  # how long the claim still lasts as each mail arrives

    def slow() -> None:
        with Session(sender.engine) as session:
            claims = session.exec(select(MailRow.claimed_until).where(MailRow.status == "pending"))
            left.extend(until - clock() for until in claims if until is not None)
        clock.advance(minutes=2)

    inbox.on_arrival = slow
    assert sender.run_once() == 3
    assert len(left) >= 3 and min(left) >= MAIL_BUDGET, left
    assert sorted(inbox.recipients()) == sorted(PEOPLE.values())
    assert sorted(mail["attempts"] for mail in scene.mail()) == [1, 1, 1]


def test_two_senders_on_one_outbox_send_each_mail_exactly_once(
    client: TestClient, admin: Headers, inbox: Inbox, settings: Settings, clock: FakeClock
) -> None:
    people = {f"P{n:02d}": f"p{n:02d}@example.org" for n in range(30)}
    scene = new_scene(client, admin, people)
    assert _invite(scene).json() == {"queued": 30}
    engines = [make_engine(settings.database_url) for _ in range(2)]
    senders = [MailSender(engine=e, settings=settings, clock=clock) for e in engines]
    start = threading.Barrier(2)
    counts: list[int] = []

    def run(sender: MailSender) -> None:
        start.wait(10)
        counts.append(sender.run_once())

    threads = [threading.Thread(target=run, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for engine in engines:
        engine.dispose()
    assert sum(counts) == 30
    assert sorted(inbox.recipients()) == sorted(people.values())
    assert {mail["status"] for mail in scene.mail()} == {"sent"}
    assert {mail["attempts"] for mail in scene.mail()} == {1}


def test_the_app_runs_a_sender_while_it_serves_and_stops_it_at_shutdown(
    database_url: str, inbox: Inbox, admin: Headers
) -> None:
    settings = mail_settings(database_url, inbox.port, mail_poll_seconds=60)
    app = create_app(settings)
    with TestClient(app) as client:
        scene = new_scene(client, admin, {"Ann": "ann@example.org"})
        running = app.state.mail_sender
        assert running is not None
        _invite(scene)  # wakes the sender: no minute of polling to wait
        assert inbox.arrived.wait(10), "the sender sent nothing"
        deadline = time.monotonic() + 10
        while scene.mail()[0]["status"] != "sent":
            assert time.monotonic() < deadline, "the mail was never marked sent"
            inbox.arrived.wait(0.05)
    assert app.state.mail_sender is None
    assert running._task is not None and running._task.done()


def test_an_app_without_mail_runs_no_sender(database_url: str) -> None:
    plain = create_app(Settings(database_url=database_url))
    with TestClient(plain):
        assert plain.state.mail_sender is None


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"smtp_url": "smtp://relay:25"}, "OPM_MAIL_FROM and OPM_PUBLIC_URL"),
        ({"smtp_url": "smtp://relay:25", "mail_from": "pmo@x.org"}, "OPM_PUBLIC_URL"),
        ({"smtp_url": "http://user:hunter2-secret@relay"}, "OPM_SMTP_URL"),
        ({"smtp_url": "smtp://user:hunter2-secret@relay:port"}, "OPM_SMTP_URL"),
    ],
    ids=["no from, no public url", "no public url", "not smtp", "bad port"],
)
def test_mail_half_configured_is_refused_at_start_without_the_password(
    fields: dict[str, str], named: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(database_url="sqlite://", **fields)  # type: ignore[arg-type]
    line = configuration_problem(refused.value)
    assert named in line
    assert "hunter2" not in line


def test_mail_configured_needs_all_three() -> None:
    settings = Settings(
        database_url="sqlite://",
        smtp_url="smtps://pmo:pw@smtp.example.org:465",  # type: ignore[arg-type]
        mail_from="pmo@example.org",
        public_url="https://opm.example.org",
    )
    assert settings.mail_configured
    assert not Settings(database_url="sqlite://").mail_configured
