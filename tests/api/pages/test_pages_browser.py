"""The pages in a real browser (issue 12, Proof): Debian's Chromium driven by Playwright.

One story on a served app (SQLite, the small `test-q` questionnaire): the PMO signs in with its
key, creates an assessment and invites two respondents; one fills in everything with the
keyboard alone, the other on a 360 px wide screen (a reload keeps what was saved, a dropped
connection keeps the form); both submit; the PMO watches progress, closes and opens the report;
a reader key changes nothing and a CSRF-less post changes nothing. Throughout: every request
goes to the app, no console error, and axe-core finds no serious or critical violation on any
page type. A screenshot of each page type lands in `tests/api/artifacts/`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from api.core.config import Settings
from api.storage.migrate import upgrade

from ...samples import DATA
from ..databases import ADMIN_KEY
from ..live_server import serve

pytestmark = pytest.mark.browser

SERIOUS = frozenset({"serious", "critical"})


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'opm.db'}"
    upgrade(database_url)
    settings = Settings(database_url=database_url, admin_key=ADMIN_KEY, questionnaire_dirs=[DATA])
    with serve(settings) as url:
        yield url


@dataclass
class Watch:
    """What every page of a browser context did: requests, console errors, axe findings."""

    base_url: str
    artifacts: Path
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> Any:
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return page

    def check(self, page: Any, name: str) -> None:
        """axe-core on the page, and its screenshot."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(page)
        for violation in results.response["violations"]:
            if violation["impact"] in SERIOUS:
                targets = [node["target"] for node in violation["nodes"]][:3]
                self.violations.append(f"{name}: {violation['id']} {violation['help']} {targets}")
        page.screenshot(path=str(self.artifacts / f"pages-{name}.png"), full_page=True)

    def assert_clean(self) -> None:
        own = urlsplit(self.base_url).netloc
        elsewhere = [url for url in self.requests if urlsplit(url).netloc != own]
        assert not elsewhere, f"requests left the host: {elsewhere}"
        # The browser logs the save that the test made fail on purpose by going offline.
        errors = [error for error in self.errors if "ERR_INTERNET_DISCONNECTED" not in error]
        assert not errors, f"console errors: {errors}"
        assert not self.violations, "axe found:\n" + "\n".join(self.violations)


@pytest.fixture
def watch(base_url: str, artifacts: Path) -> Watch:
    return Watch(base_url, artifacts)


def _context(browser: Any, watch: Watch, **options: Any) -> tuple[Any, Any]:
    context = browser.new_context(locale="en-GB", **options)
    return context, watch.attach(context.new_page())


