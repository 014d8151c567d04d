"""Every report and overview page renders, whatever the cards (issue 25, point 1).

Property-based: random answers to random scopes of three questionnaires (the two-domain
`test-q`, its quick scan, the built-in `opm3-style`), scored as scoring version "3" cards or as
versions "2" and "1" had stored them; random previous assessments to compare with; for the
overview, one to fifty closed assessments of random scopes, with domains that no assessment
ever had in scope. Rendered through the render functions (no HTTP), each page must be
well-formed HTML with unique ids, its first screen and its landmarks, and the executive
summary's HTML too.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.core.enums import AssessmentStatus, Rigor
from api.render import html
from api.schemas import (
    DomainFigures,
    EnablerFigures,
    Figures,
    Goal,
    OrganizationProfile,
    OrganizationSummary,
    Trend,
    TrendPoint,
)
from api.services.questionnaires import StoredQuestionnaire
from api.services.reports import Report, Since
from api.services.trend import Overview
from api.storage.tables import AssessmentRow, OrganizationRow
from questionnaires import Questionnaire, builtin_directory, load_file
from scoring import Answer, AnyCard, ScoreCard, ScoreCardV2, compare, rescore, score

from ...samples import DATA
from ...scoring.version_1 import version_1_card
from ...scoring.version_2 import version_2_card

FILES = (
    DATA / "test-q-1.0.0.yaml",
    DATA / "test-q-quick-1.0.0.yaml",
    builtin_directory() / "opm3-style-2.1.0.yaml",
)
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
OPTIONAL_END = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option", "tbody", "thead"})
PROFILE = OrganizationProfile.model_validate(
    {"industry": "Energy", "pmo": {"exists": True, "type": "supportive", "scope": "program"}}
)
ORGANIZATION = OrganizationRow(
    id="org_1", slug="acme", name="Acme <Énergie>", profile=PROFILE, created_at=datetime.now(UTC)
)
CLOSED_AT = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


@lru_cache
def _questionnaire(position: int) -> StoredQuestionnaire:
    loaded = load_file(FILES[position])
    questionnaire = loaded.questionnaire
    return StoredQuestionnaire(
        key=questionnaire.key,
        version=questionnaire.version,
        content_hash="0123456789abcdef",
        questionnaire=questionnaire,
    )


class WellFormed(HTMLParser):
    """Fails on an end tag that closes nothing, or closes an element left open inside it
    (but those whose end tag HTML makes optional); collects the ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.ids: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.ids.extend(value or "" for name, value in attrs if name == "id")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.ids.extend(value or "" for name, value in attrs if name == "id")

    def handle_endtag(self, tag: str) -> None:
        assert tag in self.open, f"</{tag}> closes nothing"
        while (last := self.open.pop()) != tag:
            assert last in OPTIONAL_END, f"<{last}> left open inside <{tag}>"


def _check_page(page: str) -> WellFormed:
    assert page.startswith("<!doctype html>")
    parser = WellFormed()
    parser.feed(page)
    parser.close()
    assert parser.open == [], f"left open: {parser.open}"
    duplicates = {i for i in parser.ids if parser.ids.count(i) > 1}
    assert not duplicates, duplicates
    assert parser.tags.count("main") == 1 and parser.tags.count("h1") == 1
    return parser


def _answers(questionnaire: Questionnaire, scope: Sequence[str], seed: int, people: int) -> list:
    """Random answers of `people` respondents to the questions in scope: values, N/A where
    allowed, "don't know" and blanks, in shares drawn from the seed (a cell may stay empty)."""
    draw = random.Random(seed)
    blank, not_applicable, unknown = draw.random() * 0.6, draw.random() * 0.3, draw.random() * 0.2
    top = max(option.value for option in questionnaire.scale.options)
    # Often one cell (a domain's stage) nobody answered at all.
    empty = (draw.choice(questionnaire.domains).id, draw.choice(questionnaire.stages).id)
    answers: list[Answer] = []
    for person in range(people):
        for practice in questionnaire.best_practices:
            if practice.domain is not None and practice.domain not in scope:
                continue
            if (practice.domain, practice.stage) == empty and seed % 2:
                continue
            for question in practice.questions:
                roll = draw.random()
                if roll < blank:
                    continue
                if roll < blank + not_applicable and question.allow_not_applicable:
                    answers.append(Answer(f"r{person}", question.id, None, not_applicable=True))
                elif roll < blank + not_applicable + unknown:
                    answers.append(Answer(f"r{person}", question.id, None, dont_know=True))
                else:
                    answers.append(Answer(f"r{person}", question.id, draw.randint(0, top)))
    return answers


