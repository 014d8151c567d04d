"""Invite several, in a real browser (issue 23, Proof, in short): a PMO lead pastes twenty
people, two of them wrong, sees the two lines named and nothing created, fixes them, sees each
row's domains suggested from its role in the preview, changes one, invites them all, and finds
them in the respondents table with people counted. Screenshots land in `tests/api/artifacts/`
(`invite-several-*.png`); axe-core finds no serious or critical violation.
"""

from __future__ import annotations

from typing import Any

import pytest

from ..databases import ADMIN_KEY
from .test_pages_browser import Watch, _context, _sign_in, base_url, pages_database, watch

__all__ = ["base_url", "pages_database", "watch"]  # the browser story's fixtures, shared

pytestmark = pytest.mark.browser

ROLES = ["Project manager", "Program manager", "PMO lead", "Executive sponsor"]


def _assessment(base_url: str) -> tuple[str, str, str]:
    import httpx

    with httpx.Client(base_url=base_url) as http:
        admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
        org = http.post("/v1/organizations", json={"name": "Fabrikam"}, headers=admin).json()
        owner = {"Authorization": f"Bearer {org['api_key']}"}
        assessment = http.post(
            f"/v1/organizations/{org['slug']}/assessments",
            json={
                "questionnaire_key": "test-q",
                "title": "Across Fabrikam",
                "due_date": "2027-01-15",
            },
            headers=owner,
        ).json()["id"]
        return org["api_key"], org["slug"], assessment


def _people(wrong: bool) -> str:
    lines = [f"Person {n:02}, {ROLES[n % 4]}, person{n:02}@fabrikam.example" for n in range(1, 21)]
    if wrong:
        lines[4] = "Person 05, Project manager, person05-at-fabrikam"
        lines[11] = "Person 12, Portfolio manager, person12@fabrikam.example, portfolio"
    return "\n".join(lines)


def test_a_pmo_lead_pastes_twenty_people_fixes_two_lines_and_invites_them(
    browser: Any, base_url: str, watch: Watch
) -> None:
    key, slug, assessment = _assessment(base_url)
    context, page = _context(browser, watch, viewport={"width": 1280, "height": 900})
    _sign_in(page, base_url, key)
    console = f"{base_url}/console/{slug}/assessments/{assessment}"
    page.goto(console)
    page.get_by_role("link", name="Invite several…").click()
    page.wait_for_load_state()
    page.get_by_label("One person a line").fill(_people(wrong=True))
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    named = page.locator("#bad-lines li")
    assert named.count() == 2
    assert named.nth(0).get_attribute("data-line") == "5"
    assert named.nth(1).get_attribute("data-line") == "12"
    assert "portfolio" in named.nth(1).inner_text()
    watch.check(page, "invite-several-bad-lines")

    page.get_by_label("One person a line").fill(_people(wrong=False))
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    assert "20 people to invite" in page.locator("#preview-heading").inner_text()
    # Person 01 is a program manager: program only; Person 04 a project manager: project only.
    assert (
        page.locator("#d-0-program").is_checked() and not page.locator("#d-0-project").is_checked()
    )
    assert (
        page.locator("#d-3-project").is_checked() and not page.locator("#d-3-program").is_checked()
    )
    assert page.locator("#d-1-project").is_checked() and page.locator("#d-1-program").is_checked()
    page.locator("#d-3-program").check()  # Person 04 runs a program too
    watch.check(page, "invite-several-preview")
    page.get_by_role("button", name="Invite all 20").click()
    page.wait_for_load_state()
    assert "20 respondents invited" in page.locator("#invited").inner_text()
    assert (
        "0 of 20 submitted, 0 started but not submitted, 20 not started"
        in page.locator("#people-progress").inner_text()
    )
    assert page.locator("#respondents tbody tr").count() == 20
    watch.check(page, "invite-several-table")
    page.reload()
    assert page.locator("#respondents tbody tr").count() == 20  # a refresh invited no one

    # One more, alone: the link is shown once after the redirect, and gone on a reload.
    page.locator("#invite-name").fill("Zoe Late")
    page.locator("#invite-role").fill("Portfolio manager")
    page.get_by_role("button", name="Invite and show the link").click()
    page.wait_for_load_state()
    assert page.url.endswith("#invitation")
    link = page.locator("#invitation-link").input_value()
    assert "/a/opmr_" in link
    watch.check(page, "invite-one-link")
    page.reload()
    assert page.locator("#invitation-link").count() == 0
    assert page.locator("#respondents tbody tr").count() == 21
    context.close()
    # The preview with bad lines answers 422 on purpose (nothing was created); the browser
    # logs that status, once.
    refused = [error for error in watch.errors if "status of 422" in error]
    assert len(refused) == 1
    watch.errors[:] = [error for error in watch.errors if error not in refused]
    watch.assert_clean()
    assert not watch.violations, "\n".join(watch.violations)
