"""The HTML pages: one assessment's report and an organization's overview, rendered with Jinja2.

Pages are self-contained (inline CSS and SVG, no script, no font or image from anywhere) and
are sent with a strict Content-Security-Policy. Jinja2 autoescapes everything; evidence
becomes a link only for `http` and `https` URLs. The report layer computes nothing that
`scoring.md` defines: it lays out the score card, the improvement path and the PMO notes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi.responses import HTMLResponse

from api.core.enums import Rigor
from api.render import charts
from api.render.first_screen import first_screen
from api.render.improvement_path import improvement_path
from api.render.insights import at_a_glance, pmo_notes
from api.render.jinja import DONT_KNOW, NONE_SHOWN, decimal, environment, evidence_link, percent
from api.schemas import OrganizationProfile
from api.services import consensus
from api.services.answers_shown import (
    COMMENTS_SHOWN,
    INDIVIDUAL_LIMIT,
    AnswerGiven,
    AnswersShown,
    PooledAnswers,
)
from api.services.reports import Report
from api.services.trend import Overview
from api.storage.tables import ConsensusRow, RespondentRow
from questionnaires import Questionnaire
from scoring import AnyCard, CardParameters, ScoreCard, ScoreCardV1
from scoring.card_v2 import CardParametersV2

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "INDEX_MEANS",
    "LEVEL_MEANS",
    "PAGE_HEADERS",
    "RIGOR",
    "AnswerView",
    "ConsensusChange",
    "DistributionView",
    "DomainTile",
    "Reading",
    "SideBySide",
    "consensus_changes",
    "domain_tiles",
    "evidence_link",
    "first_screen_context",
    "html_response",
    "not_found_page",
    "pmo_description",
    "reading",
    "render_overview",
    "render_report",
    "render_summary",
    "report_context",
]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
RIGOR = {
    Rigor.SELF: "Self-assessment",
    Rigor.FACILITATED: "Facilitated",
    Rigor.INDEPENDENT: "Independent (evidence checked by an outside assessor)",
}


def html_response(
    content: str | bytes, *, status_code: int = 200, shared: bool = False
) -> HTMLResponse:
    """An HTML page with the security headers of every page (and no indexing when shared)."""
    headers = dict(PAGE_HEADERS)
    if shared:
        headers["X-Robots-Tag"] = "noindex, nofollow"
    return HTMLResponse(content, status_code=status_code, headers=headers)


def pmo_description(profile: OrganizationProfile) -> str:
    """The PMO profile in words: "Controlling PMO, permanent, enterprise scope"."""
    pmo = profile.pmo
    if pmo is None:
        return "Not recorded"
    if not pmo.exists:
        return "No PMO"
    words = [f"{pmo.type.capitalize()} PMO" if pmo.type else "PMO"]
    if pmo.permanence:
        words.append(pmo.permanence)
    if pmo.scope:
        words.append(f"{pmo.scope} scope")
    return ", ".join(words)


# The report of one assessment


@dataclass(frozen=True)
class AnswerView:
    respondent: str
    value: str  # "3 · Largely in place", "N/A", "Don't know"
    short: str  # "3", "N/A", "?"
    comment: str | None
    evidence: tuple[str, ...]


def _value_label(questionnaire: Questionnaire, answer: AnswerGiven) -> str:
    if answer.not_applicable:
        return "N/A"
    if answer.dont_know:
        return DONT_KNOW
    if answer.value is None:
        return NONE_SHOWN
    labels = {option.value: option.label for option in questionnaire.scale.options}
    return f"{answer.value} · {labels.get(answer.value, '')}".rstrip(" ·")


def _short(answer: AnswerGiven) -> str:
    if answer.not_applicable:
        return "N/A"
    if answer.dont_know:
        return "?"
    return NONE_SHOWN if answer.value is None else str(answer.value)


def _answers_by_question(
    shown: AnswersShown, questionnaire: Questionnaire
) -> dict[str, list[AnswerView]]:
    """Each question's answers by respondent, in the order respondents were added: only when
    the report lists them (`AnswersShown.individual`), else empty."""
    return {
        question: [
            AnswerView(
                respondent=answer.respondent,
                value=_value_label(questionnaire, answer),
                short=_short(answer),
                comment=answer.comment,
                evidence=answer.evidence,
            )
            for answer in answers
        ]
        for question, answers in shown.listed.items()
    }


@dataclass(frozen=True)
class DistributionView:
    """A question's answers without names, as the page writes them."""

    counts: tuple[tuple[str, str, int], ...]  # (short, label, count) of every scale value, N/A, ?
    total: int
    pooled: PooledAnswers


