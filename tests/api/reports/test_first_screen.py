"""The report's first screen, the page's and the PDF's (issue 25): the headline sentence, each
domain's level and index with what each means and its change since the previous closed
assessment, the next steps; the metadata below; contents, landmarks, the way back to the console;
the executive summary as PDF (at most 3 A4 pages) and the print rules of the full page.

Two closed assessments of `test-q` a year apart (2025, then 2026 with better answers), and an
open one (2027): the figures of the change are exactly the differences between the cards.
"""

from __future__ import annotations

import io
import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import Engine, text

from api.render.first_screen import signed
from api.render.jinja import decimal
from api.schemas import Goal, OrganizationSummary
from api.services.reports import Report, Since
from scoring import compare, score

from ..factories import Headers, close, new_assessment, new_organization, new_respondent, save

SAME_SITE = {"origin": "http://testserver"}
FIRST = dict(PRJ_STD_01_Q1=4, PRJ_STD_01_Q2=3, PRJ_MEA_01_Q1=1, PGM_STD_01_Q1=2, PGM_MEA_01_Q1=0)
SECOND = dict(PRJ_STD_01_Q1=4, PRJ_STD_01_Q2=4, PRJ_MEA_01_Q1=3, PGM_STD_01_Q1=3, PGM_MEA_01_Q1=1)
THIRD = dict(PRJ_STD_01_Q1=2, PRJ_STD_01_Q2=2, PRJ_MEA_01_Q1=1, PGM_STD_01_Q1=3, PGM_MEA_01_Q1=2)


def _assessment(
    client: TestClient, owner: Headers, slug: str, period: str, answers: dict[str, Any]
) -> str:
    assessment = new_assessment(client, owner, slug, title=f"OPM {period}", period=period)["id"]
    respondent, _ = new_respondent(client, owner, slug, assessment, "Ann")
    saved = save(client, owner, slug, assessment, respondent["id"], **answers)
    assert saved.status_code == 200, saved.text
    return str(assessment)


@pytest.fixture
def history(client: TestClient, admin: Headers) -> dict[str, Any]:
    body, owner = new_organization(client, admin, "Northwind")
    slug = body["slug"]
    first = _assessment(client, owner, slug, "2025", FIRST)
    close(client, owner, slug, first)
    second = _assessment(client, owner, slug, "2026", SECOND)
    close(client, owner, slug, second)
    return {"slug": slug, "owner": owner, "first": first, "second": second}


def _get(client: TestClient, history: dict[str, Any], assessment: str, **params: str) -> Any:
    path = f"/v1/organizations/{history['slug']}/assessments/{assessment}/report"
    response = client.get(path, headers=history["owner"], params=params)
    assert response.status_code == 200, response.text
    return response


def _page(client: TestClient, history: dict[str, Any], assessment: str) -> str:
    return str(_get(client, history, assessment, format="html").text)


def _card(client: TestClient, history: dict[str, Any], assessment: str) -> dict[str, Any]:
    card: dict[str, Any] = _get(client, history, assessment).json()["score_card"]
    return card


def _line(html: str, domain: str) -> str:
    match = re.search(rf'<li class="level-line[^"]*" data-domain="{domain}".*?</li>', html, re.S)
    assert match, f"no line for {domain}"
    return unescape(match.group(0))


