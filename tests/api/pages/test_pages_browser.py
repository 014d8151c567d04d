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
def pages_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The story's database (a fixture of its own: the tests write some rows straight in)."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'opm.db'}"
    upgrade(database_url)
    return database_url


@pytest.fixture(scope="module")
def base_url(pages_database: str) -> Iterator[str]:
    settings = Settings(database_url=pages_database, admin_key=ADMIN_KEY, questionnaire_dirs=[DATA])
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
            "fieldset.question", "es => es.map(e => e.querySelector('input[type=radio]').name)"
        )
        for name in names:
            _tab_to(page, f"e => e.name === {name!r}")
            # From the scale's first choice, back round the group to "Don't know".
            while page.evaluate("document.activeElement.value") != "dk":
                page.keyboard.press("ArrowLeft")
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
    ben.locator("#q-PRJ-STD-01-Q1 summary", has_text="Add a comment or evidence").click()
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
    status.filter(has_text="Offline: your answers are kept and will be sent").wait_for()
    assert ben.locator("#v-PRJ-STD-01-Q1-4").is_checked()
    ben_context.set_offline(False)
    ben.get_by_role("button", name=re.compile("^Save and next")).click()
    ben.wait_for_url(re.compile("/fill/project~measure"))
    while "/fill/" in ben.url and not ben.url.endswith("/submit"):
        current = ben.url
        for radio in ben.locator("fieldset.question").all():
            radio.locator("label.choice").first.click()
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


# The respondent's pages made light (issue 24), at a phone's width and a desktop's.

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
WIDTHS = {"360": PHONE, "1280": DESKTOP}
MESSAGE = "We assess how we run projects, to choose what to improve next year."
CONTACT = "Ann Lee <ann.lee@example.org>"


@dataclass
class Invited:
    """One respondent of a new assessment: its invitation link and where its answers are read."""

    link: str
    answers: str  # the JSON API's path of its answers
    owner: dict[str, str]

    def read(self, base_url: str) -> dict[str, dict[str, Any]]:
        """Its saved answers by question id, read back through the JSON API."""
        import httpx

        response = httpx.get(f"{base_url}{self.answers}", headers=self.owner)
        assert response.status_code == 200, response.text
        return {answer["question_id"]: answer for answer in response.json()["answers"]}


def _invite(
    base_url: str,
    pages_database: str,
    organization: str,
    *,
    questionnaire: tuple[str, str] = ("opm3-style", "2.1.0"),
    scope: list[str] | None = None,
    **assessment_row: Any,
) -> Invited:
    """An assessment with one respondent; `assessment_row` written straight into its row."""
    import httpx
    from sqlalchemy import create_engine
    from sqlmodel import Session

    from api.storage.tables import AssessmentRow

    with httpx.Client(base_url=f"{base_url}/v1") as http:
        admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
        org = http.post("/organizations", json={"name": organization}, headers=admin).json()
        owner = {"Authorization": f"Bearer {org['api_key']}"}
        key, version = questionnaire
        body: dict[str, Any] = {
            "questionnaire_key": key,
            "questionnaire_version": version,
            "title": "OPM maturity 2026",
        }
        if scope is not None:
            body["scope"] = scope
        path = f"/organizations/{org['slug']}/assessments"
        assessment = http.post(path, json=body, headers=owner).json()
        path = f"{path}/{assessment['id']}/respondents"
        respondent = http.post(
            path, json={"name": "Ana Souza", "role": "Project manager"}, headers=owner
        ).json()
    if assessment_row:
        engine = create_engine(pages_database)
        with Session(engine) as session:
            row = session.get(AssessmentRow, assessment["id"])
            assert row is not None
            for name, value in assessment_row.items():
                setattr(row, name, value)
            session.commit()
        engine.dispose()
    return Invited(
        link=f"{base_url}/a/{respondent['token']}",
        answers=f"/v1{path}/{respondent['id']}/answers",
        owner=owner,
    )