def _sign_in(page: Any, base_url: str, key: str) -> None:
    page.goto(f"{base_url}/console/sign-in")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _tab_to(page: Any, predicate: str, limit: int = 60) -> None:
    """Press Tab until the focused element satisfies the JS `predicate(element)`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(e => ({predicate})(e))(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element with {predicate}")


def _fill_by_keyboard(page: Any) -> None:
    """Every section, answered with Tab, arrow keys and Enter only."""
    _tab_to(page, "e => e.tagName === 'A' && e.textContent.startsWith('Start')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/fill/"))
    while "/fill/" in page.url and not page.url.endswith("/submit"):
        names = page.eval_on_selector_all(
            "fieldset.question input[type=radio]:checked", "es => es.map(e => e.name)"
        )
        for name in names:
            _tab_to(page, f"e => e.name === {name!r}")
            page.keyboard.press("ArrowUp")  # from "No answer yet" to the option above it
        _tab_to(page, "e => e.tagName === 'BUTTON' && e.value === 'next'")
        current = page.url
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url, current=current: url != current)


def test_the_pmo_runs_an_assessment_that_two_respondents_fill_in(
    browser: Any, base_url: str, watch: Watch
) -> None:
    import httpx

    with httpx.Client(base_url=base_url) as http:
        admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
        org = http.post("/v1/organizations", json={"name": "Northwind"}, headers=admin).json()
        owner_key = org["api_key"]
        owner = {"Authorization": f"Bearer {owner_key}"}
        reader_key = http.post(
            "/v1/organizations/northwind/keys",
            json={"name": "BI", "role": "reader"},
            headers=owner,
        ).json()["api_key"]

    pmo_context, pmo = _context(browser, watch, viewport={"width": 1180, "height": 900})
    pmo_context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    pmo.goto(f"{base_url}/console/sign-in")
    watch.check(pmo, "console-sign-in")
    _sign_in(pmo, base_url, owner_key)
    assert re.search(r"/console/org_[0-9a-f]+$", pmo.url)
    watch.check(pmo, "console-assessments")

    pmo.get_by_role("link", name="New assessment").click()
    pmo.get_by_role("link", name="earlier versions", exact=False).click()  # 1.0.0 is superseded
    pmo.get_by_label("Questionnaire and version").select_option("test-q@1.0.0")
    pmo.get_by_label("Title").fill("OPM maturity 2026")
    pmo.get_by_label("Period", exact=False).first.fill("2026")
    pmo.get_by_label("Facilitated", exact=False).check()
    watch.check(pmo, "console-new-assessment")
    pmo.get_by_role("button", name="Create the assessment").click()
    pmo.wait_for_url(re.compile(r"/assessments/asm_"))
    assessment_url = pmo.url

    links = {}
    for name in ("Ana Souza", "Ben Okafor"):
        pmo.get_by_label("Name").fill(name)
        pmo.get_by_role("button", name="Invite and show the link").click()
        pmo.wait_for_load_state()
        links[name] = pmo.locator("#invitation-link").input_value()
    pmo.get_by_role("button", name="Copy link").click()
    assert pmo.evaluate("navigator.clipboard.readText()") == links["Ben Okafor"]
    watch.check(pmo, "console-assessment-invited")

    # Ana: the keyboard alone.
    ana_context, ana = _context(browser, watch, viewport={"width": 1180, "height": 900})
    ana.goto(links["Ana Souza"])
    assert ana.url == f"{base_url}/fill"
    watch.check(ana, "fill-home")
    _fill_by_keyboard(ana)
    assert ana.url.endswith("/fill/submit")
    watch.check(ana, "fill-submit")
    _tab_to(ana, "e => e.tagName === 'BUTTON' && e.textContent.includes('Submit')")
    ana.keyboard.press("Enter")
    ana.wait_for_url(f"{base_url}/fill")
    assert "submitted" in ana.locator(".notice").text_content()
    ana.goto(f"{base_url}/fill/project~standardize")
    assert ana.locator("input[type=radio]").count() == 0
    watch.check(ana, "fill-section-read-only")

    # Ben: a 360 px wide screen, a reload, a dropped connection.
    ben_context, ben = _context(
        browser, watch, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    ben.goto(links["Ben Okafor"])
    ben.get_by_role("link", name=re.compile("^Start")).click()
    ben.wait_for_url(re.compile("/fill/project~standardize"))
    assert ben.evaluate("document.documentElement.scrollWidth") <= 360
    ben.locator("label[for='v-PRJ-STD-01-Q1-2']").click()
    ben.locator("label[for='v-PRJ-STD-01-Q2-3']").click()
    ben.get_by_label("Comment").first.fill("Only the largest projects.")
    watch.check(ben, "fill-section-360")
    ben.get_by_role("button", name="Save", exact=True).click()
    ben.wait_for_url(re.compile(r"saved=1"))
    ben.reload()
    assert ben.locator("#v-PRJ-STD-01-Q1-2").is_checked()
    assert ben.get_by_label("Comment").first.input_value() == "Only the largest projects."
    ben_context.set_offline(True)
    ben.locator("label[for='v-PRJ-STD-01-Q1-4']").click()
    ben.get_by_role("button", name="Save", exact=True).click()
    status = ben.locator("[data-autosave-status]")
    status.filter(has_text="connection").wait_for()
    assert ben.locator("#v-PRJ-STD-01-Q1-4").is_checked()
    ben_context.set_offline(False)
    ben.get_by_role("button", name=re.compile("^Save and next")).click()
    ben.wait_for_url(re.compile("/fill/project~measure"))
    while "/fill/" in ben.url and not ben.url.endswith("/submit"):
        current = ben.url
        for radio in ben.locator("fieldset.question").all():
            radio.locator(".option label").first.click()
        ben.get_by_role("button", name=re.compile("^Save and")).first.click()
        ben.wait_for_url(lambda url, current=current: url != current)
    ben.get_by_role("button", name="Submit my answers").click()
    ben.wait_for_url(f"{base_url}/fill")
    watch.check(ben, "fill-home-submitted-360")
    # The dropped save was made again once online: Q1 is 4.
    ben.goto(f"{base_url}/fill/project~standardize")
    assert "4 · Fully in place" in ben.locator("#q-PRJ-STD-01-Q1").text_content()

    # The PMO: progress, a CSRF-less post, close, the report.
    pmo.goto(assessment_url)
    rows = pmo.locator("tr[data-respondent]")
    assert rows.count() == 2
    assert all("Yes" in rows.nth(n).text_content() for n in range(2))
    forged = pmo.request.post(
        f"{assessment_url}/respondents", form={"name": "Mallory"}, max_redirects=0
    )
    assert forged.status == 403
    pmo.reload()
    assert pmo.locator("tr[data-respondent]").count() == 2
    pmo.get_by_role("link", name="Close the assessment…").click()
    watch.check(pmo, "console-close")
    pmo.get_by_role("button", name="Close and score the assessment").click()
    pmo.wait_for_url(assessment_url)
    assert pmo.locator(".pill.closed").count() == 1
    pmo.get_by_role("link", name=re.compile("^Report")).click()
    pmo.wait_for_load_state()
    assert pmo.locator("#summary").is_visible()
    pmo.goto(f"{base_url}/console/northwind/organization")
    watch.check(pmo, "console-organization")

    # A reader key: everything to see, nothing to change.
    reader_context, reader = _context(browser, watch, viewport={"width": 1180, "height": 900})
    _sign_in(reader, base_url, reader_key)
    reader.goto(assessment_url)
    assert reader.locator("form[method=post]").count() == 1  # sign out
    watch.check(reader, "console-assessment-reader")

    for context in (pmo_context, ana_context, ben_context, reader_context):
        context.close()
    watch.assert_clean()
