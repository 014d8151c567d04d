"""PMO context notes: fixed rules from the organization profile (`architecture.md`).

A PMO's mandate decides how much it can move OPM maturity, so a report shows, beside the
scores, notes drawn from the organization's PMO profile. Each rule applies only where the ids
it names exist in the questionnaire (and, for domains, where that domain was assessed):

- `no_pmo`: no PMO, and the questionnaire has the `structural` enabler: its practices have no
  natural owner; name one before improving them.
- `temporary_pmo`: a temporary PMO: what it standardizes may leave with it; plan the hand-over
  to a permanent owner.
- `narrow_scope`: a PMO whose scope is narrower than an assessed domain (`program` or
  `portfolio` assessed under a `project` PMO, `portfolio` under a `program` PMO): those
  domains' results are outside its mandate.
- `supportive_control`: a supportive PMO where some assessed domain's `next_level.stage` is
  `control`: control usually needs a controlling or directive mandate.

A profile without PMO information gives no note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from api.core.enums import PmoPermanence, PmoType
from api.render.charts import AnyDomain, decimal, domain_in_scope, percent, progress_of
from api.schemas import OrganizationProfile
from questionnaires import Questionnaire
from scoring import AnyCard, ScoreCard, ScoreCardV1

STRUCTURAL = "structural"
CONTROL = "control"
SCOPE_RANK = {"project": 0, "program": 1, "portfolio": 2, "enterprise": 3}


@dataclass(frozen=True)
class ContextNote:
    rule: str
    title: str
    text: str


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def pmo_notes(
    profile: OrganizationProfile, card: AnyCard, questionnaire: Questionnaire
) -> list[ContextNote]:
    """The notes that apply to this profile, card and questionnaire, in the order above."""
    pmo = profile.pmo
    if pmo is None:
        return []
    notes: list[ContextNote] = []
    enablers = {enabler.id: enabler for enabler in questionnaire.enablers}
    if not pmo.exists:
        if STRUCTURAL in enablers:
            practices = [
                practice.id
                for practice in questionnaire.best_practices
                if practice.enabler == STRUCTURAL
            ]
            notes.append(
                ContextNote(
                    rule="no_pmo",
                    title="No PMO",
                    text=(
                        f"The {enablers[STRUCTURAL].name.lower()} enabler practices "
                        f"({_names(practices)}) have no natural owner. Name one before "
                        "improving them."
                    ),
                )
            )
        return notes
    if pmo.permanence == PmoPermanence.TEMPORARY:
        notes.append(
            ContextNote(
                rule="temporary_pmo",
                title="Temporary PMO",
                text=(
                    "What a temporary PMO standardizes may leave with it. Plan the hand-over of "
                    "its methods, tools and records to a permanent owner."
                ),
            )
        )
    scope = pmo.scope
    if scope is not None and scope in SCOPE_RANK:
        wider = [
            domain.name
            for domain in card.domains
            if domain.assessed and SCOPE_RANK.get(domain.id, -1) > SCOPE_RANK[scope]
        ]
        if wider:
            notes.append(
                ContextNote(
                    rule="narrow_scope",
                    title=f"PMO scope: {scope}",
                    text=(
                        f"The {_names(wider)} results lie outside the mandate of a {scope}-level "
                        "PMO. Improving them needs an owner at that level."
                    ),
                )
            )
    if pmo.type == PmoType.SUPPORTIVE:
        towards_control = [
            domain.name
            for domain in card.domains
            if domain.assessed
            and domain.next_level is not None
            and domain.next_level.stage == CONTROL
        ]
        if towards_control:
            notes.append(
                ContextNote(
                    rule="supportive_control",
                    title="Supportive PMO, next stage Control",
                    text=(
                        f"The next level of {_names(towards_control)} needs the Control stage. "
                        "Control usually needs a controlling or directive mandate, which a "
                        "supportive PMO does not have."
                    ),
                )
            )
    return notes


def _next_step(domain: AnyDomain, stage_names: Mapping[str, str]) -> str | None:
    """What the domain's next level needs, in one sentence (None at the top level)."""
    next_level = domain.next_level
    if next_level is None:
        return None
    stage = stage_names.get(next_level.stage, next_level.stage)
    if next_level.needed is None:
        return (
            f"{domain.name} cannot reach level {next_level.level} until its {stage} stage is "
            "assessed: none of its best practices there has an applicable answer."
        )
    cell = next((cell for cell in domain.stages if cell.id == next_level.stage), None)
    progress = progress_of(cell) if cell is not None else None
    return (
        f"To reach level {next_level.level}, {domain.name} needs {next_level.needed} more "
        f"{stage} best practice{'' if next_level.needed == 1 else 's'} attained"
        + (f"; it is {percent(progress)} of the way through {stage}." if progress else ".")
    )