def _distributions(
    shown: AnswersShown, questionnaire: Questionnaire
) -> dict[str, DistributionView]:
    labels = {option.value: option.label for option in questionnaire.scale.options}
    views: dict[str, DistributionView] = {}
    for question, pooled in shown.pooled.items():
        distribution = pooled.distribution
        counts = [(str(value), labels.get(value, ""), n) for value, n in distribution.values]
        if distribution.not_applicable:
            counts.append(("N/A", "not applicable", distribution.not_applicable))
        if distribution.dont_know:
            counts.append(("?", DONT_KNOW, distribution.dont_know))
        views[question] = DistributionView(tuple(counts), distribution.total, pooled)
    return views


def _appendix(card: AnyCard, questionnaire: Questionnaire) -> list[dict[str, Any]]:
    """Best practices grouped by domain and stage, then by enabler, in questionnaire order."""
    domains = {domain.id: domain.name for domain in questionnaire.domains}
    stages = {stage.id: stage.name for stage in questionnaire.stages}
    enablers = {enabler.id: enabler.name for enabler in questionnaire.enablers}
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for domain in questionnaire.domains:
        for stage in questionnaire.stages:
            heading = f"{domain.name} · {stage.name}"
            groups[(domain.id, stage.id)] = {"heading": heading, "practices": []}
    for enabler in questionnaire.enablers:
        groups[("enabler", enabler.id)] = {"heading": f"Enabler · {enabler.name}", "practices": []}
    for practice in card.best_practices:
        if practice.enabler is not None:
            key = ("enabler", practice.enabler)
        else:
            key = (practice.domain or "", practice.stage or "")
        if key not in groups:  # defensively: a card and questionnaire that disagree
            label = enablers.get(key[1]) or f"{domains.get(key[0], key[0])} · {stages.get(key[1])}"
            groups[key] = {"heading": label, "practices": []}
        groups[key]["practices"].append(practice)
    return [group for group in groups.values() if group["practices"]]


@dataclass(frozen=True)
class DomainTile:
    """One domain in the summary: its level and index first, or why it has none."""

    id: str
    name: str
    in_scope: bool
    assessed: bool
    level: int | None
    level_name: str | None
    index: float | None
    next_stage: str | None  # the stage the index's fraction is made in; None at the top
    next_progress: float | None  # that stage's progress (None on a version "1" card)
    next_attained: str | None  # "1 of 2 attained", None when that stage has no assessed practice
    weakest: bool  # sets the overall figure
    target: int | None
    disputed: tuple[str, ...] = ()  # stages flagged as disputed (`consensus.flagged`)


def domain_tiles(
    card: AnyCard, stage_names: Mapping[str, str], targets: Mapping[str, int]
) -> list[DomainTile]:
    """The summary's domains, in questionnaire order, read straight from the card."""
    tiles: list[DomainTile] = []
    for domain in card.domains:
        next_level = domain.next_level if domain.assessed else None
        cell = next(
            (c for c in domain.stages if next_level is not None and c.id == next_level.stage),
            None,
        )
        tiles.append(
            DomainTile(
                id=domain.id,
                name=domain.name,
                in_scope=charts.domain_in_scope(domain),
                assessed=domain.assessed,
                level=domain.level,
                level_name=domain.level_name,
                index=domain.index,
                next_stage=(
                    stage_names.get(next_level.stage, next_level.stage) if next_level else None
                ),
                next_progress=charts.progress_of(cell) if cell is not None else None,
                next_attained=(
                    charts.attained_words(cell.practices_attained, cell.practices_assessed)
                    if cell is not None and cell.practices_assessed
                    else None
                ),
                weakest=(
                    domain.assessed
                    and card.overall.index is not None
                    and domain.index == card.overall.index
                ),
                target=targets.get(domain.id),
                disputed=tuple(
                    stage_names.get(cell.id, cell.id)
                    for cell in domain.stages
                    if consensus.flagged(cell)
                ),
            )
        )
    return tiles


LEVEL_MEANS = (
    "The level is what can be claimed: the stages achieved in order, each with enough of its "
    "best practices attained."
)
INDEX_MEANS = (
    "The index is how far the practices have come, on a scale of 0 to the number of stages: "
    "each stage counts as far as its practices are in place, but never further than the "
    "stages below it. It is not a level, and its whole part may differ from the level."
)


