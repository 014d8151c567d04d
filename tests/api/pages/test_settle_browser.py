"""Settling disagreements in a real browser (issue 26, Proof): three respondents disagree, the
facilitator settles the two disputed cells on the console's page with the keyboard, closes, and
opens the report with the self-assessed and validated figures side by side. Screenshots land in
`tests/api/artifacts/` (`settle-*.png`); axe-core finds no serious or critical violation.
"""

from __future__ import annotations

from typing import Any

import pytest

from ..databases import ADMIN_KEY
from .test_pages_browser import Watch, _context, _sign_in, base_url, pages_database, watch

# The fixtures of the pages' browser story, shared.
__all__ = ["base_url", "pages_database", "watch"]

pytestmark = pytest.mark.browser

ANSWERS = {
    "Ann": {"PRJ-STD-01-Q1": 0, "PRJ-STD-01-Q2": 3, "PRJ-MEA-01-Q1": 1, "ENB-STR-01-Q1": 0},
    "Bob": {"PRJ-STD-01-Q1": 4, "PRJ-STD-01-Q2": 3, "PRJ-MEA-01-Q1": 4, "ENB-STR-01-Q1": 4},
    "Cid": {"PRJ-STD-01-Q1": 2, "PRJ-STD-01-Q2": 3, "PRJ-MEA-01-Q1": 4, "ENB-STR-01-Q1": 0},
}
COMMENTS = {"Ann": "We wrote the method but nobody uses it.", "Bob": "Every project follows it."}


def _facilitated_assessment(base_url: str) -> tuple[str, str, str]:
    """An organization's owner key, slug and a facilitated assessment three people answered."""
    import httpx

    with httpx.Client(base_url=base_url) as http:
        admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
        org = http.post("/v1/organizations", json={"name": "Contoso"}, headers=admin).json()
        owner = {"Authorization": f"Bearer {org['api_key']}"}
        path = f"/v1/organizations/{org['slug']}/assessments"
        assessment = http.post(
            path,
            json={"questionnaire_key": "test-q", "title": "Workshop 2026", "rigor": "facilitated"},
            headers=owner,
        ).json()["id"]
        for name, values in ANSWERS.items():
            respondent = http.post(
                f"{path}/{assessment}/respondents", json={"name": name}, headers=owner
            ).json()
            items: list[dict[str, Any]] = [
                {"question_id": question_id, "value": value}
                for question_id, value in values.items()
            ]
            items[0]["comment"] = COMMENTS.get(name)
            items[0]["evidence"] = [f"Project audit {name}.pdf"]
            items += [
                {"question_id": "PGM-STD-01-Q1", "value": 4},
                {"question_id": "PGM-MEA-01-Q1", "value": 2},
            ]
            saved = http.patch(
                f"{path}/{assessment}/respondents/{respondent['id']}/answers",
                json={"answers": items},
                headers=owner,
            )
            assert saved.status_code == 200, saved.text
        return org["api_key"], org["slug"], assessment


def _settle_by_keyboard(page: Any, question_id: str, value: str, rationale: str) -> None:
    page.locator(f"#rating-{question_id}").focus()
    page.keyboard.press("Home")
    page.locator(f"#rating-{question_id}").select_option(value)
    page.keyboard.press("Tab")
    page.keyboard.type(rationale)
    page.keyboard.press("Tab")
    page.locator(f"#verdict-{question_id}").select_option("accepted")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_facilitator_settles_two_cells_closes_and_reads_both_sides(
    browser: Any, base_url: str, watch: Watch
) -> None:
    key, slug, assessment = _facilitated_assessment(base_url)
    context, page = _context(browser, watch, viewport={"width": 1280, "height": 720})
    _sign_in(page, base_url, key)
    console = f"{base_url}/console/{slug}/assessments/{assessment}"
    page.goto(f"{console}/settle")
    left = page.locator("#left-to-settle")
    assert "2 disagreements left to settle" in left.inner_text()
    assert page.locator("section.settle-cell h2").first.inner_text().startswith("Project")
    assert "We wrote the method but nobody uses it." in page.inner_text("#q-PRJ-STD-01-Q1")
    watch.check(page, "settle-before")

    _settle_by_keyboard(page, "PRJ-STD-01-Q1", "1", "Written, not followed: two audits agree.")
    assert page.url.endswith("/settle#q-PRJ-STD-01-Q1")
    assert "1 disagreement left to settle" in page.locator("#left-to-settle").inner_text()
    _settle_by_keyboard(page, "PRJ-MEA-01-Q1", "4", "Variance is in every status report.")
    assert "Nothing left to settle" in page.locator("#left-to-settle").inner_text()
    watch.check(page, "settle-after")

    page.goto(f"{console}/close")
    assert page.locator("#unsettled").count() == 0
    page.get_by_role("button", name="Close and score the assessment").click()
    page.wait_for_load_state()
    page.goto(f"{console}/report")
    assert "validated figures" in page.locator("#validated-note").inner_text()
    rows = page.locator("#side-by-side tbody tr")
    assert rows.count() == 2
    changes = page.locator("#consensus-changes")
    assert "Written, not followed: two audits agree." in changes.inner_text()
    assert "Accepted: 2" in page.locator("#evidence-verdicts").inner_text()
    watch.check(page, "settle-report")
    page.locator("#self-and-validated").screenshot(
        path=str(watch.artifacts / "pages-settle-report-side-by-side.png")
    )
    context.close()
    watch.assert_clean()
    assert not watch.violations, "\n".join(watch.violations)