@st.composite
def cards(draw: st.DrawFn, position: int) -> AnyCard:
    """A card of the questionnaire at `position` in FILES, of scoring version 3, 2 or 1."""
    questionnaire = _questionnaire(position).questionnaire
    domains = [domain.id for domain in questionnaire.domains]
    scope = draw(st.lists(st.sampled_from(domains), min_size=1, unique=True))
    scope = [domain for domain in domains if domain in scope]
    answers = _answers(questionnaire, scope, draw(st.integers(0, 2**32)), draw(st.integers(1, 3)))
    version = draw(st.sampled_from(["3", "3", "2", "1"]))
    if version == "3":
        return score(questionnaire, answers, scope)
    known = [answer for answer in answers if not answer.dont_know]
    as_version_2 = ScoreCardV2.model_validate(version_2_card(questionnaire, known, scope))
    if version == "2":
        return as_version_2
    everywhere = [a for a in _answers(questionnaire, domains, 7, 1) if not a.dont_know]
    whole = ScoreCardV2.model_validate(version_2_card(questionnaire, everywhere))
    return version_1_card(whole, questionnaire)  # version "1" covered every domain


def _assessment(
    stored: StoredQuestionnaire, card: AnyCard, number: int, *, closed: bool
) -> AssessmentRow:
    return AssessmentRow(
        id=f"asm_{number:04d}",
        organization_id=ORGANIZATION.id,
        questionnaire_key=stored.key,
        questionnaire_version=stored.version,
        title=f"OPM <{number}>",
        period=None if number % 3 == 0 else f"20{20 + number % 10}",
        period_end=date(2020, 1, 1) + timedelta(days=30 * number) if number % 2 else None,
        rigor=Rigor.SELF,
        status=AssessmentStatus.CLOSED if closed else AssessmentStatus.OPEN,
        scope=list(getattr(card, "scope", [d.id for d in card.domains])),
        created_at=CLOSED_AT - timedelta(days=400 - number),
        closed_at=CLOSED_AT - timedelta(days=300 - number) if closed else None,
        scoring_version=card.scoring_version if closed else None,
    )


@st.composite
def reports(draw: st.DrawFn) -> Report:
    position = draw(st.integers(0, len(FILES) - 1))
    stored = _questionnaire(position)
    card = draw(cards(position))
    closed = draw(st.booleans()) or not isinstance(card, ScoreCard)
    domains = [domain.id for domain in stored.questionnaire.domains]
    targets = draw(
        st.dictionaries(st.sampled_from(domains), st.integers(1, len(stored.questionnaire.stages)))
    )
    goals = {
        domain: Goal(
            level=level,
            gap_levels=draw(st.none() | st.integers(0, level)),
            progress=draw(st.none() | st.floats(-1, 2)),
        )
        for domain, level in targets.items()
    }
    since = None
    if draw(st.booleans()):
        previous = draw(cards(position))
        since = Since(
            assessment=_assessment(stored, previous, 1, closed=True),
            comparison=compare(previous, card, stored.questionnaire, stored.questionnaire),
        )
    return Report(
        assessment=_assessment(stored, card, 2, closed=closed),
        organization=OrganizationSummary.model_validate(ORGANIZATION),
        provisional=not closed,
        card_json=card.model_dump_json(),
        card=card,
        goals=goals,
        questionnaire=stored,
        answers=[],
        respondents=[],
        since=since,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=reports(), shared=st.booleans(), console=st.booleans())