@dataclass(frozen=True)
class Reading:
    """The sentences that say what the page's figures are, for this card's parameters."""

    progress: str | None  # None on a version "1" card, which has no progress
    attainment: str
    index: str
    how_close: str | None
    level: str


def reading(card: AnyCard, tiles: Sequence[DomainTile]) -> Reading:
    """What progress, attainment, the index and a gap's credit are, in words a reader follows.

    The index is explained on the first domain of the page whose index has a fraction.
    """
    threshold = percent(card.parameters.attainment_threshold)
    attainment = (
        f"Attainment counts only the best practices scored at or above the {threshold} "
        "attainment threshold."
    )
    if isinstance(card, ScoreCardV1):
        return Reading(
            progress=None,
            attainment=attainment,
            index=(
                "The index is a domain's level plus the share of the next stage's best practices "
                "attained (scoring version 1)."
            ),
            how_close=None,
            level=LEVEL_MEANS,
        )
    halfway = _halfway(card.parameters)
    example = next(
        (
            tile
            for tile in tiles
            if tile.in_scope and tile.assessed and tile.next_progress and tile.next_stage
        ),
        None,
    )
    if isinstance(card, ScoreCard):
        index = INDEX_MEANS
    else:
        index = "The index is a domain's level plus its progress through the next stage"
        if example is not None:
            index += (
                f": {example.name}'s {decimal(example.index)} is level {example.level}, "
                f"{percent(example.next_progress)} of the way through {example.next_stage}"
            )
        index += " (scoring version 2)."
    progress = (
        "Progress counts partial credit, question by question: a question "
        f"{halfway}, earns half, and an attained best practice earns all of it."
        if isinstance(card, ScoreCard)
        else f"Progress counts partial credit: a best practice {halfway}, counts half."
    )
    return Reading(
        progress=progress,
        attainment=attainment,
        index=index,
        how_close=_how_close(card.parameters),
        level=LEVEL_MEANS,
    )


def _how_close(parameters: CardParameters | CardParametersV2) -> str:
    """What "how close" means, with a practice four fifths of the way as the example."""
    threshold, floor = parameters.attainment_threshold, parameters.credit_floor
    example = percent(floor + 0.8 * (threshold - floor))
    start = f" from the {percent(floor)} floor" if floor else ""
    return (
        f"How close: how far a gap's score has come{start} toward the {percent(threshold)} "
        f"attainment threshold (its credit); a practice scored {example} is 80% of the way."
    )


def _halfway(parameters: CardParameters | CardParametersV2) -> str:
    threshold = percent(parameters.attainment_threshold)
    if parameters.credit_floor:
        floor = percent(parameters.credit_floor)
        return f"scored halfway between {floor} and the {threshold} attainment threshold"
    middle = percent(parameters.attainment_threshold / 2)
    return f"scored {middle}, halfway to the {threshold} attainment threshold"


@dataclass(frozen=True)
class SideBySide:
    """One domain's level and index, self-assessed and validated."""

    id: str
    name: str
    self_level: int | None
    validated_level: int | None
    self_index: float | None
    validated_index: float | None

    @property
    def changed(self) -> bool:
        return (self.self_level, self.self_index) != (self.validated_level, self.validated_index)


@dataclass(frozen=True)
class ConsensusChange:
    """A question whose consensus rating changed what the self-assessed card says of it."""

    question_id: str
    self_status: str
    self_score: float | None
    rating: ConsensusRow


def _question_scores(card: ScoreCard) -> dict[str, tuple[str, float | None]]:
    return {
        question.id: (question.status, question.score)
        for practice in card.best_practices
        for question in practice.questions
    }


def consensus_changes(
    self_card: AnyCard, validated: ScoreCard, ratings: Sequence[ConsensusRow]
) -> list[ConsensusChange]:
    """The ratings that changed a question's status or score from the self-assessed card."""
    before = _question_scores(self_card) if isinstance(self_card, ScoreCard) else {}
    after = _question_scores(validated)
    return [
        ConsensusChange(rating.question_id, *before[rating.question_id], rating)
        for rating in ratings
        if rating.question_id in before
        and before[rating.question_id] != after.get(rating.question_id)
    ]


def _side_by_side(self_card: AnyCard, validated: ScoreCard) -> list[SideBySide]:
    validated_domains = {domain.id: domain for domain in validated.domains}
    return [
        SideBySide(
            id=domain.id,
            name=domain.name,
            self_level=domain.level,
            validated_level=validated_domains[domain.id].level,
            self_index=domain.index,
            validated_index=validated_domains[domain.id].index,
        )
        for domain in self_card.domains
        if domain.id in validated_domains and charts.domain_in_scope(domain)
    ]


