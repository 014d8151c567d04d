"""The report page and the overview page (issues 7 and 10), and the report layer's own rules.

Numbers are those of `factories.scored_assessment`, worked by hand there. Under scoring
version 2 (credit floor 0, threshold 0.75) its credits are PRJ-STD-01 1, PRJ-MEA-01 0.8333,
PGM-STD-01 1, PGM-MEA-01 0.1667, ENB-STR-01 0.6667: project level 1, index 1.83 (83.3% through
Measure); program level 1, index 1.17, the weakest; overall progress 75%, 2 of 4 attained.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import Markup
from sqlalchemy import Engine, text

from api.http.report_responses import negotiate
from api.render import charts
from api.render.html import CONTENT_SECURITY_POLICY, evidence_link, pmo_description, reading
from api.render.improvement_path import improvement_path, order_gaps
from api.render.insights import at_a_glance, pmo_notes
from api.schemas import OrganizationProfile
from questionnaires import Questionnaire, builtin_directory, load_file
from scoring import Answer, Gap, ScoreCard, score

from ...samples import DATA
from ..factories import (
    Headers,
    close,
    new_assessment,
    new_key,
    new_organization,
    new_respondent,
    save,
    scored_assessment,
)


def page(client: TestClient, path: str, headers: Headers, **params: str) -> str:
    response = client.get(path, headers=headers, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text


def cell(html: str, domain: str, stage: str) -> str:
    """The text of one heatmap cell."""
    match = re.search(
        rf'<g class="cell" data-domain="{domain}" data-stage="{stage}">(.*?)</g>', html, re.S
    )
    assert match, f"no heatmap cell {domain}/{stage}"
    return re.sub(r"<title>.*?</title>", "", match.group(1))


def texts(fragment: str) -> list[str]:
    """The text pieces of a fragment, with character references resolved."""
    return [unescape(t) for t in re.split(r"<[^>]+>", fragment) if t.strip()]


def tile(html: str, domain: str) -> str:
    """The summary tile of one domain, with character references resolved."""
    match = re.search(
        rf'<div class="tile[^"]*" data-domain="{domain}"[^>]*>(.*?)</div></div>', html, re.S
    )
    assert match, f"no tile for {domain}"
    return unescape(match.group(0))


def enabler(html: str, enabler_id: str) -> str:
    """The text of one enabler's bar, without its title."""
    match = re.search(rf'<g class="enabler" data-enabler="{enabler_id}">(.*?)</g>', html, re.S)
    assert match, f"no enabler bar {enabler_id}"
    return re.sub(r"<title>.*?</title>", "", match.group(1))


def section(html: str, start: str, end: str) -> str:
    """The page from one id to another, with character references resolved."""
    return unescape(html[html.index(f'id="{start}"') : html.index(f'id="{end}"')])


# The report page


def test_the_report_page_shows_the_headers_numbers_and_every_section(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin)
    html = page(client, scored["path"] + "/report", scored["owner"], format="html")
    for section in (
        'id="facts"',
        'id="summary"',
        'id="domains"',
        'id="heatmap"',
        'id="enablers"',
        'id="context"',
        'id="improvement-path"',
        'id="disagreements"',
        'id="appendix"',
    ):
        assert section in html
    assert "Acme Énergie" in html
    assert "Supportive PMO, temporary, project scope" in html
    assert "Test questionnaire" in html and "1.0.0" in html and "2026-Q1" in html
    assert "Self-assessment" in html
    assert "Ann (PMO lead)" in html and "Bob (PMO lead)" in html
    assert 'id="provisional"' not in html
    summary = html[html.index('id="summary"') : html.index('id="domains"')]
    assert texts(tile(summary, "project"))[:5] == [
        "Project",
        "Level 1",
        "Standardized",
        "Index ",
        "1.83",
    ]
    assert texts(tile(summary, "program"))[:6] == [
        "Program",
        " · weakest in scope",
        "Level 1",
        "Standardized",
        "Index ",
        "1.17",
    ]
    assert "2 of 4 best practices attained (50%)" in summary
    assert texts(cell(html, "project", "standardize")) == [
        "100%",
        "1 of 1 attained",
        "stage achieved ✓",
    ]
    assert texts(cell(html, "project", "measure")) == ["83.3%", "0 of 1 attained"]
    assert texts(cell(html, "program", "measure")) == ["16.7%", "0 of 1 attained"]
    assert texts(enabler(html, "structural")) == ["Structural", "66.7%", " · 0 of 1 attained"]


def test_the_improvement_path_lists_next_levels_then_gaps_in_order(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin)
    html = page(client, scored["path"] + "/report", scored["owner"], format="html")
    path = html[html.index('id="improvement-path"') : html.index('id="disagreements"')]
    assert "Project: level 1 → 2 Measured" in path
    assert "Program: level 1 → 2 Measured" in path
    gaps = re.findall(r'<tr data-practice="([^"]+)">', path)
    assert gaps == ["PGM-MEA-01", "PRJ-MEA-01", "ENB-STR-01"]  # the card's gap order