def _text(fragment: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _headline(html: str) -> str:
    match = re.search(r'<p class="headline" id="headline">(.*?)</p>', html, re.S)
    assert match, "no headline"
    return _text(match.group(1))


def test_each_domains_change_is_the_difference_between_the_two_cards(
    client: TestClient, history: dict[str, Any]
) -> None:
    before = _card(client, history, history["first"])
    after = _card(client, history, history["second"])
    html = _page(client, history, history["second"])
    assert "Change measured from OPM 2025 (closed" in unescape(html)
    for old, new in zip(before["domains"], after["domains"], strict=True):
        line = _line(html, new["id"])
        delta = round(new["index"] - old["index"], 4)
        assert delta != 0  # the scene moves every domain
        assert f'data-index-delta="{delta}"' in line
        assert f'data-level-delta="{new["level"] - old["level"]}"' in line
        shown = _text(line)
        assert f"Level {new['level']} {new['level_name']}" in shown
        assert f"Index {decimal(new['index'])}" in shown
        assert f"Since 2025 {'↑' if delta > 0 else '↓'} {signed(delta)}" in shown
        assert f"index {decimal(old['index'])} → {decimal(new['index'])}" in shown
        if new["level"] != old["level"]:
            assert f"level {old['level']} → {new['level']}" in shown


def test_each_domain_says_what_its_level_and_its_index_mean(
    client: TestClient, history: dict[str, Any]
) -> None:
    html = _page(client, history, history["second"])
    project = _text(_line(html, "project"))
    assert "Achieved in a row: Standardize and Measure." in project
    assert "how far the practices have come, partial credit counted" in project
    assert "Not a level." in project
    program = _text(_line(html, "program"))
    assert "Achieved in a row: Standardize; Measure not yet." in program


def test_the_headline_names_the_weakest_domain_its_change_and_its_next_step(
    client: TestClient, history: dict[str, Any]
) -> None:
    before = _card(client, history, history["first"])
    after = _card(client, history, history["second"])
    weakest = next(d for d in after["domains"] if d["index"] == after["overall"]["index"])
    old = next(d for d in before["domains"] if d["id"] == weakest["id"])
    headline = _headline(_page(client, history, history["second"]))
    step = weakest["next_level"]
    assert headline == (
        f"{weakest['name']}, the weakest domain in scope, stands at level {weakest['level']} "
        f"({weakest['level_name']}), index {decimal(weakest['index'])} of 2. Its index rose "
        f"{decimal(weakest['index'] - old['index'])} since 2025 (level {old['level']} → "
        f"{weakest['level']}). Next: attain {step['needed']} more Measure best practice in "
        f"{weakest['name']} for level {step['level']}."
    )


def test_the_next_steps_follow_the_domains_weakest_first(
    client: TestClient, history: dict[str, Any]
) -> None:
    html = _page(client, history, history["second"])
    steps = re.search(r'<ol class="next-steps" id="next-steps">(.*?)</ol>', html, re.S)
    assert steps
    items = re.findall(r'<li data-domain="(\w+)">', steps.group(1))
    assert items == ["program", "project"]
    shown = _text(steps.group(1))
    assert "Program: attain 1 more Measure best practice to reach level 2:" in shown
    assert "PGM-MEA-01" in shown
    assert "Project: every stage is achieved; keep it so." in shown


def test_the_first_assessment_says_so(client: TestClient, history: dict[str, Any]) -> None:
    html = _page(client, history, history["first"])
    assert "This is the first assessment." in _headline(html)
    for domain in ("project", "program"):
        assert "Since last time first assessment" in _text(_line(html, domain))
    assert 'id="since"' not in html


def test_an_open_assessment_is_compared_with_the_newest_closed_one(
    client: TestClient, history: dict[str, Any]
) -> None:
    third = _assessment(client, history["owner"], history["slug"], "2027", THIRD)
    before = _card(client, history, history["second"])
    now = _card(client, history, third)
    html = _page(client, history, third)
    assert "Change measured from OPM 2026 (closed" in unescape(html)
    for old, new in zip(before["domains"], now["domains"], strict=True):
        delta = round(new["index"] - old["index"], 4)
        assert f'data-index-delta="{delta}"' in _line(html, new["id"])
    falling = _text(_line(html, "project"))
    assert "Since 2026 ↓ \u2212" in falling


def test_the_close_stores_the_assessment_before_it_in_trend_order(
    client: TestClient, history: dict[str, Any]
) -> None:
    def previous(assessment: str) -> Any:
        path = f"/v1/organizations/{history['slug']}/assessments/{assessment}/export"
        exported = client.get(path, headers=history["owner"]).json()
        return exported["assessments"][0]["close_context"]["previous"]

    assert previous(history["first"]) is None
    assert previous(history["second"]) == history["first"]
    # Closed later but placed earlier by its period end: it comes first in trend order, and
    # the 2026 report keeps what its close stored.
    early = new_assessment(
        client, history["owner"], history["slug"], title="OPM 2024", period_end="2024-12-31"
    )["id"]
    respondent, _ = new_respondent(client, history["owner"], history["slug"], early, "Ann")
    save(client, history["owner"], history["slug"], early, respondent["id"], **FIRST)
    close(client, history["owner"], history["slug"], early)
    assert previous(early) is None
    assert previous(history["second"]) == history["first"]


def test_a_close_stored_before_previous_existed_is_compared_by_trend_order_at_its_close(
    client: TestClient, history: dict[str, Any], engine: Engine
) -> None:
    with engine.begin() as connection:
        stored = connection.execute(
            text("SELECT close_context FROM assessment WHERE id = :id"), {"id": history["second"]}
        ).scalar_one()
        context = json.loads(stored) if isinstance(stored, str) else dict(stored)
        del context["previous"]
        connection.execute(
            text("UPDATE assessment SET close_context = :context WHERE id = :id"),
            {"context": json.dumps(context), "id": history["second"]},
        )
    # Closed after it: not "before it at its close", whatever its period.
    later = _assessment(client, history["owner"], history["slug"], "2025", FIRST)
    close(client, history["owner"], history["slug"], later)
    html = _page(client, history, history["second"])
    assert "Change measured from OPM 2025 (closed" in unescape(html)
    assert f'data-index-delta="{round(1.3333 - 0.6667, 4)}"' in _line(html, "program")


def test_the_metadata_comes_after_the_first_screen_and_the_contents(
    client: TestClient, history: dict[str, Any]
) -> None:
    html = _page(client, history, history["second"])
    order = [
        html.index(mark)
        for mark in (
            'id="headline"',
            'id="levels"',
            'id="next-steps"',
            'id="contents"',
            'id="facts"',
            'id="summary"',
        )
    ]
    assert order == sorted(order)
    contents = re.search(r'<nav class="contents".*?</nav>', html, re.S)
    assert contents
    for target in re.findall(r'href="#([\w-]+)"', contents.group(0)):
        assert f'id="{target}"' in html, target


def test_the_page_has_its_landmarks(client: TestClient, history: dict[str, Any]) -> None:
    html = _page(client, history, history["second"])
    assert html.count("<main") == 1 and html.count("</main>") == 1
    main = html[html.index("<main") : html.index("</main>")]
    masthead = html.index('<header class="masthead">')
    assert masthead < html.index("<main")  # the banner is outside main
    assert "<footer" in html[html.index("</main>") :]  # and so is the content info
    assert '<nav class="contents"' in main
    assert "back-to-console" not in html  # opened with a key, not from the console


def _sign_in(client: TestClient, owner: Headers) -> None:
    response = client.post(
        "/console/sign-in",
        data={"key": owner["Authorization"].removeprefix("Bearer ")},
        headers=SAME_SITE,
    )
    assert response.status_code == 200, response.text


def test_the_console_report_links_back_to_the_console_and_a_shared_one_does_not(
    client: TestClient, history: dict[str, Any]
) -> None:
    slug, assessment = history["slug"], history["second"]
    link = client.post(
        f"/v1/organizations/{slug}/share-links",
        json={"assessment_id": assessment, "expires_in_days": 7},
        headers=history["owner"],
    ).json()["url"]
    overview_link = client.post(
        f"/v1/organizations/{slug}/share-links",
        json={"questionnaire_key": "test-q", "expires_in_days": 7},
        headers=history["owner"],
    ).json()["url"]
    _sign_in(client, history["owner"])
    page = client.get(f"/console/{slug}/assessments/{assessment}/report")
    assert page.status_code == 200
    back = re.search(r'<a href="([^"]+)" id="back-to-console">', page.text)
    assert back and back.group(1) == f"../{assessment}"
    target = client.get(f"/console/{slug}/assessments/{assessment}")  # where it leads
    assert target.status_code == 200
    overview = client.get(f"/console/{slug}/overview/test-q")
    assert 'href="../organization" id="back-to-console"' in overview.text
    for shared in (link, overview_link):
        opened = client.get(shared)
        assert opened.status_code == 200 and "back-to-console" not in opened.text
    api = _page(client, history, assessment)
    assert "back-to-console" not in api


# The executive summary as PDF


def test_the_pdf_is_the_executive_summary_on_at_most_three_a4_pages(
    client: TestClient, history: dict[str, Any]
) -> None:
    html = _page(client, history, history["second"])
    response = _get(client, history, history["second"], format="pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{history["slug"]}-{history["second"]}-summary.pdf"'
    )
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    reader = PdfReader(io.BytesIO(response.content))
    assert 1 <= len(reader.pages) <= 3
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    words = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert _headline(html) in words
    assert "Each domain" in words and "Next steps" in words
    assert "↑ +0.67" in words


def test_the_pdfs_charts_are_vectors_not_images(
    client: TestClient, history: dict[str, Any]
) -> None:
    response = _get(client, history, history["second"], format="pdf")
    reader = PdfReader(io.BytesIO(response.content))
    assert all(not page.images for page in reader.pages)
    words = " ".join(page.extract_text() for page in reader.pages)
    assert "Maturity by domain" in words and "stage achieved" in words  # the charts' text


def test_a_closed_reports_pdf_is_kept_with_its_etag(
    client: TestClient, history: dict[str, Any]
) -> None:
    first = _get(client, history, history["second"], format="pdf")
    again = _get(client, history, history["second"], format="pdf")
    assert first.headers["etag"] == again.headers["etag"] and first.content == again.content
    path = f"/v1/organizations/{history['slug']}/assessments/{history['second']}/report"
    held = client.get(
        path,
        params={"format": "pdf"},
        headers={**history["owner"], "If-None-Match": first.headers["etag"]},
    )
    assert held.status_code == 304


def test_accept_application_pdf_gets_the_pdf(client: TestClient, history: dict[str, Any]) -> None:
    path = f"/v1/organizations/{history['slug']}/assessments/{history['second']}/report"
    response = client.get(path, headers={**history["owner"], "Accept": "application/pdf"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_an_open_assessments_pdf_is_provisional(
    client: TestClient, history: dict[str, Any]
) -> None:
    third = _assessment(client, history["owner"], history["slug"], "2027", THIRD)
    response = _get(client, history, third, format="pdf")
    assert "etag" not in response.headers
    words = " ".join(
        " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        ).split()
    )
    assert "PROVISIONAL" in words.upper() and "since 2026" in words


def test_the_console_offers_the_pdf(client: TestClient, history: dict[str, Any]) -> None:
    _sign_in(client, history["owner"])
    base = f"/console/{history['slug']}/assessments/{history['second']}"
    assert f'href="{base}/report.pdf"' in client.get(base).text
    response = client.get(f"{base}/report.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# Printing the full page


def test_the_page_prints_headings_with_their_text_and_tables_with_their_headers(
    client: TestClient, history: dict[str, Any]
) -> None:
    html = _page(client, history, history["second"])
    print_css = html[html.index("@media print") :]
    assert re.search(r"h2 \{[^}]*break-after: avoid", print_css)
    assert re.search(r"h3, \.practice-head \{[^}]*break-after: avoid", print_css)
    assert "thead { display: table-header-group; }" in print_css
    # The appendix of every question and answer is printed only when asked for.
    assert "body:not(:has(#print-appendix:checked)) #appendix { display: none; }" in print_css
    assert '<input type="checkbox" id="print-appendix">' in html


def test_the_full_questionnaires_pdf_fits_three_pages_at_its_longest(tmp_path: Path) -> None:
    """opm3-style, three domains at level 0 with every practice a candidate, targets, a
    previous assessment and a validated card: the longest summary still fits three A4 pages."""
    from api.render.pdf import report_pdf

    from .test_rendering_properties import ORGANIZATION, _answers, _assessment, _questionnaire

    stored = _questionnaire(2)
    questionnaire = stored.questionnaire
    domains = [domain.id for domain in questionnaire.domains]
    low = [a for a in _answers(questionnaire, domains, 3, 3) if a.value is None or a.value < 2]
    card = score(questionnaire, low, domains)
    previous = score(questionnaire, _answers(questionnaire, domains, 4, 2), domains)
    assert all(domain.level == 0 for domain in card.domains)
    report = Report(
        assessment=_assessment(stored, card, 2, closed=True),
        organization=OrganizationSummary.model_validate(ORGANIZATION),
        provisional=False,
        card_json=card.model_dump_json(),
        card=card,
        goals={d: Goal(level=3, gap_levels=3, progress=-0.25) for d in domains},
        questionnaire=stored,
        answers=[],
        respondents=[],
        validated_json=card.model_dump_json(),
        validated=card,
        since=Since(
            assessment=_assessment(stored, previous, 1, closed=True),
            comparison=compare(previous, card, questionnaire, questionnaire),
        ),
    )
    body = report_pdf(report)
    (tmp_path / "longest.pdf").write_bytes(body)
    pages = PdfReader(io.BytesIO(body)).pages
    assert len(pages) <= 3
    words = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Next steps" in words and "Progress by domain and stage" in words
    # No heading alone at a page's foot: the last line of a page is never one.
    headings = {"In one sentence", "Each domain", "Next steps", "Maturity by domain"}
    headings.add("Progress by domain and stage")
    for page in pages[:-1]:
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        last = [line for line in lines if not line.startswith("Page ")][-1]
        assert last not in headings and last.upper() not in headings, last


def test_a_shared_report_link_gives_its_pdf_and_an_overview_link_has_none(
    client: TestClient, history: dict[str, Any]
) -> None:
    slug, assessment = history["slug"], history["second"]
    links = [
        client.post(
            f"/v1/organizations/{slug}/share-links",
            json={**target, "expires_in_days": 7},
            headers=history["owner"],
        ).json()["url"]
        for target in ({"assessment_id": assessment}, {"questionnaire_key": "test-q"})
    ]
    page = client.get(links[0])
    assert 'href="?format=pdf" id="pdf-link"' in page.text
    shared = client.get(links[0], params={"format": "pdf"})
    assert shared.status_code == 200 and shared.headers["content-type"] == "application/pdf"
    assert shared.content == _get(client, history, assessment, format="pdf").content
    reached = client.get(f"{links[1]}/assessments/{assessment}", params={"format": "pdf"})
    assert reached.status_code == 200 and reached.content == shared.content
    refused = client.get(links[1], params={"format": "pdf"})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert client.get(links[0], params={"format": "csv"}).status_code == 422


def test_each_report_page_links_its_own_pdf(client: TestClient, history: dict[str, Any]) -> None:
    assert 'href="?format=pdf" id="pdf-link"' in _page(client, history, history["second"])
    _sign_in(client, history["owner"])
    base = f"/console/{history['slug']}/assessments/{history['second']}"
    assert 'href="report.pdf" id="pdf-link"' in client.get(f"{base}/report").text


def test_when_another_domain_has_the_lowest_index_the_headline_names_both(
    client: TestClient, admin: Headers
) -> None:
    """Project cannot claim Standardize (a question below the floor) but its practices have
    come far: level 0, index 1.33; Program claims Standardize with nothing in Measure: level 1,
    index 1.00 (scoring.md section 5: the overall level and index may be two domains')."""
    body, owner = new_organization(client, admin, "Contoso")
    slug = body["slug"]
    answers = dict(PRJ_STD_01_Q1=4, PRJ_STD_01_Q2=1, PRJ_MEA_01_Q1=4, PGM_STD_01_Q1=4)
    assessment = _assessment(client, owner, slug, "2026", {**answers, "PGM_MEA_01_Q1": 0})
    history = {"slug": slug, "owner": owner}
    card = _card(client, history, assessment)
    project, program = card["domains"]
    assert (project["level"], program["level"]) == (0, 1)
    assert program["index"] < project["index"]
    html = _page(client, history, assessment)
    assert _headline(html).startswith(
        f"Project has the lowest level in scope: level 0 (Initial), index "
        f"{decimal(project['index'])} of 2 (Program has the lowest index, "
        f"{decimal(program['index'])}). This is the first assessment."
    )
    assert "lowest level in scope" in _text(_line(html, "project"))
    assert "weakest in scope" not in _text(_line(html, "program"))
