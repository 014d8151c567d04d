"""The report pages in a real browser: Debian's Chromium driven by Playwright (issues 7, 10).

The app is served by uvicorn on 127.0.0.1 (a free port) over a migrated SQLite file, filled
over HTTP with the built-in `opm3-style` questionnaire and three respondents. The first
assessment (2025) is stored as scoring version "1" had stored it, as if it had closed before
version "2"; the second (2026) leaves the portfolio domain out of its scope. The browser opens
share links as an executive would (no key): every request it makes must go to the app, and the
page must show the score card's numbers. Screenshots land in `tests/api/artifacts/` (not in git).
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import text

from api.core.config import Settings
from api.render.charts import decimal, percent
from api.storage.db import make_engine
from api.storage.migrate import upgrade
from questionnaires import builtin_directory, load_file
from scoring import ScoreCard, ScoreCardV2, read_card

from ...samples import DATA
from ...scoring.version_1 import version_1_card
from ...scoring.version_2 import version_2_card
from ..databases import ADMIN_KEY
from ..live_server import serve

pytestmark = pytest.mark.browser

QUESTIONNAIRE = "opm3-style"
DOMAIN_BASE = {"project": 3.7, "program": 2.9, "portfolio": 2.2}
STAGE_STEP = 0.8


SCOPE_2026 = ["project", "program"]


@pytest.fixture(scope="module")
def browser_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'opm.db'}"
    upgrade(database_url)
    return database_url


@pytest.fixture(scope="module")
def base_url(browser_database: str) -> Iterator[str]:
    """The app, served by uvicorn in a background thread on the migrated SQLite file."""
    settings = Settings(
        database_url=browser_database, admin_key=ADMIN_KEY, questionnaire_dirs=[DATA]
    )
    with serve(settings) as url:
        yield url


def _store_as_version_1(database_url: str, assessment: str) -> None:
    """Replace a closed assessment's card by the one scoring version "1" stored for it, with
    the baseline of its close context (its own indexes: it is the first) as stored then."""
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            stored, context = connection.execute(
                text("SELECT score_card, close_context FROM assessment WHERE id = :id"),
                {"id": assessment},
            ).one()
            card = read_card(stored)
            assert isinstance(card, ScoreCard)
            version = card.questionnaire.version
            questionnaire = load_file(builtin_directory() / f"{QUESTIONNAIRE}-{version}.yaml")
            answers = connection.execute(
                text(
                    "SELECT respondent_id, question_id, value, not_applicable FROM answer"
                    " WHERE assessment_id = :id"
                ),
                {"id": assessment},
            ).all()
            as_version_2 = ScoreCardV2.model_validate(
                version_2_card(questionnaire.questionnaire, answers)
            )
            old = version_1_card(as_version_2, questionnaire.questionnaire)
            context = json.loads(context) if isinstance(context, str) else context
            context["baseline"]["domains"] = {d.id: d.index for d in old.domains if d.assessed}
            connection.execute(
                text(
                    "UPDATE assessment SET score_card = :card, scoring_version = '1', "
                    "close_context = :context WHERE id = :id"
                ),
                {"card": old.model_dump_json(), "context": json.dumps(context), "id": assessment},
            )
    finally:
        engine.dispose()


def _value(
    domain: str | None, stage_position: int, practice: int, question: int, respondent: int
) -> int:
    """A deterministic answer: project ahead of program ahead of portfolio, later stages lower,
    practices of one cell apart, respondents somewhat apart."""
    if question % 23 == 0:  # a few questions where views differ sharply
        return (4, 0, 1)[respondent]
    practice_offset = ((practice * 13) % 7 - 3) * 0.55
    respondent_spread = ((question * 37 + respondent * 11) % 5 - 2) * 0.4
    if domain is None:
        raw = 2.6 + practice_offset + respondent_spread
    else:
        raw = DOMAIN_BASE[domain] - STAGE_STEP * stage_position + practice_offset
        raw += respondent_spread
    return max(0, min(4, round(raw)))


@dataclass(frozen=True)
class Scene:
    base_url: str
    slug: str
    owner: dict[str, str]
    closed: list[str]
    report_link: str  # 2026
    overview_link: str
    version_1_link: str  # 2025, stored by scoring version "1"


def _answer_all(
    http: httpx.Client,
    owner: dict[str, str],
    slug: str,
    assessment: str,
    shift: int,
) -> None:
    # The assessment's own questionnaire version, its best practices outside the scope left out.
    questionnaire = http.get(
        f"/v1/organizations/{slug}/assessments/{assessment}/questionnaire", headers=owner
    ).json()
    stages = [stage["id"] for stage in questionnaire["stages"]]
    for respondent_index, (name, role) in enumerate(
        [("Ana Souza", "PMO lead"), ("Ben Okafor", "Portfolio manager"), ("Chloé Martin", None)]
    ):
        respondent = http.post(
            f"/v1/organizations/{slug}/assessments/{assessment}/respondents",
            json={"name": name, "role": role},
            headers=owner,
        ).json()
        items: list[dict[str, Any]] = []
        question_index = 0
        for practice_index, practice in enumerate(questionnaire["best_practices"]):
            position = stages.index(practice["stage"]) if practice.get("stage") else 0
            for question in practice["questions"]:
                question_index += 1
                value = _value(
                    practice.get("domain"),
                    position,
                    practice_index,
                    question_index,
                    respondent_index,
                )
                items.append({"question_id": question["id"], "value": min(4, value + shift)})
        if respondent_index == 0:
            items[0]["comment"] = "Our method handbook v3 covers this; <b>see</b> the intranet."
            items[0]["evidence"] = ["https://intranet.example.org/pm-handbook", "Audit 2025"]
        if respondent_index == 1:
            items[22]["comment"] = "Only the two largest programs do this so far."
        saved = http.patch(
            f"/v1/organizations/{slug}/assessments/{assessment}/respondents/"
            f"{respondent['id']}/answers",
            json={"answers": items},
            headers=owner,
        )
        assert saved.status_code == 200, saved.text


@pytest.fixture(scope="module")
def scene(base_url: str, browser_database: str) -> Scene:
    """Two closed assessments a year apart (the first on the questionnaire's version 1.0.0,
    stored by scoring version "1"; the second on its newest version, without portfolio in its
    scope), targets, and share links to a report (2026), the overview and a report (2025)."""
    with httpx.Client(base_url=base_url, timeout=30) as http:
        admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
        profile = {
            "industry": "Energy utilities",
            "size": "5,000+ employees",
            "pmo": {
                "exists": True,
                "type": "supportive",
                "permanence": "permanent",
                "scope": "program",
            },
        }
        org = http.post(
            "/v1/organizations",
            json={"name": "Northwind Énergie", "profile": profile},
            headers=admin,
        ).json()
        owner = {"Authorization": f"Bearer {org['api_key']}"}
        slug = org["slug"]
        targets = {"domains": {"project": 3, "program": 2, "portfolio": 2}}
        http.put(f"/v1/organizations/{slug}/targets/{QUESTIONNAIRE}", json=targets, headers=owner)
        closed = []
        for period, end, shift, rigor, scope, version in (
            ("2025", "2025-12-31", 0, "self", None, "1.0.0"),
            ("2026", "2026-12-31", 1, "facilitated", SCOPE_2026, None),
        ):
            assessment = http.post(
                f"/v1/organizations/{slug}/assessments",
                json={
                    "questionnaire_key": QUESTIONNAIRE,
                    "questionnaire_version": version,
                    "title": f"OPM maturity {period}",
                    "period": period,
                    "period_end": end,
                    "rigor": rigor,
                    **({"scope": scope} if scope else {}),
                },
                headers=owner,
            ).json()["id"]
            _answer_all(http, owner, slug, assessment, shift)
            closing = http.post(
                f"/v1/organizations/{slug}/assessments/{assessment}/close", headers=owner
            )
            assert closing.status_code == 200, closing.text
            closed.append(assessment)
        _store_as_version_1(browser_database, closed[0])
        links = [
            http.post(
                f"/v1/organizations/{slug}/share-links",
                json={**target, "expires_in_days": 30},
                headers=owner,
            ).json()["url"]
            for target in (
                {"assessment_id": closed[-1]},
                {"questionnaire_key": QUESTIONNAIRE},
                {"assessment_id": closed[0]},
            )
        ]
    return Scene(base_url, slug, owner, closed, links[0], links[1], links[2])


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1180, "height": 900}, locale="en-GB")
    try:
        yield context.new_page()
    finally:
        context.close()


def _record_requests(page: Any) -> list[str]:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    return requested


def _card(scene: Scene, assessment: str) -> dict[str, Any]:
    with httpx.Client(base_url=scene.base_url) as http:
        path = f"/v1/organizations/{scene.slug}/assessments/{assessment}/report"
        card: dict[str, Any] = http.get(path, headers=scene.owner).json()["score_card"]
        return card


def _screenshots(page: Any, artifacts: Path, name: str) -> None:
    """The whole page, and its top (header to the enablers) at a size one can read."""
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    bottom = page.locator("#context").bounding_box()
    if bottom is not None:
        clip = {"x": 0, "y": 0, "width": 1180, "height": bottom["y"]}
        page.screenshot(path=str(artifacts / f"{name}-top.png"), clip=clip, full_page=True)


def test_a_shared_report_shows_the_score_cards_numbers(
    page: Any, scene: Scene, artifacts: Path
) -> None:
    requested = _record_requests(page)
    response = page.goto(scene.report_link)
    assert response.status == 200
    assert page.title().startswith("Northwind Énergie · OPM maturity 2026")
    card = _card(scene, scene.closed[-1])
    assert card["scoring_version"] == "3" and card["scope"] == SCOPE_2026
    for domain in card["domains"]:
        if not domain["in_scope"]:
            continue
        tile = page.locator(f'#domain-tiles .tile[data-domain="{domain["id"]}"]')
        assert tile.locator(".value").text_content() == f"Level {domain['level']}"
        assert tile.locator(".index strong").text_content() == decimal(domain["index"])
        for stage in domain["stages"]:
            shown = page.locator(
                f'g.cell[data-domain="{domain["id"]}"][data-stage="{stage["id"]}"]'
            )
            assert shown.locator("text.value").text_content() == percent(stage["progress"])
            assert shown.locator("text.attained").text_content() == (
                f"{stage['practices_attained']} of {stage['practices_assessed']} attained"
            )
        row = page.locator(f'#domain-table tr[data-domain="{domain["id"]}"] td')
        assert row.nth(2).text_content() == decimal(domain["index"])
        assert row.nth(3).text_content() == percent(domain["progress"])
    # Portfolio is outside the scope: named, never drawn.
    portfolio = page.locator('#domain-tiles .tile[data-domain="portfolio"]')
    assert "not in this assessment's scope" in portfolio.text_content()
    assert (
        page.locator('g.cell[data-domain="portfolio"], rect.bar[data-domain="portfolio"]').count()
        == 0
    )
    assert (
        "not in this assessment's scope"
        in page.locator('#chart-heatmap g.domain[data-domain="portfolio"]').text_content()
    )
    overall = card["overall"]
    assert page.locator("#overall .label").text_content() == "Overall: weakest domain in scope"
    assert page.locator("#overall .value").text_content() == f"Level {overall['level']}"
    assert f"index {decimal(overall['index'])}" in page.locator("#overall").text_content()
    assert page.locator("#overall-progress .value").text_content() == percent(overall["progress"])
    for enabler in card["enablers"]:
        bar = page.locator(f'#enablers g.enabler[data-enabler="{enabler["id"]}"]')
        assert bar.locator("tspan.value").text_content() == percent(enabler["progress"])
        assert bar.locator("tspan.attained").text_content() == (
            f" · {enabler['practices_attained']} of {enabler['practices_assessed']} attained"
        )
    gaps = page.locator("#gaps tbody tr")
    assert gaps.count() == len(card["gaps"])
    assert page.locator("#gaps td.how-close").count() == len(card["gaps"])
    assert page.locator("#appendix tr[data-question]").count() == sum(
        len(practice["questions"]) for practice in card["best_practices"]
    )
    for section in ("#summary", "#chart-heatmap", "#chart-levels", "#chart-enablers", "#gaps"):
        assert page.locator(section).is_visible(), section
    assert page.locator("#provisional").count() == 0
    assert page.locator("#scoring-version-note").count() == 0
    assert page.locator("svg.chart[role=img] > title").count() == 3
    _screenshots(page, artifacts, "report")
    own = urlsplit(scene.base_url).netloc
    assert requested and all(urlsplit(url).netloc == own for url in requested), requested


def test_a_report_stored_by_scoring_version_1_shows_its_stored_numbers(
    page: Any, scene: Scene, artifacts: Path
) -> None:
    assert page.goto(scene.version_1_link).status == 200
    card = _card(scene, scene.closed[0])
    assert card["scoring_version"] == "1"
    note = page.locator("#scoring-version-note")
    assert note.is_visible() and "Scored with scoring version 1." in note.text_content()
    for domain in card["domains"]:
        for stage in domain["stages"]:
            shown = page.locator(
                f'g.cell[data-domain="{domain["id"]}"][data-stage="{stage["id"]}"] text.value'
            )
            assert shown.text_content() == percent(stage["attainment"]), (domain["id"], stage)
        tile = page.locator(f'#domain-tiles .tile[data-domain="{domain["id"]}"]')
        assert tile.locator(".index strong").text_content() == decimal(domain["index"])
    assert page.locator("#overall-attainment .value").text_content() == percent(
        card["overall"]["attainment"]
    )
    assert page.locator("#gaps td.how-close").count() == 0
    _screenshots(page, artifacts, "report-version-1")


def test_the_report_prints_to_a4_with_charts_and_rows_kept_whole(
    page: Any, scene: Scene, artifacts: Path
) -> None:
    page.goto(scene.report_link)
    page.emulate_media(media="print")
    for selector in ("svg.chart", "#gaps tbody tr", "figure"):
        style = page.locator(selector).first.evaluate("e => getComputedStyle(e).breakInside")
        assert style == "avoid", selector
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page") > 2
    if os.environ.get("OPM_KEEP_PDF"):
        (artifacts / "report.pdf").write_bytes(pdf)


def test_a_shared_overview_leads_to_shared_reports(
    page: Any, scene: Scene, artifacts: Path
) -> None:
    requested = _record_requests(page)
    assert page.goto(scene.overview_link).status == 200
    rows = page.locator("#points tbody tr")
    assert rows.count() == 2
    assert "rescored from scoring version 1" in rows.nth(0).text_content()
    assert "rescored" not in rows.nth(1).text_content()
    assert rows.nth(1).locator('td[data-domain="portfolio"]').text_content() == "not in scope"
    assert page.locator("circle.point[data-series=overall]").count() == 2
    assert page.locator("circle.point[data-series=portfolio]").count() == 1
    page.screenshot(path=str(artifacts / "overview.png"), full_page=True)
    page.locator("#points a").first.click()
    page.wait_for_load_state()
    assert page.url == f"{scene.overview_link}/assessments/{scene.closed[0]}"
    assert page.locator("h1").text_content() == "Northwind Énergie"
    assert "OPM maturity 2025" in page.locator(".subtitle").text_content()
    own = urlsplit(scene.base_url).netloc
    assert all(urlsplit(url).netloc == own for url in requested), requested


def test_a_browser_with_a_key_gets_the_page_by_its_accept_header(
    browser: Any, scene: Scene
) -> None:
    context = browser.new_context(extra_http_headers=scene.owner)
    try:
        page = context.new_page()
        path = f"/v1/organizations/{scene.slug}/assessments/{scene.closed[0]}/report"
        response = page.goto(scene.base_url + path)
        assert response.status == 200
        assert response.headers["content-type"].startswith("text/html")
        assert page.locator("#chart-heatmap").is_visible()
    finally:
        context.close()


# Issue 25: the first screen on a phone and on a desktop, landmarks, printing


PHONE, DESKTOP = 360, 1280


def _overflow(page: Any) -> int:
    """How far the page lays out beyond the viewport's width, in CSS pixels."""
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width - page.viewport_size["width"]


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_report_and_the_overview_do_not_scroll_sideways(
    browser: Any, scene: Scene, artifacts: Path, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="en-GB")
    try:
        page = context.new_page()
        for name, link in (("report", scene.report_link), ("overview", scene.overview_link)):
            assert page.goto(link).status == 200
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            page.screenshot(path=str(artifacts / f"{name}-first-screen-{width}.png"))
        # A wide table scrolls inside its own box, which a keyboard can reach and names.
        page.goto(scene.report_link)
        boxes = page.locator("div.scroll")
        assert boxes.count() >= 3
        for position in range(boxes.count()):
            box = boxes.nth(position)
            assert box.get_attribute("tabindex") == "0" and box.get_attribute("aria-label")
            assert box.evaluate("e => getComputedStyle(e).overflowX") == "auto"
        if width == PHONE:
            domain_table = page.locator("div.scroll:has(> #domain-table)")
            assert domain_table.evaluate("e => e.scrollWidth > e.clientWidth")
    finally:
        context.close()