def _in_viewport(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return bool(
        box
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
    )


def _saved(page: Any) -> None:
    """Wait until the save state says the answers reached the server."""
    page.locator("[data-autosave-status][data-state=saved]", has_text="Saved at").wait_for()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_first_page_says_what_who_when_and_how_long_with_start_above_the_fold(
    browser: Any, base_url: str, pages_database: str, watch: Watch, width: str
) -> None:
    from datetime import date

    invited = _invite(
        base_url,
        pages_database,
        f"First page {width}",
        message=MESSAGE,
        contact=CONTACT,
        due_date=date(2026, 12, 18),
    )
    context, page = _context(browser, watch, **WIDTHS[width])
    page.goto(invited.link)
    main = page.locator("main")
    assert "First page" in main.text_content()
    assert page.get_by_role("heading", level=1).text_content() == "OPM maturity 2026"
    glance = page.locator("#at-a-glance").text_content()
    assert "238 questions" in glance and "about 60 minutes" in glance  # 238 x 15 s
    assert "Friday 18 December 2026" in glance
    assert MESSAGE in main.text_content()
    mail = page.get_by_role("link", name=CONTACT)
    assert mail.get_attribute("href") == "mailto:ann.lee@example.org"
    assert "15 seconds a question" in page.locator("#estimate").text_content()
    start = page.get_by_role("link", name="Start", exact=True)
    assert _in_viewport(page, start), start.bounding_box()
    # The guidance is folded: its sampling rules are not read before Start.
    guidance = page.locator("details#guidance")
    assert guidance.get_attribute("open") is None
    assert not page.get_by_text("Sampling, in facilitated").is_visible()
    # Tab: the skip link, Leave, then Start.
    presses = 0
    while page.evaluate("document.activeElement.textContent") != "Start":
        page.keyboard.press("Tab")
        presses += 1
        assert presses < 10, "Start is far down the Tab order"
    watch.check(page, f"fill-home-{width}")
    page.screenshot(path=str(watch.artifacts / f"pages-fill-home-{width}-first-screen.png"))
    start.click()
    page.wait_for_url(re.compile("/fill/project~standardize$"))
    page.goto(f"{base_url}/fill")
    assert page.get_by_role("link", name="Continue where you left off").count() == 0  # none yet
    context.close()
    watch.assert_clean()


SECTIONS = ("project~standardize", "program~control", "structural")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_section_is_a_row_of_choices_a_question_one_tab_stop_each_and_saves_in_view(
    browser: Any, base_url: str, pages_database: str, watch: Watch, width: str
) -> None:
    invited = _invite(base_url, pages_database, f"Compact {width}")
    context, page = _context(browser, watch, **WIDTHS[width])
    page.goto(invited.link)
    for section in SECTIONS:
        page.goto(f"{base_url}/fill/{section}")
        assert page.evaluate("document.documentElement.scrollWidth") <= int(width)
        # Help and comment closed; every question at most 250 px tall, also at 360 px.
        assert page.locator("fieldset.question details[open]").count() == 0
        heights = page.eval_on_selector_all(
            "fieldset.question", "es => es.map(e => [e.id, e.getBoundingClientRect().height])"
        )
        assert heights
        assert all(height <= 250 for _, height in heights), heights
        # Each question's choices: the five of the scale, then "don't know" apart from them.
        first = page.locator("fieldset.question").first
        assert first.locator(".scale-choices label.choice").count() == 5
        assert first.locator(".other-choices label.choice", has_text="Don't know").count() == 1
        # The keyboard: one Tab stop a question, from the first question's choices to the
        # section's "Save and next" (past the Save of the save bar).
        ids = [fieldset_id for fieldset_id, _ in heights]
        page.locator(f"#{ids[0]} input[type=radio]").first.focus()
        stops = []
        while True:
            page.keyboard.press("Tab")
            stop = page.evaluate(
                "(e => e.closest('fieldset[data-question]')?.id"
                " || (e.tagName + ':' + (e.value || e.textContent)))(document.activeElement)"
            )
            stops.append(stop)
            if stop == "BUTTON:next":
                break
            assert len(stops) <= len(ids) + 2, stops
        assert stops == [*ids[1:], "BUTTON:stay", "BUTTON:next"]
    # Answers: a digit on the focused question, "don't know" by a tap or click.
    page.goto(f"{base_url}/fill/project~standardize")
    questions = page.locator("fieldset.question")
    first_id = questions.nth(0).get_attribute("data-question")
    second_id = questions.nth(1).get_attribute("data-question")
    questions.nth(0).locator("input[type=radio]").first.focus()
    page.keyboard.press("2")
    status = page.locator("[data-autosave-status]")
    _saved(page)
    assert _in_viewport(page, status), "the save state is out of view"
    assert "1 of" in page.locator("[data-progress=section]").text_content()
    questions.nth(1).scroll_into_view_if_needed()
    page.locator(f"label[for='v-{second_id}-dk']").click()
    assert status.get_attribute("data-state") == "saving"  # the click's change, on its way
    _saved(page)
    assert _in_viewport(page, status)
    assert _in_viewport(page, page.locator("[data-progress=section]"))
    page.screenshot(path=str(watch.artifacts / f"pages-fill-section-{width}-first-screen.png"))
    # From a question's choices: C to its comment, H to its help, Esc back; never a trap.
    fourth = questions.nth(3)
    fourth_id = fourth.get_attribute("data-question")
    fourth.locator("input[type=radio]").first.focus()
    active = "document.activeElement.name || document.activeElement.id"
    page.keyboard.press("c")
    assert page.evaluate(active) == f"comment:{fourth_id}"
    page.keyboard.type("From the PMO handbook.")
    page.keyboard.press("Tab")
    assert page.evaluate(active) == f"evidence:{fourth_id}"
    page.keyboard.press("Escape")
    assert page.evaluate(active) == f"value:{fourth_id}"
    page.keyboard.press("h")
    assert fourth.locator("details.more-help").get_attribute("open") is not None
    page.keyboard.press("Escape")
    assert fourth.locator("details.more-help").get_attribute("open") is None
    assert page.evaluate(active) == f"value:{fourth_id}"
    _saved(page)
    assert invited.read(base_url)[fourth_id]["comment"] == "From the PMO handbook."
    # axe with a question's help and comment open too.
    questions.nth(2).locator("summary", has_text="Help").click()
    questions.nth(2).locator("summary", has_text="Add a comment or evidence").click()
    assert questions.nth(2).get_by_role("button", name=re.compile("^Clear my answer")).is_visible()
    watch.check(page, f"fill-section-{width}")
    saved = invited.read(base_url)
    assert saved[first_id]["value"] == 2
    dont_know = saved[second_id]
    assert (dont_know["value"], dont_know["dont_know"], dont_know["not_applicable"]) == (
        None,
        True,
        False,
    )
    context.close()
    watch.assert_clean()


def test_the_review_links_each_unanswered_question_and_lists_dont_know_apart(
    browser: Any, base_url: str, pages_database: str, watch: Watch
) -> None:
    import httpx

    invited = _invite(base_url, pages_database, "Review", scope=["project"])
    done = {"PRJ-STD-01-Q2": {"value": 3}, "PRJ-STD-01-Q3": {"dont_know": True}}
    items = [{"question_id": q, **answer} for q, answer in done.items()]
    patched = httpx.patch(
        f"{base_url}{invited.answers}", json={"answers": items}, headers=invited.owner
    )
    assert patched.status_code == 200, patched.text
    context, page = _context(browser, watch, **PHONE)
    page.goto(invited.link)
    page.goto(f"{base_url}/fill/submit")
    # Submit in the first screen, above the lists.
    assert _in_viewport(page, page.get_by_role("button", name="Submit my answers"))
    unanswered = page.locator("section.unanswered a[href*='#q-']")
    hrefs = unanswered.evaluate_all("es => es.map(e => e.getAttribute('href'))")
    known = page.locator("section.dont-know a[href*='#q-']")
    assert known.evaluate_all("es => es.map(e => e.getAttribute('href'))") == [
        "/fill/project~standardize#q-PRJ-STD-01-Q3"
    ]
    targets: dict[str, list[str]] = {}
    for href in hrefs:
        found = re.fullmatch(r"/fill/([^#]+)#q-(.+)", href)
        assert found, href
        targets.setdefault(found.group(1), []).append(found.group(2))
    ids = [q for section in targets.values() for q in section]
    assert "PRJ-STD-01-Q2" not in ids and "PRJ-STD-01-Q3" not in ids
    assert len(ids) == len(set(ids))
    counted = httpx.get(f"{base_url}{invited.answers}", headers=invited.owner).json()["progress"]
    assert len(ids) == counted["unanswered"]
    watch.check(page, "fill-review-360")
    # Every link reaches its question: each section holds each target once.
    for section, question_ids in targets.items():
        page.goto(f"{base_url}/fill/{section}")
        present = page.eval_on_selector_all(
            "fieldset.question", "es => es.map(e => e.getAttribute('data-question'))"
        )
        assert set(question_ids) <= set(present), section
        assert set(present) - set(question_ids) <= set(done), section
    # Followed, a link shows its question and gives its choices the focus.
    page.goto(f"{base_url}/fill/submit")
    link = unanswered.nth(7)
    target = link.get_attribute("href").split("#")[1]
    link.click()
    page.wait_for_url(re.compile(f"#{re.escape(target)}$"))
    assert _in_viewport(page, page.locator(f"#{target} legend"))
    focused = page.evaluate("document.activeElement.closest('fieldset')?.id")
    assert focused == target
    context.close()
    watch.assert_clean()


def test_without_javascript_each_section_is_a_form_post(
    browser: Any, base_url: str, pages_database: str, watch: Watch
) -> None:
    invited = _invite(base_url, pages_database, "No script", questionnaire=("test-q", "1.0.0"))
    context, page = _context(browser, watch, java_script_enabled=False, **PHONE)
    page.goto(invited.link)
    page.get_by_role("link", name="Start", exact=True).click()
    page.wait_for_url(re.compile("/fill/project~standardize$"))
    assert page.locator("[data-autosave-status]").text_content() == "Saved"
    assert page.get_by_text("Press Save to keep your changes.").is_visible()
    page.locator("label[for='v-PRJ-STD-01-Q1-2']").click()
    page.locator("label[for='v-PRJ-STD-01-Q2-dk']").click()
    page.locator("#q-PRJ-STD-01-Q2 summary", has_text="Add a comment or evidence").click()
    page.locator("#c-PRJ-STD-01-Q2").fill("Nobody could tell me.")
    page.get_by_role("button", name=re.compile("^Save and next")).click()
    page.wait_for_url(re.compile("/fill/project~measure$"))
    saved = invited.read(base_url)
    assert saved["PRJ-STD-01-Q1"]["value"] == 2
    assert saved["PRJ-STD-01-Q2"]["dont_know"] is True
    assert saved["PRJ-STD-01-Q2"]["comment"] == "Nobody could tell me."
    # Back: the comment shows open; "Clear my answer" leaves a question unanswered.
    page.goto(f"{base_url}/fill/project~standardize")
    assert page.locator("#q-PRJ-STD-01-Q2 details.more-note").get_attribute("open") is not None
    assert page.locator("#v-PRJ-STD-01-Q1-2").is_checked()
    page.locator("#q-PRJ-STD-01-Q1 summary", has_text="Add a comment or evidence").click()
    clear = re.compile("^Clear my answer")
    page.locator("#q-PRJ-STD-01-Q1").get_by_role("button", name=clear).click()
    page.wait_for_url(re.compile(r"/fill/project~standardize\?saved=1#q-PRJ-STD-01-Q1$"))
    assert page.locator("#q-PRJ-STD-01-Q1 input:checked").count() == 0
    assert "PRJ-STD-01-Q1" not in invited.read(base_url)
    assert invited.read(base_url)["PRJ-STD-01-Q2"]["dont_know"] is True
    # The Save of the save bar posts the section and stays.
    page.locator("label[for='v-PRJ-STD-01-Q1-4']").click()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"saved=1$"))
    assert invited.read(base_url)["PRJ-STD-01-Q1"]["value"] == 4
    context.close()
    watch.assert_clean()