def report_context(
    report: Report, respondents: list[RespondentRow], *, shared: bool
) -> dict[str, Any]:
    """Everything the report template shows.

    With a validated card, the page leads with it (`card`) and shows the self-assessed figures
    beside it; where respondents disagree is read from the self-assessed card.
    """
    card = report.lead
    validated = report.validated
    questionnaire = report.questionnaire.questionnaire
    stage_labels = [charts.StageLabel(stage.id, stage.name) for stage in questionnaire.stages]
    targets = {domain: goal.level for domain, goal in report.goals.items()}
    questions = questionnaire.questions
    question_practice = {
        question.id: practice
        for practice in questionnaire.best_practices
        for question in practice.questions
    }
    shown = report.answers_shown()
    answers = _answers_by_question(shown, questionnaire)
    stage_names = {stage.id: stage.name for stage in questionnaire.stages}
    tiles = domain_tiles(card, stage_names, targets)
    profile = report.organization.profile
    return {
        "shared": shared,
        "organization": report.organization,
        "profile": profile,
        "pmo": pmo_description(profile),
        "assessment": report.assessment,
        "rigor": RIGOR.get(report.assessment.rigor, report.assessment.rigor),
        "provisional": report.provisional,
        "questionnaire": questionnaire,
        "stored": report.questionnaire,
        "card": card,
        "self_card": report.card,
        "validated": validated is not None,
        "side_by_side": [] if validated is None else _side_by_side(report.card, validated),
        "consensus_changes": (
            [] if validated is None else consensus_changes(report.card, validated, report.consensus)
        ),
        "ratings": report.consensus,
        "verdicts": {
            verdict: [r.question_id for r in report.consensus if r.evidence_verdict == verdict]
            for verdict in ("accepted", "insufficient", None)
        },
        "version_1": isinstance(card, ScoreCardV1),
        "version_3": isinstance(card, ScoreCard),
        "indicative": isinstance(card, ScoreCard) and card.indicative,
        "overall_progress": None if isinstance(card, ScoreCardV1) else card.overall.progress,
        "tiles": tiles,
        "weakest": [
            domain.name
            for domain in card.domains
            if domain.assessed and domain.index == card.overall.index
        ],
        "weakest_level": [
            domain.name
            for domain in card.domains
            if domain.assessed and domain.level == card.overall.level
        ],
        "out_of_scope": [
            domain.name for domain in card.domains if not charts.domain_in_scope(domain)
        ],
        "reading": reading(card, tiles),
        # An anonymous assessment's page names no respondent, not even in a list apart.
        "respondents": [] if shown.anonymous else respondents,
        "goals": report.goals,
        "stages": {stage.id: stage for stage in questionnaire.stages},
        "domain_names": {domain.id: domain.name for domain in card.domains},
        "enabler_names": {enabler.id: enabler.name for enabler in card.enablers},
        "stage_count": len(questionnaire.stages),
        "levels_chart": charts.domain_levels("chart-levels", card.domains, stage_labels, targets),
        "heatmap": charts.stage_heatmap("chart-heatmap", card.domains, stage_labels),
        "enablers_chart": (
            charts.enabler_bars("chart-enablers", card.enablers) if card.enablers else None
        ),
        "notes": pmo_notes(profile, card, questionnaire),
        "glance": at_a_glance(card, report.goals, stage_names),
        "path": improvement_path(card, questionnaire),
        "practice_titles": {practice.id: practice.title for practice in card.best_practices},
        "questions": questions,
        "question_practice": question_practice,
        "answers": answers,
        "shown": shown,
        "distributions": _distributions(shown, questionnaire),
        "comments_shown": COMMENTS_SHOWN,
        "individual_limit": INDIVIDUAL_LIMIT,
        "appendix": _appendix(card, questionnaire),
    }


def first_screen_context(report: Report, *, console: bool = False) -> dict[str, Any]:
    """What the first screen shows (`api.render.first_screen`), and the way back to the
    console for a page opened from it (a link relative to the console's report page, so that
    it holds whatever the organization's slug becomes)."""
    return {
        "first": first_screen(report),
        "level_means": LEVEL_MEANS,
        "index_means": INDEX_MEANS,
        "console_url": f"../{report.assessment.id}" if console else None,
        # The executive summary beside the page: the console's own route, else `?format=pdf`
        # (the JSON API's report and a share link both take it).
        "pdf_url": "report.pdf" if console else "?format=pdf",
    }