def test_the_first_screen_leads_with_the_headline_and_each_domains_change(
    page: Any, scene: Scene
) -> None:
    assert page.goto(scene.report_link).status == 200
    headline = page.locator("#headline")
    assert headline.is_visible() and headline.bounding_box()["y"] < 400
    card = _card(scene, scene.closed[-1])
    for domain in card["domains"]:
        line = page.locator(f'#levels li[data-domain="{domain["id"]}"]')
        if not domain["in_scope"]:
            assert "Not in this assessment's scope." in line.text_content()
            continue
        assert line.locator("strong.level").text_content() == str(domain["level"])
        assert line.locator("strong.index").text_content() == decimal(domain["index"])
        assert line.locator(".change .what").text_content() == "Since 2025"
    facts = page.locator("#facts").bounding_box()
    assert facts is not None and facts["y"] > page.locator("#next-steps").bounding_box()["y"]


def test_axe_finds_no_landmark_or_serious_issue_on_the_report_and_overview(
    page: Any, scene: Scene
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for link in (scene.report_link, scene.overview_link):
        page.goto(link)
        for violation in Axe().run(page).response["violations"]:
            landmark = violation["id"].startswith("landmark") or violation["id"] == "region"
            if landmark or violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:3]
                found.append(f"{link}: {violation['id']} ({violation['impact']}) {targets}")
    assert not found, "\n".join(found)