def test_every_report_page_renders_with_its_first_screen(
    report: Report, shared: bool, console: bool
) -> None:
    page = html.render_report(report, shared=shared, console=console)
    parser = _check_page(page)
    assert {"header", "nav", "main", "footer"} <= set(parser.tags)
    assert 'id="headline"' in page and 'id="levels"' in page and 'id="next-steps"' in page
    first_screen = page[page.index('id="first-screen"') : page.index('id="contents"')]
    assert not re.search(r"\b(None|nan)\b", first_screen)  # no figure left unwritten
    assert ("back-to-console" in page) == (console and not shared)
    card = report.lead
    for domain in card.domains:
        assert '<li class="level-line' in page and f'data-domain="{domain.id}"' in page
    if report.since is None and any(domain.assessed for domain in card.domains):
        assert "first assessment" in page  # else the headline says nothing can be rated yet
    summary = html.render_summary(report)
    _check_page(summary)
    assert 'id="headline"' in summary


def _point(card: ScoreCard, row: AssessmentRow, rescored: bool) -> TrendPoint:
    assert row.closed_at is not None
    overall = card.overall
    return TrendPoint(
        assessment_id=row.id,
        title=row.title,
        period=row.period,
        period_end=row.period_end,
        closed_at=row.closed_at,
        questionnaire_version=row.questionnaire_version,
        scoring_version=row.scoring_version or "3",
        rescored=rescored,
        scope=list(card.scope),
        basis="self",
        overall=Figures(
            attainment=overall.attainment,
            progress=overall.progress,
            level=overall.level,
            index=overall.index,
        ),
        domains={
            domain.id: DomainFigures(
                attainment=domain.attainment,
                progress=domain.progress,
                level=domain.level,
                index=domain.index,
                goal=(
                    Goal(level=2, gap_levels=None, progress=None)
                    if domain.id == card.domains[0].id
                    else None
                ),
            )
            for domain in card.domains
        },
        enablers={
            enabler.id: EnablerFigures(attainment=enabler.attainment, progress=enabler.progress)
            for enabler in card.enablers
        },
    )


@st.composite
def overviews(draw: st.DrawFn) -> Overview:
    """One to fifty closed assessments of random scopes (a card of an older scoring version
    rescored, as the trend does), a domain sometimes never in any scope."""
    position = draw(st.sampled_from([0, 2]))  # the quick scan shares the full form's key
    stored = _questionnaire(position)
    questionnaire = stored.questionnaire
    count = draw(st.sampled_from([0, 1, 2, 5, 50]))
    never = draw(st.none() | st.sampled_from([d.id for d in questionnaire.domains[1:]]))
    points = []
    for number in range(count):
        card = draw(cards(position))
        if never is not None and never in getattr(card, "scope", []) and len(card.domains) > 1:
            scope = [d for d in card.scope if d != never] if isinstance(card, ScoreCard) else []
            if scope:
                card = score(questionnaire, [], scope)
        rescored = not isinstance(card, ScoreCard)
        current = card if isinstance(card, ScoreCard) else rescore(card, questionnaire)
        if never is not None and never in current.scope:
            continue  # a version "1" card covered every domain: leave it out of this history
        points.append(
            _point(current, _assessment(stored, card, 10 + number, closed=True), rescored)
        )
    return Overview(
        organization=ORGANIZATION,
        trend=Trend(questionnaire=stored.key, points=points),
        questionnaire=questionnaire,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overview=overviews(), shared=st.booleans())
def test_every_overview_page_renders(overview: Overview, shared: bool) -> None:
    page = html.render_overview(
        overview,
        report_url=lambda assessment_id: f"reports/{assessment_id}",
        shared=shared,
        console_url="../organization",
    )
    _check_page(page)
    assert ("back-to-console" in page) == (not shared)
    assert page.count('<tr data-assessment="') == len(overview.trend.points)
