"""Issue 23's story in Chromium, end to end, as a PMO lead runs it: paste twenty people, send
the invitations, watch the table change as two of them answer (one in the browser, from the
link in her mail) and one submits, remind the others, close.

A served app with its sender running (as in production) and a real SMTP server (aiosmtpd).
Screenshots land in `tests/api/artifacts/running-*.png`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.storage.migrate import upgrade

from ..databases import ADMIN_KEY
from ..factories import bearer, created
from ..live_server import serve
from ..mail.conftest import Inbox, mail_settings, token_in
from .test_mail_browser import _axe, smtp

__all__ = ["smtp"]  # the SMTP server fixture, shared

pytestmark = pytest.mark.browser

ROLES = ["Project manager", "Program manager", "PMO lead", "Executive sponsor"]
PEOPLE = [(f"Person {n:02}", ROLES[n % 4], f"person{n:02}@fabrikam.example") for n in range(20)]


def _until(condition: Callable[[], bool], what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_the_pmo_invites_twenty_by_mail_watches_them_answer_reminds_and_closes(
    browser: Any, artifacts: Path, smtp: Inbox, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'opm.db'}"
    upgrade(database_url)
    settings = mail_settings(database_url, smtp.port, mail_poll_seconds=0.2)
    with serve(settings) as base, httpx.Client(base_url=base, timeout=30) as api:
        organization = created(
            api.post("/v1/organizations", json={"name": "Fabrikam"}, headers=bearer(ADMIN_KEY))
        )
        owner = bearer(organization["api_key"])
        slug = organization["slug"]
        assessment = created(
            api.post(
                f"/v1/organizations/{slug}/assessments",
                json={
                    "questionnaire_key": "test-q",
                    "title": "Across Fabrikam",
                    "due_date": "2027-01-15",
                    "message": "Twenty minutes of your view shape next year's PMO plan.",
                    "contact": "Ann Lee <ann@fabrikam.example>",
                },
                headers=owner,
            )
        )["id"]
        path = f"/console/{slug}/assessments/{assessment}"

        context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/console/sign-in")
        page.get_by_label("API key").fill(organization["api_key"])
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

        # Twenty people pasted, previewed, invited.
        page.goto(f"{base}{path}")
        page.get_by_role("link", name="Invite several…").click()
        page.wait_for_load_state()
        page.get_by_label("One person a line").fill(
            "\n".join(", ".join(person) for person in PEOPLE)
        )
        page.get_by_role("button", name="Preview").click()
        page.wait_for_load_state()
        page.get_by_role("button", name="Invite all 20").click()
        page.wait_for_load_state()
        assert page.locator("#respondents tbody tr").count() == 20

        # Send: twenty mails leave, once each; the table says so.
        page.get_by_role("button", name="Send invitations (20)").click()
        page.wait_for_load_state()
        assert page.get_by_role("status").filter(has_text="20 invitations queued").is_visible()
        _until(lambda: len(smtp.messages) >= 20, "the invitations never all arrived")
        assert sorted(smtp.recipients()) == sorted(email for _, _, email in PEOPLE)

        def sent_rows() -> int:
            page.goto(f"{base}{path}")
            return int(page.locator("td.mail-status", has_text="Invitation sent").count())

        _until(lambda: sent_rows() == 20, "the table never showed twenty invitations sent")
        page.screenshot(path=str(artifacts / "running-invited-1280.png"), full_page=True)

        # Person 01 answers in her browser from the link in her mail; Person 02 answers and
        # submits through the API with the token of his.
        first = token_in(smtp.to("person01@fabrikam.example")[0])
        respondent = browser.new_context(locale="en-GB", viewport={"width": 360, "height": 740})
        phone = respondent.new_page()
        phone.goto(f"{base}/a/{first}")
        phone.get_by_role("link", name="Start").click()
        phone.wait_for_load_state()
        phone.locator("fieldset.question").first.locator("label").nth(3).click()
        phone.locator("[data-autosave-status][data-state=saved]", has_text="Saved at").wait_for()
        phone.screenshot(path=str(artifacts / "running-respondent-360.png"))
        respondent.close()

        second = bearer(token_in(smtp.to("person02@fabrikam.example")[0]))
        listed = api.get(
            f"/v1/organizations/{slug}/assessments/{assessment}/respondents?limit=200",
            headers=owner,
        ).json()["items"]
        ids = {r["name"]: r["id"] for r in listed}
        respondent_path = f"/v1/organizations/{slug}/assessments/{assessment}/respondents"
        saved = api.patch(
            f"{respondent_path}/{ids['Person 02']}/answers",
            json={"answers": [{"question_id": "ENB-STR-01-Q1", "value": 3}]},
            headers=second,
        )
        assert saved.status_code == 200, saved.text
        submitted = api.post(f"{respondent_path}/{ids['Person 02']}/submit", headers=second)
        assert submitted.status_code == 200, submitted.text

        page.goto(f"{base}{path}")
        assert (
            "1 of 20 submitted, 1 started but not submitted, 18 not started"
            in page.locator("#people-progress").inner_text()
        )
        for name in ("Person 01", "Person 02"):
            row = page.locator("#respondents tbody tr", has_text=name)
            assert "Not started" not in row.inner_text()
        assert "Yes," in page.locator("#respondents tbody tr", has_text="Person 02").inner_text()
        assert _axe(page) == []
        page.screenshot(path=str(artifacts / "running-answering-1280.png"), full_page=True)

        # Remind: the nineteen who have not submitted, not Person 02.
        page.get_by_role("button", name="Remind those who have not submitted (19)").click()
        page.wait_for_load_state()
        assert page.get_by_role("status").filter(has_text="19 reminders queued").is_visible()
        _until(lambda: len(smtp.messages) >= 39, "the reminders never all arrived")
        assert len(smtp.to("person02@fabrikam.example")) == 1  # the invitation only
        assert len(smtp.to("person01@fabrikam.example")) == 2

        # Close: the page counts people before it scores.
        page.goto(f"{base}{path}/close")
        assert "1 of 20 submitted" in page.locator("#people-progress").inner_text()
        page.get_by_role("button", name="Close and score the assessment").click()
        page.wait_for_load_state()
        status = api.get(f"/v1/organizations/{slug}/assessments/{assessment}", headers=owner)
        assert status.json()["status"] == "closed"
        page.screenshot(path=str(artifacts / "running-closed-1280.png"), full_page=True)
        context.close()
        mail = api.get(
            f"/v1/organizations/{slug}/assessments/{assessment}/mail?limit=200", headers=owner
        ).json()["items"]
        assert len(mail) == 39 and {m["status"] for m in mail} == {"sent"}
        assert all("token" not in m and "opmr_" not in str(m) for m in mail)