def _weakest(card: AnyCard, assessed: list[AnyDomain], weakest: list[AnyDomain]) -> str:
    """The overall figures as the weakest domains in scope: on a version "3" card the domains
    of the lowest level and of the lowest index are named apart (they may differ)."""
    overall = card.overall
    if not isinstance(card, ScoreCard):
        subject = "domain in scope is" if len(weakest) == 1 else "domains in scope are"
        return (
            f"The weakest {subject} {_names([d.name for d in weakest])}, at "
            f"level {overall.level} ({overall.level_name}, index {decimal(overall.index)}): an "
            "organization is as mature as its weakest domain, so this is the overall figure."
        )
    lowest_level = [domain for domain in assessed if domain.level == overall.level]
    level = f"level {overall.level} ({overall.level_name})"
    index = f"index {decimal(overall.index)}"
    why = "an organization is as mature as its weakest domain, so these are the overall figures."
    if lowest_level == weakest:
        subject = "domain in scope is" if len(weakest) == 1 else "domains in scope are"
        names = _names([d.name for d in weakest])
        return f"The weakest {subject} {names}, at {level} and {index}: {why}"
    verb = "is" if len(lowest_level) == 1 else "are"
    has = "has" if len(weakest) == 1 else "have"
    return (
        f"{_names([d.name for d in lowest_level])} {verb} at the lowest level in scope, {level}; "
        f"{_names([d.name for d in weakest])} {has} the lowest {index}: {why}"
    )


def at_a_glance(
    card: AnyCard, goals: Mapping[str, Any], stage_names: Mapping[str, str]
) -> list[str]:
    """A few sentences for the top of the page, read straight from the score card.

    The domains outside the scope or not assessed (the summary's tiles show each domain's
    level), the weakest domain in scope (the lowest index, which sets the overall figure) and
    what its next level needs, the practices attained and, on a version "2" card, the progress
    with partial credit; how many domains meet their target, and how many gaps and
    disagreements there are. Nothing is computed that the card does not say.
    """
    sentences: list[str] = []
    in_scope = [domain for domain in card.domains if domain_in_scope(domain)]
    assessed = [domain for domain in in_scope if domain.assessed]
    not_assessed = [domain.name for domain in in_scope if not domain.assessed]
    if not_assessed:
        sentences.append(
            f"{_names(not_assessed)} could not be assessed: every question there was marked "
            "not applicable."
        )
    outside = [domain.name for domain in card.domains if not domain_in_scope(domain)]
    if outside:
        verb = "is" if len(outside) == 1 else "are"
        sentences.append(
            f"{_names(outside)} {verb} not in this assessment's scope: not rated here, and "
            "left out of the overall figure."
        )
    if assessed and card.overall.index is not None:
        weakest = [domain for domain in assessed if domain.index == card.overall.index]
        if len(assessed) > 1:
            sentences.append(_weakest(card, assessed, weakest))
        sentences.extend(
            step
            for step in (_next_step(domain, stage_names) for domain in weakest)
            if step is not None
        )
    overall = card.overall
    if overall.practices_assessed:
        attained = (
            f"{overall.practices_attained} of {overall.practices_assessed} best practices of the "
            f"domains in scope are attained"
        )
        progress = progress_of_overall(card)
        sentences.append(
            attained
            + (
                f"; counting partial credit, progress is {percent(progress)}."
                if progress is not None
                else f" ({percent(overall.attainment)})."
            )
        )
    targeted = [domain for domain in assessed if domain.id in goals]
    if targeted:
        met = [d for d in targeted if getattr(goals[d.id], "gap_levels", None) == 0]
        sentences.append(f"{len(met)} of {len(targeted)} domains with a target have reached it.")
    gaps, disagreements = len(card.gaps), len(card.disagreements)
    sentences.append(
        (
            f"{gaps} assessed best practice{' is' if gaps == 1 else 's are'} not attained"
            if gaps
            else "Every assessed best practice is attained"
        )
        + (
            f"; respondents disagree on {disagreements} question"
            f"{'' if disagreements == 1 else 's'}."
            if disagreements
            else "."
        )
    )
    return sentences


def progress_of_overall(card: AnyCard) -> float | None:
    """The overall progress of a card; None on a version "1" card, which had none."""
    return None if isinstance(card, ScoreCardV1) else card.overall.progress