def test_the_improvement_path_shows_how_close_each_gap_is(
    client: TestClient, admin: Headers
) -> None:
    """Credits: PGM-MEA-01 0.125 / 0.75 = 0.1667, PRJ-MEA-01 0.625 / 0.75 = 0.8333, ENB-STR-01
    0.5 / 0.75 = 0.6667; written rounded down, never claiming more than the card gives."""
    scored = scored_assessment(client, admin)
    html = page(client, scored["path"] + "/report", scored["owner"], format="html")
    path = section(html, "improvement-path", "disagreements")
    close_by_gap = dict(
        re.findall(
            r'<tr data-practice="([^"]+)">.*?<td class="num how-close">([^<]+)</td>', path, re.S
        )
    )
    assert close_by_gap == {
        "PGM-MEA-01": "16% of the way",
        "PRJ-MEA-01": "83% of the way",
        "ENB-STR-01": "66% of the way",
    }
    assert "(score 62.5%, 83% of the way)" in path  # Project's candidate for level 2
    assert (
        "How close: how far a gap's score has come toward the 75% attainment threshold "
        "(its credit); a practice scored 60% is 80% of the way."
    ) in path


def test_a_next_stage_with_no_assessed_practice_says_it_must_first_be_assessed(
    client: TestClient, admin: Headers
) -> None:
    """Program's Measure cell holds one practice, marked N/A: level 1, `needed` null."""
    body, owner = new_organization(client, admin, "Unassessed stage")
    slug = body["slug"]
    a = new_assessment(client, owner, slug)["id"]
    r, _ = new_respondent(client, owner, slug, a)
    save(client, owner, slug, a, r["id"], PGM_STD_01_Q1=4, PGM_MEA_01_Q1="na")
    save(client, owner, slug, a, r["id"], PRJ_STD_01_Q1=4, PRJ_STD_01_Q2=4, PRJ_MEA_01_Q1=4)
    close(client, owner, slug, a)
    html = page(client, f"/v1/organizations/{slug}/assessments/{a}/report", owner, format="html")
    step = re.search(r'<li class="step" data-domain="program">(.*?)</li>', html, re.S)
    assert step
    assert "Program: level 1 → 2 Measured" in step.group(1)
    assert "The Measure stage has no assessed best practice: it must first be assessed" in (
        step.group(1)
    )
    assert "Attain" not in step.group(1)
    assert "Next stage, Measure: not yet assessed." in tile(html, "program")
    assert "Program cannot reach level 2 until its Measure stage is assessed" in section(
        html, "glance", "domains"
    )


def test_disagreements_name_the_question_and_each_answer(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin)
    html = page(client, scored["path"] + "/report", scored["owner"], format="html")
    part = html[html.index('id="disagreements"') : html.index('id="appendix"')]
    assert 'data-question="PRJ-MEA-01-Q1"' in part
    assert "Schedule variance is recorded." in part
    assert "Ann</strong>: 1 · Initial" in part and "Bob</strong>: 4 · Fully in place" in part
    assert "0.38" in part  # 0.375


def test_the_appendix_lists_every_question_with_status_score_and_comments(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin)
    html = page(client, scored["path"] + "/report", scored["owner"], format="html")
    appendix = html[html.index('id="appendix"') :]
    questions = re.findall(r'<tr data-question="([^"]+)">', appendix)
    assert questions == [
        "PRJ-STD-01-Q1",
        "PRJ-STD-01-Q2",
        "PRJ-MEA-01-Q1",
        "PGM-STD-01-Q1",
        "PGM-MEA-01-Q1",
        "ENB-STR-01-Q1",
    ]
    assert "attained · 91.7%" in appendix
    assert "gap · 12.5%" in appendix
    assert '<span class="given">Bob <strong>N/A</strong></span>' in appendix
    assert "Second line" in appendix


def test_respondent_text_is_escaped_and_only_web_evidence_is_a_link(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin)
    html = page(client, scored["path"] + "/report", scored["owner"], format="html")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="https://wiki.example.org/pmo?a=1&amp;b=2"' in html
    assert 'href="javascript' not in html
    assert "javascript:alert(1)" in html  # shown as text
    assert "Board minutes 2026-03" in html


def test_html_from_an_organization_is_escaped(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin, name='<img src=x onerror="alert(1)">')
    html = page(client, scored["path"] + "/report", scored["owner"], format="html")
    assert "<img" not in html
    assert "&lt;img src=x" in html


def test_the_page_is_self_contained_and_sent_with_a_strict_policy(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin)
    response = client.get(
        scored["path"] + "/report", headers=scored["owner"], params={"format": "html"}
    )
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src" not in CONTENT_SECURITY_POLICY  # default-src 'none' forbids scripts
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    html = response.text
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert "@font-face" not in html and "url(http" not in html
    sources = re.findall(r'\s(?:src|href)="([^"]*)"', html)
    # The evidence link, links within the page (its contents list) and its own PDF.
    assert all(
        s in ("https://wiki.example.org/pmo?a=1&amp;b=2", "?format=pdf") or s.startswith("#")
        for s in sources
    ), sources
    assert html.count("<svg") >= 3
    assert re.search(r'<svg[^>]+role="img"[^>]+aria-labelledby="chart-heatmap-title', html)


