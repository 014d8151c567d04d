"""The first screen of a report, the page's and the PDF's alike (issue 25).

What an executive repeats: one headline sentence (the weakest domain in scope, its change since
the previous closed assessment, its next step); each domain's level and index, each with what
it means in words, and the change since last time; then the next steps. Everything is read from
the score card and from the comparison with the previous assessment (`Report.since`,
`scoring.md` section 8): nothing here computes a figure that `scoring.md` defines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from api.render.charts import AnyDomain, domain_in_scope
from api.render.jinja import decimal, when
from api.services.reports import Report, Since
from questionnaires import Questionnaire
from scoring import AnyCard, DomainChange, ScoreCard, ScoreCardV1

__all__ = [
    "DomainChangeView",
    "DomainLine",
    "FirstScreen",
    "NextStep",
    "first_screen",
    "signed",
]

_MINUS = "\u2212"


def signed(delta: float) -> str:
    """A change with its sign, to two decimals: "+0.42", "\u22120.13" (a minus sign), "±0.00"."""
    shown = f"{abs(delta):.2f}"
    if shown == "0.00":
        return "\u00b10.00"
    return f"+{shown}" if delta > 0 else f"{_MINUS}{shown}"


@dataclass(frozen=True)
class DomainChangeView:
    """One domain's change since the previous assessment, as the comparison gives it."""

    index_delta: float  # rounded to 4 decimals, as the comparison has it
    level_delta: int | None
    level_before: int | None
    level_after: int | None
    index_before: float | None
    index_after: float | None
    direction: str  # "up", "down" or "same", from the index
    arrow: str
    figure: str  # "+0.42"
    level_words: str  # "level 1 → 2", "level unchanged"


@dataclass(frozen=True)
class DomainLine:
    """One domain on the first screen."""

    id: str
    name: str
    in_scope: bool
    assessed: bool
    level: int | None
    level_name: str | None
    index: float | None
    weakest: bool
    level_means: str  # what this domain's level claims, in words
    index_means: str  # what this domain's index says, in words
    change: DomainChangeView | None
    no_change: str  # why there is no change to show: "first assessment", ...


@dataclass(frozen=True)
class NextStep:
    domain_id: str
    text: str
    practices: tuple[tuple[str, str], ...]  # (id, title) of the candidates to attain


@dataclass(frozen=True)
class FirstScreen:
    headline: str
    since: str | None  # "2025 (closed 2025-12-31 09:00 UTC)", None without a previous one
    since_short: str | None  # "2025"
    rescored: bool  # the change is measured under the current scoring rules
    # "1.0.0" when the previous assessment used another questionnaire version: the change is
    # then measured on the best practices both versions share.
    other_version: str | None
    weakest_tag: str  # "weakest in scope", or "lowest level in scope" when another has the
    # lowest index
    domains: tuple[DomainLine, ...]
    next_steps: tuple[NextStep, ...]
    stage_count: int


