"""Invitations and reminders: queued by the API, sent through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from api.core.config import Settings
from api.services.mail import MailSender
from api.services.questionnaires import minutes_for
from api.storage.tables import AssessmentRow, RespondentRow, RespondentTokenRow

from ..clock import FakeClock
from ..factories import Headers, close, created, save
from .conftest import PUBLIC_URL, Inbox, Scene, new_scene, text_of, token_in

PEOPLE = {"Ann": "ann@example.org", "Bob": "bob@example.org", "Cid": "cid@example.org"}


def _invite(scene: Scene, body: dict[str, Any] | None = None, **headers: str) -> Any:
    return scene.client.post(
        f"{scene.path}/invitations", json=body or {}, headers={**scene.owner, **headers}
    )


def _remind(scene: Scene, **headers: str) -> Any:
    return scene.client.post(f"{scene.path}/reminders", headers={**scene.owner, **headers})


def _submit(scene: Scene, name: str) -> None:
    saved = save(
        scene.client,
        scene.token_of(name),
        scene.slug,
        scene.assessment,
        scene.id_of(name),
        PRJ_STD_01_Q1=3,
    )
    assert saved.status_code == 200, saved.text
    created(
        scene.client.post(
            f"{scene.path}/respondents/{scene.id_of(name)}/submit", headers=scene.token_of(name)
        ),
        200,
    )


def _respondent(engine: Engine, respondent_id: str) -> RespondentRow:
    with Session(engine) as session:
        row = session.get(RespondentRow, respondent_id)
        assert row is not None
        return row


def test_invitations_arrive_once_each_with_a_link_that_opens_the_respondents_pages(
    client: TestClient, admin: Headers, inbox: Inbox, sender: MailSender, engine: Engine
) -> None:
    scene = new_scene(client, admin, {**PEOPLE, "Dan": None})
    response = _invite(scene)
    assert response.status_code == 202, response.text
    assert response.json() == {"queued": 3}
    assert inbox.messages == []  # queued, not sent: the sender sends
    assert sender.run_once() == 3
    assert sorted(inbox.recipients()) == sorted(PEOPLE.values())
    assert sender.run_once() == 0 and len(inbox.messages) == 3
    for name, address in PEOPLE.items():
        (message,) = inbox.to(address)
        assert message["From"] == "PMO <pmo@example.org>"
        assert "2026" in message["Subject"] and "Acme Énergie" in message["Subject"]
        text = text_of(message)
        assert f"Hello {name}," in text
        asked = re.search(r"It asks you (\d+) questions and takes about (\d+) minutes", text)
        assert asked is not None and int(asked[2]) == minutes_for(int(asked[1])) > 0
        assert "Why it matters" in text
        token = token_in(message)
        assert f"{PUBLIC_URL}/a/{token}" in text
        opened = client.get(f"/a/{token}", follow_redirects=False)
        assert opened.status_code == 303 and opened.headers["location"] == "/fill"
        page = client.get("/fill")
        assert page.status_code == 200 and "Acme Énergie" in page.text
        client.cookies.clear()
        assert _respondent(engine, scene.id_of(name)).invited_at is not None
    # Everyone with an e-mail is invited: a second default invitation queues nothing.
    assert _invite(scene).json() == {"queued": 0}
    assert {mail["status"] for mail in scene.mail()} == {"sent"}


def test_a_mail_adds_a_token_and_ends_none(
    client: TestClient, admin: Headers, inbox: Inbox, sender: MailSender
) -> None:
    scene = new_scene(client, admin, {"Ann": "ann@example.org"})
    _invite(scene)
    sender.run_once()
    mailed = {"Authorization": f"Bearer {token_in(inbox.messages[0])}"}
    for headers in (mailed, scene.token_of("Ann")):  # the link created with her still works
        me = client.get("/v1/me", headers=headers)
        assert me.status_code == 200 and me.json()["respondent"] == scene.id_of("Ann")


def test_named_invitations_are_checked_before_anything_is_queued(
    client: TestClient, admin: Headers, sender: MailSender
) -> None:
    scene = new_scene(client, admin, {"Ann": "ann@example.org", "Dan": None, "Eve": "e@x.org"})
    unknown = _invite(scene, {"respondents": [scene.id_of("Ann"), "rsp_" + "0" * 20]})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "respondents.1"
    without = _invite(scene, {"respondents": [scene.id_of("Dan")]})
    assert without.status_code == 422 and "Dan has no e-mail" in without.text
    malformed = _invite(scene, {"respondents": ["not-an-id"]})
    assert malformed.status_code == 422
    _submit(scene, "Eve")
    submitted = _invite(scene, {"respondents": [scene.id_of("Ann"), scene.id_of("Eve")]})
    assert submitted.status_code == 409 and "Eve" in submitted.json()["detail"]
    assert scene.mail() == []
    named = _invite(scene, {"respondents": [scene.id_of("Ann"), scene.id_of("Ann")]})
    assert named.json() == {"queued": 1}


def test_reminders_go_only_to_those_who_have_not_submitted(
    client: TestClient, admin: Headers, inbox: Inbox, sender: MailSender, engine: Engine
) -> None:
    scene = new_scene(client, admin, {**PEOPLE, "Dan": None})
    _submit(scene, "Bob")
    response = _remind(scene)
    assert response.status_code == 202, response.text
    assert response.json() == {"queued": 2, "skipped": 0}
    assert sender.run_once() == 2
    assert sorted(inbox.recipients()) == ["ann@example.org", "cid@example.org"]
    assert all(m["Subject"].startswith("Reminder: ") for m in inbox.messages)
    assert "have not been submitted yet" in text_of(inbox.to("ann@example.org")[0])
    assert _respondent(engine, scene.id_of("Ann")).reminded_at is not None
    assert _respondent(engine, scene.id_of("Bob")).reminded_at is None
    # Once a day: again today, everyone is skipped.
    assert _remind(scene).json() == {"queued": 0, "skipped": 2}


@pytest.mark.parametrize(
    ("time_zone", "a_new_day"), [("Europe/Paris", True), ("UTC", False)], ids=["Paris", "UTC"]
)
def test_once_a_day_follows_the_calendar_of_the_time_zone(
    database_url: str,
    inbox: Inbox,
    admin: Headers,
    time_zone: str,
    a_new_day: bool,
) -> None:
    from api.app import create_app

    from .conftest import mail_settings

    clock = FakeClock(datetime(2026, 12, 10, 22, 30, tzinfo=UTC))  # 23:30 in Paris
    settings = mail_settings(database_url, inbox.port, time_zone=time_zone)
    with TestClient(create_app(settings, clock=clock, send_mail=False)) as client:
        scene = new_scene(client, admin, {"Ann": "ann@example.org"})
        sender = MailSender(engine=client.app.state.engine, settings=settings, clock=clock)  # type: ignore[attr-defined]
        assert _remind(scene).json() == {"queued": 1, "skipped": 0}
        sender.run_once()
        clock.advance(minutes=40)  # 00:10 the next day in Paris; the same day in UTC
        expected = {"queued": 1, "skipped": 0} if a_new_day else {"queued": 0, "skipped": 1}
        assert _remind(scene).json() == expected


def test_a_reminder_skips_whoever_has_a_mail_on_its_way(
    client: TestClient, admin: Headers, sender: MailSender
) -> None:
    scene = new_scene(client, admin, {"Ann": "ann@example.org", "Bob": "bob@example.org"})
    _invite(scene, {"respondents": [scene.id_of("Ann")]})
    assert _remind(scene).json() == {"queued": 1, "skipped": 1}


def test_a_temporary_refusal_is_delivered_on_a_retry(
    client: TestClient, admin: Headers, inbox: Inbox, sender: MailSender, clock: FakeClock
) -> None:
    scene = new_scene(client, admin, {"Ann": "ann@example.org"})
    inbox.refusals.append("451 4.3.0 Mailbox busy, try again later")
    _invite(scene)
    assert sender.run_once() == 0
    (mail,) = scene.mail()
    assert mail["status"] == "pending" and mail["attempts"] == 1
    assert mail["last_error"] == "451 4.3.0 Mailbox busy, try again later"
    assert sender.run_once() == 0, "tried again before its backoff"
    clock.advance(minutes=1)
    assert sender.run_once() == 1
    (mail,) = scene.mail()
    assert (mail["status"], mail["attempts"], mail["last_error"]) == ("sent", 2, None)
    assert len(inbox.messages) == 1
    me = client.get("/v1/me", headers={"Authorization": f"Bearer {token_in(inbox.messages[0])}"})
    assert me.status_code == 200


def test_a_permanent_refusal_is_recorded_failed_with_its_reply(
    client: TestClient,
    admin: Headers,
    inbox: Inbox,
    sender: MailSender,
    clock: FakeClock,
    engine: Engine,
) -> None:
    scene = new_scene(client, admin, {"Ann": "ann@example.org"})
    inbox.refusals.append("550 5.1.1 <ann@example.org>: no such user")
    _invite(scene)
    assert sender.run_once() == 0
    (mail,) = scene.mail()
    assert mail["status"] == "failed" and mail["attempts"] == 1
    assert mail["last_error"] == "550 5.1.1 <ann@example.org>: no such user"
    assert mail["next_attempt_at"] is None
    clock.advance(days=1)
    assert sender.run_once() == 0 and inbox.messages == []
    with Session(engine) as session:
        tokens = session.exec(
            select(RespondentTokenRow).where(RespondentTokenRow.respondent_id == scene.id_of("Ann"))
        ).all()
    assert [token.origin for token in tokens] == ["issued"], "no token for a mail not sent"


def test_a_login_the_server_asks_for_is_a_temporary_failure(
    client: TestClient, admin: Headers, inbox: Inbox, sender: MailSender, clock: FakeClock
) -> None:
    scene = new_scene(client, admin, {"Ann": "ann@example.org"})
    inbox.refusals.append("530 5.7.0 Authentication required")
    _invite(scene)
    sender.run_once()
    (mail,) = scene.mail()
    assert mail["status"] == "pending"
    assert mail["last_error"] == "530 5.7.0 Authentication required"
    clock.advance(minutes=1)
    assert sender.run_once() == 1


def test_an_address_that_cannot_be_written_in_a_mail_fails_alone(
    client: TestClient, admin: Headers, inbox: Inbox, sender: MailSender
) -> None:
    scene = new_scene(client, admin, {"Ann": "é@example.org", "Bob": "bob@example.org"})
    _invite(scene)
    assert sender.run_once() == 1
    assert inbox.recipients() == ["bob@example.org"]
    failed = [mail for mail in scene.mail() if mail["status"] == "failed"]
    assert [mail["respondent_id"] for mail in failed] == [scene.id_of("Ann")]
    assert "cannot be written in a mail" in failed[0]["last_error"]


def test_an_unreachable_server_is_tried_8_times_over_about_a_day_then_given_up(
    database_url: str, admin: Headers, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    from api.app import create_app

    from ..live_server import free_port
    from .conftest import mail_settings

    settings = mail_settings(database_url, free_port())  # nobody listens there
    password = "s3cret-Pa55word"
    settings = settings.model_copy(
        update={"smtp_url": settings.smtp_url.__class__(f"smtp://pmo:{password}@127.0.0.1:9")}
    )
    with TestClient(create_app(settings, clock=clock, send_mail=False)) as client:
        scene = new_scene(client, admin, {"Ann": "ann@example.org"})
        sender = MailSender(engine=client.app.state.engine, settings=settings, clock=clock)  # type: ignore[attr-defined]
        _invite(scene)
        started = clock()
        attempts = []
        while True:
            sender.run_once()
            (mail,) = scene.mail()
            attempts.append(mail["attempts"])
            if mail["status"] != "pending":
                break
            clock.now = datetime.fromisoformat(mail["next_attempt_at"])
        assert mail["status"] == "failed" and mail["attempts"] == 8
        assert attempts == [1, 2, 3, 4, 5, 6, 7, 8]
        assert timedelta(hours=18) < clock() - started < timedelta(hours=26)
        assert "ConnectionRefusedError" in mail["last_error"]
        assert password not in mail["last_error"] and password not in caplog.text
        assert "opmr_" not in caplog.text


def test_pending_mail_is_cancelled_when_its_respondent_submits_and_when_the_assessment_closes(
    client: TestClient, admin: Headers, inbox: Inbox, sender: MailSender
) -> None:
    scene = new_scene(client, admin, PEOPLE)
    _invite(scene)
    _submit(scene, "Ann")
    by_respondent = {mail["respondent_id"]: mail["status"] for mail in scene.mail()}
    assert by_respondent[scene.id_of("Ann")] == "cancelled"
    assert by_respondent[scene.id_of("Bob")] == "pending"
    close(client, scene.owner, scene.slug, scene.assessment)
    assert {mail["status"] for mail in scene.mail()} == {"cancelled"}
    assert sender.run_once() == 0 and inbox.messages == []
    assert _invite(scene).status_code == 409 and _remind(scene).status_code == 409


def test_mail_that_is_not_configured_answers_409_and_lists_nothing(
    database_url: str, admin: Headers
) -> None:
    from api.app import create_app

    from ...samples import DATA
    from ..databases import ADMIN_KEY

    settings = Settings(
        database_url=database_url,
        admin_key=ADMIN_KEY,
        questionnaire_dirs=[DATA],
        allowed_hosts=["testserver"],
    )
    with TestClient(create_app(settings)) as client:
        scene = new_scene(client, admin, {"Ann": "ann@example.org"})
        for response in (_invite(scene, {"respondents": ["junk"]}), _remind(scene)):
            assert response.status_code == 409, response.text
            assert "OPM_SMTP_URL" in response.json()["detail"]
        assert scene.mail() == []


def test_an_idempotency_key_replays_and_queues_nothing_more(
    client: TestClient, admin: Headers, sender: MailSender
) -> None:
    scene = new_scene(client, admin, PEOPLE)
    first = _invite(scene, None, **{"Idempotency-Key": "invite-1"})
    again = _invite(scene, None, **{"Idempotency-Key": "invite-1"})
    assert (first.status_code, again.status_code) == (202, 202)
    assert first.json() == again.json() == {"queued": 3}
    reminded = _remind(scene, **{"Idempotency-Key": "remind-1"})
    replayed = _remind(scene, **{"Idempotency-Key": "remind-1"})
    assert reminded.json() == replayed.json() == {"queued": 0, "skipped": 3}
    assert len(scene.mail()) == 3


def test_the_mail_list_is_a_list_endpoint_without_a_token_or_a_text(
    client: TestClient, admin: Headers, inbox: Inbox, sender: MailSender
) -> None:
    scene = new_scene(client, admin, PEOPLE)
    _invite(scene)
    sender.run_once()
    first = created(client.get(f"{scene.path}/mail?limit=2", headers=scene.owner), 200)
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = created(
        client.get(
            f"{scene.path}/mail",
            params={"limit": 2, "cursor": first["next_cursor"]},
            headers=scene.owner,
        ),
        200,
    )
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    listed = first["items"] + rest["items"]
    assert set(listed[0]) == {
        "id", "respondent_id", "kind", "trigger", "status", "attempts", "last_error",
        "next_attempt_at", "created_at", "sent_at",
    }  # fmt: skip
    raw = client.get(f"{scene.path}/mail", headers=scene.owner).text
    for message in inbox.messages:
        assert token_in(message) not in raw
    assert "example.org" not in raw  # no address either
    assert "opmr_" not in raw


def test_the_audit_trail_records_invitations_and_reminders(
    client: TestClient, admin: Headers, sender: MailSender
) -> None:
    scene = new_scene(client, admin, PEOPLE)
    _invite(scene)
    _remind(scene)
    entries = created(
        client.get(f"/v1/organizations/{scene.slug}/audit", headers=scene.owner), 200
    )["items"]
    by_action = {entry["action"]: entry for entry in entries}
    invited = by_action["mail.invitations_queued"]
    assert invited["subject_id"] == scene.assessment
    assert invited["detail"]["queued"] == 3 and invited["actor_kind"] == "key"
    reminded = by_action["mail.reminders_queued"]
    assert reminded["detail"] == {"queued": 0, "skipped": 3, "trigger": "manual"}


def test_an_anonymous_assessment_is_mailed_like_any_other(
    client: TestClient, admin: Headers, inbox: Inbox, sender: MailSender, engine: Engine
) -> None:
    scene = new_scene(client, admin, {"Ann": "ann@example.org"})
    with Session(engine) as session:
        row = session.get(AssessmentRow, scene.assessment)
        assert row is not None
        row.anonymous = True
        session.add(row)
        session.commit()
    assert _invite(scene).json() == {"queued": 1}
    assert sender.run_once() == 1
    assert "This assessment is anonymous" in text_of(inbox.messages[0])


def test_the_mail_says_the_message_contact_due_date_and_the_respondents_own_questions(
    client: TestClient, admin: Headers, inbox: Inbox, sender: MailSender, engine: Engine
) -> None:
    scene = new_scene(client, admin, {"Ann": "ann@example.org", "Bob": "bob@example.org"})
    with Session(engine) as session:
        assessment = session.get(AssessmentRow, scene.assessment)
        bob = session.get(RespondentRow, scene.id_of("Bob"))
        assert assessment is not None and bob is not None
        assessment.due_date = datetime(2026, 12, 24).date()
        assessment.message = "Please answer for your own unit."
        assessment.contact = "Ann Lee <ann.lee@example.org>"
        bob.domains = ["project"]
        session.add_all([assessment, bob])
        session.commit()
    _invite(scene)
    sender.run_once()
    ann, bob_text = (text_of(inbox.to(f"{n}@example.org")[0]) for n in ("ann", "bob"))
    for text in (ann, bob_text):
        assert "Please answer for your own unit." in text
        assert "Questions? Ask Ann Lee <ann.lee@example.org>." in text
        assert "Please submit your answers by Thursday 24 December 2026." in text
    asked = [int(text.split("It asks you ")[1].split()[0]) for text in (ann, bob_text)]
    assert asked[1] < asked[0], "Bob is asked his own domain only"