def test_every_id_on_the_page_is_unique(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    html = page(client, scored["path"] + "/report", scored["owner"], format="html")
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_print_css_keeps_charts_and_rows_whole_on_a4(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    html = page(client, scored["path"] + "/report", scored["owner"], format="html")
    assert "@page { size: A4;" in html
    css = html[html.index("@media print") :]
    kept_whole = re.search(r"([^{}]*)\{[^}]*break-inside: avoid", css)
    assert kept_whole
    selectors = {s.strip() for s in kept_whole.group(1).split(",")}
    assert {"figure", "svg.chart", "tr", ".tile"} <= selectors


def test_an_open_assessment_page_carries_the_provisional_banner(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin, closed=False)
    html = page(client, scored["path"] + "/report", scored["owner"], format="html")
    assert 'id="provisional"' in html
    assert "Provisional" in html


def test_a_browser_accept_header_gets_the_page(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get(
        scored["path"] + "/report", headers={**scored["owner"], "Accept": browser}
    )
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["vary"] == "Accept, Accept-Encoding"
    plain = client.get(scored["path"] + "/report", headers={**scored["owner"], "Accept": "*/*"})
    assert plain.headers["content-type"] == "application/json"


def test_format_json_is_the_json_report_unchanged(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    default = client.get(scored["path"] + "/report", headers=scored["owner"])
    explicit = client.get(
        scored["path"] + "/report",
        headers={**scored["owner"], "Accept": "text/html"},
        params={"format": "json"},
    )
    assert explicit.status_code == 200
    assert explicit.content == default.content
    assert default.json()["score_card"]["overall"]["attainment"] == 0.5


def test_an_unknown_format_answers_422(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    response = client.get(scored["path"] + "/report?format=docx", headers=scored["owner"])
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_the_page_follows_the_access_rules(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    path = scored["path"] + "/report?format=html"
    assert client.get(path).status_code == 401
    reader = new_key(client, scored["owner"], scored["slug"], "reader")
    assert client.get(path, headers=reader).status_code == 200
    _, stranger = new_organization(client, admin, "Other")
    assert client.get(path, headers=stranger).status_code == 404


def test_a_domain_with_a_target_shows_it_in_the_chart_and_table(
    client: TestClient, admin: Headers
) -> None:
    body, owner = new_organization(client, admin, "Targets")
    slug = body["slug"]
    put = client.put(
        f"/v1/organizations/{slug}/targets/test-q", json={"domains": {"project": 2}}, headers=owner
    )
    assert put.status_code == 200
    a = new_assessment(client, owner, slug)["id"]
    r, _ = new_respondent(client, owner, slug, a)
    save(client, owner, slug, a, r["id"], PRJ_STD_01_Q1=4, PRJ_STD_01_Q2=4)
    close(client, owner, slug, a)
    html = page(client, f"/v1/organizations/{slug}/assessments/{a}/report", owner, format="html")
    assert '<g class="target" data-domain="project">' in html
    assert 'class="target" data-domain="program"' not in html
    row = re.search(r'<tr data-domain="project">(.*?)</tr>', html, re.S)
    assert row and texts(row.group(1))[-3:] == ["2", "1 level to go", "0%"]  # its own baseline


# The overview


def test_the_overview_draws_the_trend_and_links_each_report(
    client: TestClient, admin: Headers
) -> None:
    body, owner = new_organization(client, admin, "Trend")
    slug = body["slug"]
    closed = []
    for period, value in (("2025", 2), ("2026", 4)):
        a = new_assessment(client, owner, slug, period=period)["id"]
        r, _ = new_respondent(client, owner, slug, a)
        save(client, owner, slug, a, r["id"], PRJ_STD_01_Q1=value, PRJ_STD_01_Q2=value)
        close(client, owner, slug, a)
        closed.append(a)
    still_open = new_assessment(client, owner, slug, period="2027")["id"]
    html = page(client, f"/v1/organizations/{slug}/overview", owner, questionnaire="test-q")
    assert re.findall(r'<tr data-assessment="([^"]+)">', html) == closed
    for a in closed:
        assert f'href="/v1/organizations/{slug}/assessments/{a}/report?format=html"' in html
    assert still_open not in html
    assert re.search(r'<svg[^>]+aria-labelledby="chart-trend-title', html)
    overall = re.findall(r'<circle class="point" data-series="overall"', html)
    assert len(overall) == 2
    # 2025: PRJ-STD-01 scored 0.5, credit 0.5 / 0.75: index 0.67; 2026: level 1, measure at 0.
    assert "project: 2025 0.67, 2026 1.00" in html.replace("Project", "project")


def test_the_overview_marks_rescored_points_and_shows_progress_and_scope(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    """2025 is stored by scoring version 1 (the card of tests/data/cards, rescored under
    version 3: project level 1, index 1.83, overall progress 79.2%, program index 1.33);
    2026 covers the project domain only."""
    scored = scored_assessment(client, admin)
    _store_version_1_card(engine, scored["assessment"])
    slug, owner = scored["slug"], scored["owner"]
    a = new_assessment(client, owner, slug, period="2027", scope=["project"])["id"]
    r, _ = new_respondent(client, owner, slug, a)
    save(client, owner, slug, a, r["id"], PRJ_STD_01_Q1=4, PRJ_STD_01_Q2=4, PRJ_MEA_01_Q1=2)
    save(client, owner, slug, a, r["id"], ENB_STR_01_Q1=2)
    close(client, owner, slug, a)
    html = page(client, f"/v1/organizations/{slug}/overview", owner, questionnaire="test-q")
    rows = dict(re.findall(r'<tr data-assessment="([^"]+)">(.*?)</tr>', html, re.S))
    old, new = rows[scored["assessment"]], rows[a]
    assert "rescored from scoring version 1" in old and "rescored" not in new
    assert texts(
        re.search(r'<td class="num" data-domain="project">(.*?)</td>', old, re.S).group(1)
    ) == [  # type: ignore[union-attr]
        "1.83",
        "level 1",
        "91.7% progress",  # (1 + 0.8333) / 2
    ]
    assert 'data-domain="program" data-scope="out"' in new and "not in scope" in new
    assert texts(re.search(r'<td class="num progress">(.*?)</td>', old, re.S).group(1)) == [  # type: ignore[union-attr]
        "79.2%",
        "50% attained",
    ]
    assert '<th class="num">Weakest in scope</th>' in html
    enablers = re.findall(r'<td class="num" data-enabler="structural">(.*?)</td>', html, re.S)
    assert [texts(cell) for cell in enablers] == [
        ["66.7%", "0% attained"],  # 0.5 / 0.75, rescored
        ["66.7%", "0% attained"],
    ]
    # The trend chart: indexes; the weakest domain in scope as the overall line; a domain
    # outside a scope has no point there and its line says so.
    assert "Weakest in scope: 2026-Q1 1.33, 2027 1.67" in html
    assert "Program: 2026-Q1 1.33" in html
    assert "Program: none in 2027" in html
    note = re.search(r'<p class="version-note" id="scope-note">(.*?)</p>', html, re.S)
    assert note
    assert " ".join(" ".join(texts(note.group(1))).split()) == (
        "The scope is not the same in every assessment (2027: Program not in scope), so the "
        "weakest domain in scope is not always taken over the same domains: compare the "
        "domains' own lines."
    )


def test_the_overview_says_nothing_of_scope_when_every_assessment_has_the_same(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin)
    html = page(
        client,
        f"/v1/organizations/{scored['slug']}/overview",
        scored["owner"],
        questionnaire="test-q",
    )
    assert 'id="scope-note"' not in html and "not in scope" not in html


def test_the_overview_needs_a_known_questionnaire(client: TestClient, admin: Headers) -> None:
    body, owner = new_organization(client, admin, "Nothing")
    path = f"/v1/organizations/{body['slug']}/overview"
    assert client.get(path, headers=owner).status_code == 422
    assert client.get(path, headers=owner, params={"questionnaire": "nope"}).status_code == 404
    html = page(client, path, owner, questionnaire="test-q")
    assert "No assessment of this questionnaire is closed yet." in html


# The report layer's rules


def _gap(identifier: str, score_value: float = 0.5) -> Gap:
    return Gap(
        id=identifier,
        title=identifier,
        domain="d",
        stage="s",
        enabler=None,
        score=score_value,
        credit=score_value,
    )


def test_a_gap_comes_after_the_gaps_it_builds_on() -> None:
    gaps = [_gap("C"), _gap("A"), _gap("B"), _gap("D")]
    steps = order_gaps(gaps, {"C": ["B"], "B": ["A"], "D": []})
    assert [step.gap.id for step in steps] == ["A", "B", "C", "D"]
    assert [step.after for step in steps] == [(), ("A",), ("B",), ()]


def test_the_earliest_placeable_gap_goes_first() -> None:
    # C waits for B; A and D keep the card's order around them.
    gaps = [_gap("C"), _gap("A"), _gap("D"), _gap("B")]
    steps = order_gaps(gaps, {"C": ["B"]})
    assert [step.gap.id for step in steps] == ["A", "D", "B", "C"]


def test_an_attained_prerequisite_does_not_hold_a_gap_back() -> None:
    steps = order_gaps([_gap("B"), _gap("C")], {"B": ["A"], "C": ["B"]})
    assert [step.gap.id for step in steps] == ["B", "C"]
    assert steps[0].after == ()


def _quick() -> Questionnaire:
    return load_file(builtin_directory() / "opm3-quick-1.0.0.yaml").questionnaire


def _test_q() -> Questionnaire:
    return load_file(DATA / "test-q-1.0.0.yaml").questionnaire


def _card(questionnaire: Questionnaire, values: dict[str, int | str]) -> ScoreCard:
    """A card for one respondent's answers: a value, or "na" for not applicable."""
    return score(
        questionnaire,
        [
            Answer("r", q, None, True) if v == "na" else Answer("r", q, int(v))
            for q, v in values.items()
        ],
    )


def _project_at_level_two(questionnaire: Questionnaire) -> ScoreCard:
    values = {
        question.id: 4
        for practice in questionnaire.best_practices
        if practice.domain == "project" and practice.stage in ("standardize", "measure")
        for question in practice.questions
    }
    return _card(questionnaire, values)


def test_the_improvement_path_names_what_each_domain_needs() -> None:
    questionnaire = _quick()
    path = improvement_path(_project_at_level_two(questionnaire), questionnaire)
    project = path.domains[0]
    assert (project.domain_id, project.level, project.next_level) == ("project", 2, 3)
    assert (project.stage_id, project.next_level_name, project.needed) == (
        "control",
        "Controlled",
        1,
    )
    assert [c.id for c in project.candidates] == ["Q-PRJ-CTL"]


def _profile(fields: dict[str, Any]) -> OrganizationProfile:
    return OrganizationProfile.model_validate(fields)


def test_no_pmo_note_names_the_structural_practices() -> None:
    questionnaire = _test_q()
    card = _card(questionnaire, {"PRJ-STD-01-Q1": 4})
    notes = pmo_notes(_profile({"pmo": {"exists": False}}), card, questionnaire)
    assert [note.rule for note in notes] == ["no_pmo"]
    assert "ENB-STR-01" in notes[0].text


def test_no_pmo_note_needs_a_structural_enabler_in_the_questionnaire() -> None:
    questionnaire = _test_q().model_copy(update={"enablers": []})
    card = _card(_test_q(), {"PRJ-STD-01-Q1": 4})
    assert pmo_notes(_profile({"pmo": {"exists": False}}), card, questionnaire) == []


def test_a_temporary_pmo_gets_the_hand_over_note() -> None:
    questionnaire = _test_q()
    card = _card(questionnaire, {"PRJ-STD-01-Q1": 4})
    profile = _profile({"pmo": {"exists": True, "permanence": "temporary"}})
    assert [note.rule for note in pmo_notes(profile, card, questionnaire)] == ["temporary_pmo"]


def test_a_project_pmo_is_told_which_assessed_domains_lie_outside_its_mandate() -> None:
    questionnaire = _test_q()
    profile = _profile({"pmo": {"exists": True, "scope": "project"}})
    # Unanswered questions count (score 0): program is out of the picture only when N/A.
    only_project = _card(questionnaire, {"PGM-STD-01-Q1": "na", "PGM-MEA-01-Q1": "na"})
    assert not only_project.domains[1].assessed
    assert pmo_notes(profile, only_project, questionnaire) == []
    both = _card(questionnaire, {"PRJ-STD-01-Q1": 4, "PGM-STD-01-Q1": 2})
    notes = pmo_notes(profile, both, questionnaire)
    assert [note.rule for note in notes] == ["narrow_scope"]
    assert "Program" in notes[0].text and "Project" not in notes[0].text
    wide = _profile({"pmo": {"exists": True, "scope": "program"}})
    assert pmo_notes(wide, both, questionnaire) == []


def test_a_supportive_pmo_is_told_that_control_needs_a_stronger_mandate() -> None:
    questionnaire = _quick()
    card = _project_at_level_two(questionnaire)
    supportive = _profile({"pmo": {"exists": True, "type": "supportive"}})
    notes = pmo_notes(supportive, card, questionnaire)
    assert [note.rule for note in notes] == ["supportive_control"]
    assert "Project" in notes[0].text
    controlling = _profile({"pmo": {"exists": True, "type": "controlling"}})
    assert pmo_notes(controlling, card, questionnaire) == []
    # test-q has no control stage: the rule names an id it lacks, so it never applies there.
    small = _test_q()
    assert pmo_notes(supportive, _card(small, {"PRJ-STD-01-Q1": 4}), small) == []


def test_no_pmo_information_gives_no_note() -> None:
    questionnaire = _test_q()
    card = _card(questionnaire, {"PRJ-STD-01-Q1": 4})
    assert pmo_notes(OrganizationProfile(), card, questionnaire) == []
    assert pmo_description(OrganizationProfile()) == "Not recorded"
    assert pmo_description(_profile({"pmo": {"exists": False}})) == "No PMO"


def test_at_a_glance_names_the_weakest_domains_in_scope_and_their_next_step() -> None:
    questionnaire = _quick()
    card = _project_at_level_two(questionnaire)
    stages = {stage.id: stage.name for stage in questionnaire.stages}
    sentences = at_a_glance(card, {}, stages)
    assert sentences[0] == (
        "The weakest domains in scope are Program and Portfolio, at level 0 (Initial) and index "
        "0.00: an organization is as mature as its weakest domain, so these are the overall "
        "figures."
    )
    assert sentences[1:3] == [
        "To reach level 1, Program needs 1 more Standardize best practice attained.",
        "To reach level 1, Portfolio needs 1 more Standardize best practice attained.",
    ]
    assert sentences[-1].startswith(f"{len(card.gaps)} assessed best practices are not attained")


def test_at_a_glance_says_which_domains_are_out_of_scope_and_how_far_the_weakest_has_come() -> None:
    """Project only: PRJ-STD-01 at 4 of 4 (attained), PRJ-MEA-01 at 2 of 4 (credit 2/3)."""
    questionnaire = _test_q()
    card = score(
        questionnaire,
        [
            Answer("r", "PRJ-STD-01-Q1", 4),
            Answer("r", "PRJ-STD-01-Q2", 4),
            Answer("r", "PRJ-MEA-01-Q1", 2),
        ],
        scope=["project"],
    )
    sentences = at_a_glance(card, {}, {stage.id: stage.name for stage in questionnaire.stages})
    assert sentences[:3] == [
        "Program is not in this assessment's scope: not rated here, and left out of the "
        "overall figure.",
        "To reach level 2, Project needs 1 more Measure best practice attained; it is 66.7% of "
        "the way through Measure.",
        "1 of 2 best practices of the domains in scope are attained; counting partial credit, "
        "progress is 83.3%.",
    ]


def test_the_summary_names_the_weakest_domain_in_scope(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    html = page(client, scored["path"] + "/report", scored["owner"], format="html")
    glance = section(html, "glance", "domains")
    assert (
        "Project and Program are at the lowest level in scope, level 1 (Standardized); Program "
        "has the lowest index 1.17: an organization is as mature as its weakest domain"
    ) in glance
    assert "To reach level 2, Program needs 1 more Measure best practice attained; it is 16.7%" in (
        glance
    )
    assert "2 of 4 best practices of the domains in scope are attained; counting partial " in glance
    assert "respondents disagree on 1 question." in glance
    assert "with a target" not in glance  # no target set
    assert "not in this assessment" not in glance  # every domain in scope


# Domains first, the weakest in scope, scope


def test_the_summary_shows_each_domain_before_the_overall_figure(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin)
    html = page(client, scored["path"] + "/report", scored["owner"], format="html")
    summary = section(html, "summary", "domains")
    project, program = (summary.index(f'data-domain="{d}"') for d in ("project", "program"))
    overall = summary.index('id="overall"')
    assert project < program < overall
    assert "Overall level" not in html and "Maturity index</div>" not in html
    assert texts(re.search(r'id="overall">(.*?)</div>\s*</div>', summary, re.S).group(1)) == [  # type: ignore[union-attr]
        "Overall: weakest domain in scope",
        "Level 1",
        "Standardized: the lowest level, Project and Program",
        "Lowest index 1.17: Program.",
    ]
    assert texts(tile(summary, "program"))[:2] == ["Program", " · weakest in scope"]
    assert "weakest" not in tile(summary, "project")
    assert "Progress, domains in scope" in summary and ">75%<" in summary  # (1+5/6+1+1/6)/4


def test_an_out_of_scope_domain_is_named_and_never_drawn(
    client: TestClient, admin: Headers
) -> None:
    body, owner = new_organization(client, admin, "Project office")
    slug = body["slug"]
    put = client.put(
        f"/v1/organizations/{slug}/targets/test-q", json={"domains": {"program": 2}}, headers=owner
    )
    assert put.status_code == 200
    a = new_assessment(client, owner, slug, scope=["project"])["id"]
    r, _ = new_respondent(client, owner, slug, a)
    save(client, owner, slug, a, r["id"], PRJ_STD_01_Q1=4, PRJ_STD_01_Q2=4, PRJ_MEA_01_Q1=2)
    close(client, owner, slug, a)
    html = page(client, f"/v1/organizations/{slug}/assessments/{a}/report", owner, format="html")
    summary = section(html, "summary", "domains")
    assert "Program is not in this assessment's scope (target level 2, not measured here)." in (
        tile(summary, "program")
    )
    assert 'data-domain="program" data-scope="out"' in tile(summary, "program")
    assert "Lowest index 1.67: Project; Program is not in scope." in summary
    assert "Program is not in this assessment's scope" in section(html, "glance", "domains")
    # Named in both charts, with no bar, no cell and no target mark.
    for chart in ("chart-levels", "chart-heatmap"):
        svg = re.search(rf'<svg[^>]+id="{chart}".*?</svg>', unescape(html), re.S)
        assert svg
        out = re.search(
            r'<g class="domain" data-domain="program" data-scope="out">(.*?)</g>',
            svg.group(0),
            re.S,
        )
        assert out and "not in this assessment's scope" in out.group(1)
        assert "Program: not in this assessment's scope" in svg.group(0)  # its description
    assert 'class="bar" data-domain="program"' not in html
    assert '<g class="cell" data-domain="program"' not in html
    assert '<g class="target" data-domain="program"' not in html
    row = re.search(r'<tr data-domain="program" data-scope="out">(.*?)</tr>', html, re.S)
    assert row and texts(row.group(1)) == [
        "Program",
        "not in this assessment's scope (target level 2, not measured here)",
    ]
    scope = re.search(r'<dd id="scope">(.*?)</dd>', html, re.S)
    assert scope and texts(scope.group(1)) == [
        "Project",
        "Program not in scope · 3 best practices · 4 questions",  # the enabler is in scope
    ]


def test_the_page_says_what_progress_and_attainment_are(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    html = page(client, scored["path"] + "/report", scored["owner"], format="html")
    progress = (
        "Progress counts partial credit, question by question: a question scored 37.5%, halfway "
        "to the 75% attainment threshold, earns half, and an attained best practice earns all of "
        "it."
    )
    attainment = (
        "Attainment counts only the best practices scored at or above the 75% attainment threshold."
    )
    index = (
        "The index is how far the practices have come, on a scale of 0 to the number of stages: "
        "each stage counts as far as its practices are in place, but never further than the "
        "stages below it. It is not a level, and its whole part may differ from the level."
    )
    reading = section(html, "reading", "glance")
    assert progress in reading and attainment in reading and index in reading
    heatmap = section(html, "heatmap", "enablers")
    assert "<h2>Progress by domain and stage</h2>" in heatmap
    assert progress in heatmap and attainment in heatmap
    assert "100% progress" in heatmap  # the colour scale's legend
    assert "Progress per domain and stage" in heatmap  # the chart's description
    assert "Project, Measure: 83.3% progress, 0 of 1 best practices attained" in heatmap
    enablers = section(html, "enablers", "context")
    assert "Structural: 66.7% progress, 0 of 1 attained" in enablers
    assert "partial credit, not yet attained" in enablers


def test_a_floor_changes_the_sentence_that_says_what_progress_is() -> None:
    card = _card(_test_q(), {"PRJ-STD-01-Q1": 4})
    floored = card.model_copy(
        update={"parameters": card.parameters.model_copy(update={"credit_floor": 0.25})}
    )
    words = reading(floored, [])
    assert words.progress == (
        "Progress counts partial credit, question by question: a question scored halfway between "
        "25% and the 75% attainment threshold, earns half, and an attained best practice earns "
        "all of it."
    )
    assert words.how_close == (
        "How close: how far a gap's score has come from the 25% floor toward the 75% "
        "attainment threshold (its credit); a practice scored 65% is 80% of the way."
    )


# A card stored by scoring version "1"


V1_CARD = (DATA / "cards" / "test-q-1.0.0-scoring-v1.json").read_text()


def _store_version_1_card(engine: Engine, assessment_id: str) -> None:
    """The closed assessment's card becomes the version "1" card of tests/data/cards, as if it
    had closed before scoring version "2" (test-q 1.0.0, two respondents; project level 0,
    index 0.0; program level 1, index 1.0; overall attainment 1 of 4)."""
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE assessment SET score_card = :card, scoring_version = '1' WHERE id = :id"),
            {"card": V1_CARD, "id": assessment_id},
        )


def test_a_version_1_card_renders_its_stored_numbers_with_a_note(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    scored = scored_assessment(client, admin)
    _store_version_1_card(engine, scored["assessment"])
    html = page(client, scored["path"] + "/report", scored["owner"], format="html")
    note = re.search(r'<p class="version-note" id="scoring-version-note">(.*?)</p>', html, re.S)
    assert note
    assert "Scored with scoring version 1." in note.group(1)
    assert "exactly as stored when the assessment closed" in note.group(1)
    assert "progress with partial credit was not computed then" in note.group(1)
    summary = section(html, "summary", "domains")
    assert texts(tile(summary, "project"))[:6] == [
        "Project",
        " · weakest in scope",
        "Level 0",
        "Initial",
        "Index ",
        "0.00",
    ]
    assert texts(tile(summary, "program"))[:5] == [
        "Program",
        "Level 1",
        "Standardized",
        "Index ",
        "1.00",
    ]
    assert "Standardize: 0 of 1 attained." in tile(summary, "project")
    assert "Level 0" in section(html, "overall", "overall-attainment")
    assert "Initial · index 0.00" in section(html, "overall", "overall-attainment")
    assert "1 of 4 domain best practices attained" in summary
    assert 'id="overall-progress"' not in html
    # The charts draw the stored attainment; nothing is rescored (rescored, project's index
    # would be 0.89 and program's 1.33).
    assert texts(cell(html, "project", "standardize")) == ["0%", "0 of 1 attained"]
    assert texts(cell(html, "program", "standardize")) == [
        "100%",
        "1 of 1 attained",
        "stage achieved ✓",
    ]
    assert texts(cell(html, "program", "measure")) == ["0%", "0 of 1 attained"]
    assert texts(enabler(html, "structural")) == ["Structural", "0%", " · 0 of 1 attained"]
    assert "<h2>Attainment by domain and stage</h2>" in html
    assert "0.89" not in html and "1.33" not in html
    assert "progress" not in section(html, "heatmap", "enablers").lower()
    assert "How close" not in html and "of the way" not in html
    row = re.search(r'<tr data-domain="program">(.*?)</tr>', html, re.S)
    assert row and texts(row.group(1))[:5] == [
        "Program",
        "1 · Standardized",
        "1.00",
        "1 of 2 attained",
        "50%",
    ]
    assert "Scoring version 1" in html[html.index("<footer>") :]
    # The JSON report is still the stored card, byte for byte.
    report = client.get(scored["path"] + "/report", headers=scored["owner"])
    assert report.text.endswith(',"score_card":' + V1_CARD + "}")


@pytest.mark.parametrize(
    ("evidence", "href"),
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("HTTP://example.org", "HTTP://example.org"),
        ("javascript:alert(1)", None),
        ("data:text/html,<b>x</b>", None),
        ("//example.org/x", None),
        ("https://exa mple.org", None),
        ("Board minutes, March", None),
        ("https://[::1", None),
    ],
)
def test_only_http_and_https_evidence_becomes_a_link(evidence: str, href: str | None) -> None:
    assert evidence_link(evidence) == href


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "json"),
        ("*/*", "json"),
        ("application/json", "json"),
        ("text/html", "html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
        ("application/json, text/html", "json"),
        ("text/html;q=0.5, application/json", "json"),
        ("text/*", "html"),
        ("text/csv", "csv"),
        ("image/png", "json"),
    ],
)
def test_the_accept_header_chooses_the_format(accept: str | None, chosen: str) -> None:
    assert negotiate(accept) == chosen


def test_numbers_are_shown_as_the_card_has_them() -> None:
    assert charts.percent(0.4167) == "41.7%"
    assert charts.percent(0.75) == "75%"
    assert charts.percent(1.0) == "100%"
    assert charts.percent(None) == charts.NONE_SHOWN
    assert charts.decimal(1.6) == "1.60"


def test_chart_labels_are_escaped() -> None:
    enabler = _card(_test_q(), {"ENB-STR-01-Q1": 4}).enablers[0]
    chart = charts.enabler_bars("e", [enabler.model_copy(update={"name": "<b>&</b>"})])
    assert isinstance(chart, Markup)
    assert "<b>" not in chart and "&lt;b&gt;&amp;&lt;/b&gt;" in chart


def test_a_domain_that_is_not_assessed_is_said_so_in_the_charts() -> None:
    questionnaire = _test_q()
    card = _card(questionnaire, {"PGM-STD-01-Q1": "na", "PGM-MEA-01-Q1": "na"})
    stages = [charts.StageLabel(stage.id, stage.name) for stage in questionnaire.stages]
    levels = charts.domain_levels("l", card.domains, stages, {"program": 2})
    assert "Program: not assessed; target level 2" in levels
    heatmap = charts.stage_heatmap("h", card.domains, stages)
    assert "Program, Standardize: not assessed" in heatmap
    assert 'fill="url(#h-none)"' in heatmap


# Scoring version 3: what the level and the index are, disputed cells, indicative levels


def test_a_disputed_cell_is_flagged_on_its_domain_to_settle_before_presenting(
    client: TestClient, admin: Headers
) -> None:
    """PRJ-MEA-01-Q1, the project Measure cell's only answered question, is answered 1 and 4:
    a disagreement (dispersion 0.375), so that cell is disputed at 1.0 (at least 0.25)."""
    scored = scored_assessment(client, admin)
    html = page(client, scored["path"] + "/report", scored["owner"], format="html")
    summary = section(html, "summary", "domains")
    assert "Respondents disagree on Measure: settle before presenting." in tile(summary, "project")
    assert "settle before presenting" not in tile(summary, "program")


def test_a_quick_scans_levels_are_each_labelled_indicative(
    client: TestClient, admin: Headers
) -> None:
    body, owner = new_organization(client, admin, "Quick")
    slug = body["slug"]
    a = new_assessment(client, owner, slug, questionnaire_key="test-q-quick")["id"]
    r, _ = new_respondent(client, owner, slug, a)
    save(client, owner, slug, a, r["id"], PRJ_STD_01_Q1=4, PGM_STD_01_Q1=3)
    close(client, owner, slug, a)
    html = page(client, f"/v1/organizations/{slug}/assessments/{a}/report", owner, format="html")
    assert '<div class="banner" id="indicative" role="note">' in html
    summary = section(html, "summary", "domains")
    for domain in ("project", "program"):
        assert 'Level 1 <span class="tag">indicative</span>' in tile(summary, domain)
    full = scored_assessment(client, admin, name="Full")
    assert 'id="indicative"' not in page(
        client, full["path"] + "/report", full["owner"], format="html"
    )


def test_completeness_counts_the_questions_nobody_could_judge(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin, closed=False)
    ann = scored["respondents"][0]["id"]
    answers = f"{scored['path']}/respondents/{ann}/answers"
    saved = client.patch(
        answers,
        json={"answers": [{"question_id": "ENB-STR-01-Q1", "dont_know": True}]},
        headers=scored["owner"],
    )
    assert saved.status_code == 200, saved.text
    html = page(client, scored["path"] + "/report", scored["owner"], format="html")
    assert "1 don't know" in section(html, "facts", "summary")


def test_the_overview_renders_when_a_domain_was_never_in_scope(
    client: TestClient, admin: Headers
) -> None:
    """Issue 25: every closed assessment leaves Program out, so its trend line has no point;
    the overview and its share link answered a raw 500."""
    body, owner = new_organization(client, admin, "Project office")
    slug = body["slug"]
    for period in ("2025", "2026"):
        a = new_assessment(client, owner, slug, period=period, scope=["project"])["id"]
        r, _ = new_respondent(client, owner, slug, a)
        save(client, owner, slug, a, r["id"], PRJ_STD_01_Q1=4, PRJ_STD_01_Q2=3, PRJ_MEA_01_Q1=2)
        close(client, owner, slug, a)
    html = page(client, f"/v1/organizations/{slug}/overview", owner, questionnaire="test-q")
    assert "Program: no value" in html
    link = client.post(
        f"/v1/organizations/{slug}/share-links",
        json={"questionnaire_key": "test-q", "expires_in_days": 7},
        headers=owner,
    ).json()
    shared = client.get(link["url"])
    assert shared.status_code == 200 and "Program: no value" in shared.text
