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

from questionnaires import Questionnaire
from scoring import AnyCard

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
    profile: Mapping[str, Any] | None, card: AnyCard, questionnaire: Questionnaire
) -> list[ContextNote]:
    """The notes that apply to this profile, card and questionnaire, in the order above."""
    pmo = (profile or {}).get("pmo")
    if not pmo:
        return []
    notes: list[ContextNote] = []
    enablers = {enabler.id: enabler for enabler in questionnaire.enablers}
    if not pmo.get("exists"):
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
    if pmo.get("permanence") == "temporary":
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
    scope = pmo.get("scope")
    if scope in SCOPE_RANK:
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
    if pmo.get("type") == "supportive":
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


def at_a_glance(
    card: AnyCard, goals: Mapping[str, Any], stage_names: Mapping[str, str]
) -> list[str]:
    """A few sentences for the top of the page, read straight from the score card.

    Which assessed domains hold the overall level down (those at the lowest level), what the
    next level of each of them needs, how many domains meet their target, and how many gaps
    and disagreements there are. Nothing is computed that the card does not say.
    """
    sentences: list[str] = []
    assessed = [domain for domain in card.domains if domain.assessed]
    level = card.overall.level
    if level is not None and assessed:
        weakest = [domain for domain in assessed if domain.level == level]
        sentences.append(
            f"The overall level is {level} ({card.overall.level_name}), set by "
            f"{_names([domain.name for domain in weakest])}: an organization is as mature as "
            "its weakest domain."
        )
        needs = [
            f"{domain.name} needs {domain.next_level.needed} more "
            f"{stage_names.get(domain.next_level.stage, domain.next_level.stage)} best "
            f"practice{'' if domain.next_level.needed == 1 else 's'} attained"
            for domain in weakest
            if domain.next_level is not None
        ]
        if needs:
            sentences.append(f"To raise it to level {level + 1}: " + "; ".join(needs) + ".")
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