def test_answers_given_offline_are_kept_and_sent_and_a_failed_save_is_retried(
    browser: Any, base_url: str, pages_database: str, watch: Watch
) -> None:
    invited = _invite(base_url, pages_database, "Offline", questionnaire=("test-q", "1.0.0"))
    context, page = _context(browser, watch, **PHONE)
    page.goto(invited.link)
    section = f"{base_url}/fill/project~standardize"
    page.goto(section)
    status = page.locator("[data-autosave-status]")
    page.locator("label[for='v-PRJ-STD-01-Q1-2']").click()
    _saved(page)
    # The network drops mid-section: the answers wait in the browser, and are said to.
    context.set_offline(True)
    page.locator("label[for='v-PRJ-STD-01-Q2-3']").click()
    status.filter(has_text="Offline: your answers are kept and will be sent").wait_for()
    assert _in_viewport(page, status)
    assert "PRJ-STD-01-Q2" not in invited.read(base_url)
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0  # kept in memory
    context.set_offline(False)
    _saved(page)
    assert invited.read(base_url)["PRJ-STD-01-Q2"]["value"] == 3
    # The server cannot be reached twice: the save is retried until it is.
    failures = []

    def fail_twice(route: Any) -> None:
        if route.request.method == "POST" and len(failures) < 2:
            failures.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route(re.compile(r"/fill/project~standardize$"), fail_twice)
    page.locator("label[for='v-PRJ-STD-01-Q1-4']").click()
    status.filter(has_text="Not saved: retrying").wait_for()
    _saved(page)
    assert len(failures) == 2
    assert invited.read(base_url)["PRJ-STD-01-Q1"]["value"] == 4
    page.unroute(re.compile(r"/fill/project~standardize$"))
    # Offline, then about to leave the page: the browser asks first; staying, they are sent.
    context.set_offline(True)
    page.locator("label[for='v-PRJ-STD-01-Q2-1']").click()
    status.filter(has_text="Offline").wait_for()
    with page.expect_event("dialog") as asked:
        page.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()  # stay on the page
    assert not page.is_closed()
    context.set_offline(False)
    _saved(page)
    assert invited.read(base_url)["PRJ-STD-01-Q2"]["value"] == 1
    # Everything sent: leaving asks nothing.
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.type) or dialog.accept())
    page.goto(f"{base_url}/fill")
    assert dialogs == []
    context.close()
    # The saves the test made fail on purpose are logged by the browser.
    watch.errors = [e for e in watch.errors if "ERR_FAILED" not in e]
    watch.assert_clean()