def _names(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _level_means(domain: AnyDomain, stage_names: Sequence[str]) -> str:
    if domain.level is None:
        return ""
    achieved = list(stage_names[: domain.level])
    claim = f"Achieved in a row: {_names(achieved)}" if achieved else "No stage is achieved yet"
    if domain.level < len(stage_names):
        claim += f"; {stage_names[domain.level]} not yet"
    return claim + "."


def _index_means(card: AnyCard, domain: AnyDomain, stage_count: int) -> str:
    if domain.index is None:
        return ""
    figure = f"{decimal(domain.index)} of {stage_count}"
    if isinstance(card, ScoreCard):
        return (
            f"{figure}: how far the practices have come, partial credit counted, each stage no "
            "further than the stages below it. Not a level."
        )
    if isinstance(card, ScoreCardV1):
        return f"{figure}: the level plus the share of the next stage's practices attained."
    return f"{figure}: the level plus the progress through the next stage."


def _change(change: DomainChange) -> DomainChangeView | None:
    delta = change.index.delta
    if delta is None:
        return None
    direction = "up" if delta > 0 else "down" if delta < 0 else "same"
    level = change.level
    if level.delta is None or level.delta == 0:
        level_words = "level unchanged" if level.delta == 0 else ""
    else:
        level_words = f"level {level.base} \u2192 {level.target}"
    return DomainChangeView(
        index_delta=delta,
        level_delta=level.delta,
        level_before=level.base,
        level_after=level.target,
        index_before=change.index.base,
        index_after=change.index.target,
        direction=direction,
        arrow={"up": "\u2191", "down": "\u2193", "same": "\u2192"}[direction],
        figure=signed(delta),
        level_words=level_words,
    )


def _step(domain: AnyDomain, stage_names: Mapping[str, str], titles: Mapping[str, str]) -> NextStep:
    next_level = domain.next_level
    if next_level is None:
        return NextStep(domain.id, f"{domain.name}: every stage is achieved; keep it so.", ())
    stage = stage_names.get(next_level.stage, next_level.stage)
    if next_level.needed is None:
        return NextStep(
            domain.id,
            f"{domain.name}: assess its {stage} stage first (every question there was marked "
            f"not applicable); level {next_level.level} cannot be claimed until it is.",
            (),
        )
    needed = next_level.needed
    plural = "" if needed == 1 else "s"
    candidates = tuple((pid, titles.get(pid, pid)) for pid in next_level.candidates[:needed])
    more = len(next_level.candidates) - len(candidates)
    text = (
        f"{domain.name}: attain {needed} more {stage} best practice{plural} to reach level "
        f"{next_level.level}"
        + (f" (of {len(next_level.candidates)} candidates, lowest score first)" if more else "")
        + ":"
    )
    return NextStep(domain.id, text, candidates)


def _headline_step(domain: AnyDomain, stage_names: Mapping[str, str]) -> str:
    next_level = domain.next_level
    if next_level is None:
        return "Next: keep every stage in place."
    stage = stage_names.get(next_level.stage, next_level.stage)
    if next_level.needed is None:
        return f"Next: assess {domain.name}'s {stage} stage, which no answer covers yet."
    needed = next_level.needed
    plural = "" if needed == 1 else "s"
    return (
        f"Next: attain {needed} more {stage} best practice{plural} in {domain.name} for "
        f"level {next_level.level}."
    )


def _since_clause(line: DomainLine, since: str | None, named: bool) -> str:
    """The change of the headline's domain; `named`: call it by its name (several are
    named in the headline), else "its"."""
    if since is None:
        return "This is the first assessment"
    change = line.change
    if change is None:
        return f"{line.name} was not assessed in {since}"
    its = f"{line.name}'s" if named else "Its"
    if change.direction == "same":
        return f"{its} index is unchanged since {since}"
    verb = "rose" if change.direction == "up" else "fell"
    # Across questionnaire versions the comparison is made on the practices both share: its
    # levels are then not this card's, and the sentence leaves them out.
    same_figures = (change.level_after, change.index_after) == (line.level, line.index)
    level = f" ({change.level_words})" if change.level_delta and same_figures else ""
    return f"{its} index {verb} {decimal(abs(change.index_delta))} since {since}{level}"


def _headline(
    card: AnyCard,
    lines: Sequence[DomainLine],
    domains: Mapping[str, AnyDomain],
    stage_names: Mapping[str, str],
    since: str | None,
    stage_count: int,
    provisional: bool,
) -> str:
    weakest = [line for line in lines if line.weakest]
    if not weakest:
        if provisional:
            return "No domain in scope can be rated yet: too few answers are saved so far."
        return "No domain in scope could be rated: every question there was marked not applicable."
    first = weakest[0]
    assessed = [line for line in lines if line.in_scope and line.assessed]
    names = _names([line.name for line in weakest])
    level = (
        f"level {first.level} ({first.level_name}), index {decimal(first.index)} of {stage_count}"
    )
    # The lowest index may be another domain's (scoring.md section 5): then both are named.
    lowest_index = [line for line in assessed if line.index == card.overall.index]
    if len(assessed) == 1:
        sentence = f"{first.name} stands at {level}."
    elif first in lowest_index:
        subject = "the weakest domain in scope" if len(weakest) == 1 else "the weakest domains"
        verb = "stands" if len(weakest) == 1 else "stand"
        sentence = f"{names}, {subject}, {verb} at {level}."
    else:
        has = "has" if len(weakest) == 1 else "have"
        other = _names([line.name for line in lowest_index])
        sentence = (
            f"{names} {has} the lowest level in scope: {level} ({other} "
            f"{'has' if len(lowest_index) == 1 else 'have'} the lowest index, "
            f"{decimal(card.overall.index)})."
        )
    named = len(weakest) > 1 or first not in lowest_index  # another domain was just named
    sentence += f" {_since_clause(first, since, named)}."
    return f"{sentence} {_headline_step(domains[first.id], stage_names)}"


def first_screen(report: Report) -> FirstScreen:
    """The first screen of the report (its lead card: the validated one when there is one)."""
    card = report.lead
    questionnaire: Questionnaire = report.questionnaire.questionnaire
    stage_list = [stage.name for stage in questionnaire.stages]
    stage_names = {stage.id: stage.name for stage in questionnaire.stages}
    stage_count = len(questionnaire.stages)
    titles = {practice.id: practice.title for practice in card.best_practices}
    since = report.since
    changes = {change.id: change for change in since.comparison.domains} if since else {}
    since_short = _since_label(since) if since else None
    weakest = _weakest(card)
    lines: list[DomainLine] = []
    for domain in card.domains:
        in_scope = domain_in_scope(domain)
        change = changes.get(domain.id)
        view = _change(change) if change is not None else None
        if since is None:
            no_change = "first assessment"
        elif change is None:
            no_change = f"not in the scope of {since_short}"
        elif change.index.target is None:
            no_change = "not assessed now"
        else:
            no_change = f"not assessed in {since_short}"
        lines.append(
            DomainLine(
                id=domain.id,
                name=domain.name,
                in_scope=in_scope,
                assessed=domain.assessed,
                level=domain.level,
                level_name=domain.level_name,
                index=domain.index,
                weakest=domain.id in weakest,
                level_means=_level_means(domain, stage_list),
                index_means=_index_means(card, domain, stage_count),
                change=view,
                no_change=no_change,
            )
        )
    domains = {domain.id: domain for domain in card.domains}
    assessed = sorted(
        (domain for domain in card.domains if domain_in_scope(domain) and domain.assessed),
        key=_weakness,
    )
    return FirstScreen(
        headline=_headline(
            card, lines, domains, stage_names, since_short, stage_count, report.provisional
        ),
        since=_since_long(since) if since else None,
        since_short=since_short,
        rescored=since is not None and since.comparison.scoring == "rescored",
        other_version=(
            since.comparison.questionnaire.base_version
            if since is not None
            and since.comparison.questionnaire.base_version
            != since.comparison.questionnaire.target_version
            else None
        ),
        domains=tuple(lines),
        weakest_tag=(
            "weakest in scope"
            if any(
                line.weakest and line.index == card.overall.index and card.overall.index is not None
                for line in lines
            )
            else "lowest level in scope"
        ),
        next_steps=tuple(_step(domain, stage_names, titles) for domain in assessed),
        stage_count=stage_count,
    )


def _weakness(domain: AnyDomain) -> tuple[int, float]:
    return (domain.level or 0, domain.index or 0.0)


def _weakest(card: AnyCard) -> set[str]:
    """The weakest domains in scope: the lowest level (what the organization can claim, the
    card's overall level), then among those the lowest index."""
    assessed = [domain for domain in card.domains if domain_in_scope(domain) and domain.assessed]
    if not assessed:
        return set()
    lowest = min(_weakness(domain) for domain in assessed)
    return {domain.id for domain in assessed if _weakness(domain) == lowest}


def _since_label(since: Since) -> str:
    return since.assessment.period or since.assessment.title


def _since_long(since: Since) -> str:
    previous = since.assessment
    label = previous.title
    if previous.period and previous.period not in previous.title:
        label += f", {previous.period}"
    return f"{label} (closed {when(previous.closed_at)})"
