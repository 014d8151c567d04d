"""The console's mail: the two buttons with their counts, post-redirect-get with what was
queued, each respondent's latest mail in the respondents table."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

from api.app import create_app
from api.core.config import Settings
from api.services.mail import MailSender

from ...samples import DATA
from ..databases import ADMIN_KEY
from ..factories import Headers, new_key
from .conftest import Inbox, Scene, new_scene
from .test_invitations import PEOPLE, _submit

SAME_SITE = {"origin": "http://testserver"}
NO_MAIL = "\u2013"  # the table's dash: no mail yet


def _sign_in(client: TestClient, key: Headers) -> None:
    secret = key["Authorization"].removeprefix("Bearer ")
    response = client.post("/console/sign-in", data={"key": secret}, follow_redirects=False)
    assert response.status_code == 303, response.text


def _page(client: TestClient, scene: Scene, query: str = "") -> str:
    response = client.get(f"/console/{scene.slug}/assessments/{scene.assessment}{query}")
    assert response.status_code == 200, response.text
    return unescape(response.text)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _post(client: TestClient, scene: Scene, action: str, csrf: str) -> str:
    response = client.post(
        f"/console/{scene.slug}/assessments/{scene.assessment}/{action}",
        data={"csrf": csrf},
        headers=SAME_SITE,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    return location


def _mail_cells(html: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for cell in re.findall(r'<td class="mail-status">(.*?)</td>', html, re.S)
    ]


def test_the_console_sends_invitations_and_reminders_and_shows_each_mail(
    client: TestClient, admin: Headers, inbox: Inbox, sender: MailSender
) -> None:
    scene = new_scene(client, admin, {**PEOPLE, "Dan": None})
    _submit(scene, "Cid")
    _sign_in(client, scene.owner)
    html = _page(client, scene)
    assert "Send invitations (2)" in html  # Ann and Bob: Cid submitted, Dan has no e-mail
    assert "Remind those who have not submitted (2)" in html
    location = _post(client, scene, "invitations", _csrf(html))
    assert location.endswith(f"/assessments/{scene.assessment}?invited=2#mail")
    shown = _page(client, scene, "?invited=2")
    assert "2 invitations queued" in shown
    assert "Send invitations" not in shown and "No one to invite" in shown
    assert "Remind those" not in shown and "a mail to them is on its way" in shown
    cells = _mail_cells(shown)  # oldest respondent first: Ann, Bob, Cid, Dan
    assert cells == [
        "Invitation waiting to leave",
        "Invitation waiting to leave",
        NO_MAIL,
        "No e-mail",
    ]
    # A refresh of the page after the redirect queues nothing more.
    _page(client, scene, "?invited=2")
    assert len(scene.mail()) == 2
    assert sender.run_once() == 2
    shown = _page(client, scene)
    assert [cell.split(" ")[:2] for cell in _mail_cells(shown)[:2]] == [["Invitation", "sent"]] * 2
    location = _post(client, scene, "reminders", _csrf(shown))
    assert location.endswith("?reminded=2&skipped=0#mail")
    assert "2 reminders queued" in _page(client, scene, "?reminded=2&skipped=0")
    sender.run_once()
    again = _post(client, scene, "reminders", _csrf(shown))
    assert again.endswith("?reminded=0&skipped=2#mail")
    text = _page(client, scene, "?reminded=0&skipped=2")
    assert "0 reminders queued; 2 left out (reminded today already" in text
    assert sorted(inbox.recipients()) == sorted(["ann@example.org", "bob@example.org"] * 2)


def test_a_failed_mail_shows_the_servers_reply_in_the_table(
    client: TestClient, admin: Headers, inbox: Inbox, sender: MailSender
) -> None:
    scene = new_scene(client, admin, {"Ann": "ann@example.org"})
    inbox.refusals.append("550 5.1.1 no such user")
    _sign_in(client, scene.owner)
    _post(client, scene, "invitations", _csrf(_page(client, scene)))
    sender.run_once()
    assert _mail_cells(_page(client, scene)) == ["Invitation failed 550 5.1.1 no such user"]


def test_a_reader_sees_the_mail_status_but_no_button(
    client: TestClient, admin: Headers, sender: MailSender
) -> None:
    scene = new_scene(client, admin, {"Ann": "ann@example.org"})
    reader = new_key(client, scene.owner, scene.slug, "reader")
    _sign_in(client, reader)
    html = _page(client, scene)
    assert "Send invitations" not in html and "Remind those" not in html
    assert _mail_cells(html) == [NO_MAIL]
    forged = client.post(
        f"/console/{scene.slug}/assessments/{scene.assessment}/invitations",
        data={"csrf": _csrf(html)},
        headers=SAME_SITE,
        follow_redirects=False,
    )
    assert forged.status_code == 403
    assert scene.mail() == []


def test_without_mail_the_console_shows_no_mail_button(database_url: str, admin: Headers) -> None:
    settings = Settings(
        database_url=database_url,
        admin_key=ADMIN_KEY,
        questionnaire_dirs=[DATA],
        allowed_hosts=["testserver"],
    )
    with TestClient(create_app(settings)) as client:
        scene = new_scene(client, admin, {"Ann": "ann@example.org"})
        _sign_in(client, scene.owner)
        html = _page(client, scene)
        assert "Send invitations" not in html and "Remind those" not in html
        assert 'class="mail-status"' not in html