def render_report(report: Report, *, shared: bool, console: bool = False) -> str:
    """The report page of one assessment (a report built `with_answers` and `with_previous`).

    `console`: opened from the console, whose page it links back to (never a shared page).
    """
    context = report_context(report, report.respondents, shared=shared)
    context |= first_screen_context(report, console=console and not shared)
    return environment().get_template("report.html").render(context)


def render_summary(report: Report) -> str:
    """The executive summary (the PDF's HTML): the first screen, the levels chart and the
    heatmap, and what the report rests on (a report built `with_previous`)."""
    card = report.lead
    questionnaire = report.questionnaire.questionnaire
    stage_labels = [charts.StageLabel(stage.id, stage.name) for stage in questionnaire.stages]
    targets = {domain: goal.level for domain, goal in report.goals.items()}
    context = {
        "organization": report.organization,
        "assessment": report.assessment,
        "questionnaire": questionnaire,
        "stored": report.questionnaire,
        "provisional": report.provisional,
        "card": card,
        "validated": report.validated is not None,
        "rigor": RIGOR.get(report.assessment.rigor, report.assessment.rigor),
        "version_1": isinstance(card, ScoreCardV1),
        "version_3": isinstance(card, ScoreCard),
        "indicative": isinstance(card, ScoreCard) and card.indicative,
        "levels_chart": charts.domain_levels("chart-levels", card.domains, stage_labels, targets),
        "heatmap": charts.stage_heatmap("chart-heatmap", card.domains, stage_labels),
        **first_screen_context(report),
    }
    return environment().get_template("report_summary.html").render(context)


# The overview of an organization


def render_overview(
    overview: Overview,
    *,
    report_url: Callable[[str], str],
    shared: bool,
    console_url: str | None = None,
) -> str:
    """The overview page: maturity index over time, overall and per domain, with links;
    `console_url`, opened from the console, the way back to it (never on a shared page)."""
    organization, trend, questionnaire = (
        overview.organization,
        overview.trend,
        overview.questionnaire,
    )
    points = trend.points
    labels = [point.period or point.title for point in points]
    domain_ids: list[str] = [domain.id for domain in questionnaire.domains]
    for point in points:
        domain_ids.extend(d for d in point.domains if d not in domain_ids)
    names = {domain.id: domain.name for domain in questionnaire.domains}
    series = [
        charts.Series(
            id="overall",
            name="Weakest in scope",
            short_name="Weakest",
            values=tuple(point.overall.index for point in points),
            overall=True,
        ),
        *(
            charts.Series(
                id=domain,
                name=names.get(domain, domain),
                values=tuple(
                    point.domains[domain].index if domain in point.domains else None
                    for point in points
                ),
            )
            for domain in domain_ids
        ),
    ]
    indexes = [
        value for item in series for value in item.values if value is not None
    ]  # an older version may have had more stages
    maximum = max([len(questionnaire.stages), *(int(-(-value // 1)) for value in indexes)])
    enabler_ids: list[str] = [enabler.id for enabler in questionnaire.enablers]
    for point in points:
        enabler_ids.extend(e for e in point.enablers if e not in enabler_ids)
    goals = points[-1].domains if points else {}
    # Where scopes differ, the weakest domain in scope is not taken over the same domains.
    left_out = [
        (label, [names.get(d, d) for d in point.domains if d not in point.scope])
        for label, point in zip(labels, points, strict=True)
    ]
    scope_changes = (
        [(label, domains) for label, domains in left_out if domains]
        if len({tuple(point.scope) for point in points}) > 1
        else []
    )
    context = {
        "shared": shared,
        "organization": organization,
        "pmo": pmo_description(organization.profile),
        "questionnaire": questionnaire,
        "trend": trend,
        "points": points,
        "labels": labels,
        "domain_ids": domain_ids,
        "domain_names": names,
        "enabler_ids": enabler_ids,
        "enabler_names": {enabler.id: enabler.name for enabler in questionnaire.enablers},
        "latest_goals": {d: figures.goal for d, figures in goals.items() if figures.goal},
        "latest_scope": points[-1].scope if points else [],
        "scope_changes": scope_changes,
        "chart": charts.trend_lines("chart-trend", labels, series, maximum) if points else None,
        "report_url": report_url,
        "console_url": None if shared else console_url,
    }
    return environment().get_template("overview.html").render(context)


def not_found_page(detail: str) -> str:
    """A small page for a share link that is unknown, expired or revoked."""
    return environment().get_template("not_found.html").render(detail=detail)