def test_the_printed_page_leaves_the_appendix_out_unless_asked(page: Any, scene: Scene) -> None:
    page.goto(scene.report_link)
    page.emulate_media(media="print")
    appendix = page.locator("#appendix")
    assert appendix.evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator("thead").first.evaluate("e => getComputedStyle(e).display") == (
        "table-header-group"
    )
    for heading in ("h2", "#levels-heading", "h3"):
        style = page.locator(heading).first.evaluate("e => getComputedStyle(e).breakAfter")
        assert style == "avoid", heading
    short = len(PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
    page.emulate_media(media="screen")
    page.locator("#print-appendix").check()
    page.emulate_media(media="print")
    assert appendix.evaluate("e => getComputedStyle(e).display") == "block"
    full = len(PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
    assert full > short + 5, (short, full)


def test_the_executive_summary_pdf_has_the_headline_on_at_most_three_pages(
    page: Any, scene: Scene, artifacts: Path
) -> None:
    page.goto(scene.report_link)
    headline = " ".join(page.locator("#headline").text_content().split())
    with httpx.Client(base_url=scene.base_url, timeout=60) as http:
        path = f"/v1/organizations/{scene.slug}/assessments/{scene.closed[-1]}/report"
        response = http.get(path, params={"format": "pdf"}, headers=scene.owner)
    assert response.status_code == 200
    (artifacts / "report-summary.pdf").write_bytes(response.content)
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) <= 3
    assert headline in " ".join(" ".join(p.extract_text() for p in pages).split())
