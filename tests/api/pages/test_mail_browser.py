"""The console's mail in Chromium: send invitations, watch them leave, remind; axe on the page.

A served app with its sender running (as in production) and a real SMTP server (aiosmtpd).
Screenshots of the assessment page at 1280 px and 360 px land in `tests/api/artifacts/`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from api.storage.migrate import upgrade

from ..databases import ADMIN_KEY
from ..factories import bearer, created
from ..live_server import free_port, serve
from ..mail.conftest import Inbox, mail_settings

pytestmark = pytest.mark.browser

SERIOUS = frozenset({"serious", "critical"})
PEOPLE = {"Ann": "ann@example.org", "Bob": "bob@example.org", "Cid": "cid@example.org"}


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    handler = Inbox(port=free_port())
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


def _assessment_with_people(base: str) -> tuple[str, str]:
    """An assessment of three people with an e-mail and one without; its console path, the key."""
    with httpx.Client(base_url=base, timeout=30) as client:
        organization = created(
            client.post("/v1/organizations", json={"name": "Acme"}, headers=bearer(ADMIN_KEY))
        )
        owner = bearer(organization["api_key"])
        slug = organization["slug"]
        assessment = created(
            client.post(
                f"/v1/organizations/{slug}/assessments",
                json={"questionnaire_key": "test-q", "title": "Maturity 2026"},
                headers=owner,
            )
        )["id"]
        for name, email in {**PEOPLE, "Dan": None}.items():
            created(
                client.post(
                    f"/v1/organizations/{slug}/assessments/{assessment}/respondents",
                    json={"name": name, "role": "project manager", "email": email},
                    headers=owner,
                )
            )
    return f"/console/{slug}/assessments/{assessment}", organization["api_key"]


def _axe(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{violation['id']} {violation['help']}"
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in SERIOUS
    ]


def test_the_pmo_invites_by_mail_watches_the_mails_leave_and_reminds(
    browser: Any, artifacts: Path, smtp: Inbox, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'opm.db'}"
    upgrade(database_url)
    settings = mail_settings(database_url, smtp.port, mail_poll_seconds=0.2)
    settings = settings.model_copy(update={"public_url": "http://127.0.0.1"})
    with serve(settings) as base:
        path, key = _assessment_with_people(base)
        context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/console/sign-in")
        page.get_by_label("API key").fill(key)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        page.goto(f"{base}{path}")
        page.get_by_role("button", name="Send invitations (3)").click()
        page.wait_for_load_state()
        assert "?invited=3" in page.url
        assert page.get_by_role("status").filter(has_text="3 invitations queued").is_visible()
        deadline = time.monotonic() + 20
        while page.locator("td.mail-status", has_text="Invitation sent").count() < 3:
            assert time.monotonic() < deadline, "the mails never showed as sent"
            smtp.arrived.wait(0.2)
            page.goto(f"{base}{path}")
        assert sorted(smtp.recipients()) == sorted(PEOPLE.values())
        assert page.locator("td.mail-status", has_text="No e-mail").count() == 1
        assert _axe(page) == []
        page.screenshot(path=str(artifacts / "mail-console-1280.png"), full_page=True)
        page.get_by_role("button", name="Remind those who have not submitted (3)").click()
        page.wait_for_load_state()
        assert page.get_by_role("status").filter(has_text="3 reminders queued").is_visible()
        page.set_viewport_size({"width": 360, "height": 800})
        page.screenshot(path=str(artifacts / "mail-console-360.png"), full_page=True)
        assert _axe(page) == []
        context.close()
