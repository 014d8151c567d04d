"""Groups, cells, domains, levels, indexes, overall and enablers (scoring.md sections 3 to 5).

The one implementation of these rules: `score` and `rescore` feed it the practices they have
just scored from their questions (`scoring.practices`); `compare` feeds it the per-practice
`assessed`, `attained`, `score` and `credit` stored in a card, restricted to the best
practices two questionnaires share. It never re-thresholds a practice: whether a practice is
attained, and its credit, are inputs.

It returns card data (plain dicts shaped like `Overall`, `DomainScore` and `EnablerScore`,
rounded), which the caller validates along with the rest of its output, in one call.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any, NamedTuple, TypedDict

from questionnaires import BestPractice, Questionnaire, Stage
from scoring.precision import reaches, rounded, short_of_one

__all__ = [
    "INITIAL_LEVEL_NAME",
    "NOT_ASSESSED",
    "MaturityData",
    "PracticeOutcome",
    "assess_maturity",
    "level_name",
]

INITIAL_LEVEL_NAME = "Initial"


class PracticeOutcome(NamedTuple):
    """What sections 3 to 5 need of one best practice (section 2).

    `score` and `credit` are None, and `attained` False, when the practice is not assessed.
    `answered` counts its questions with status "answered", `disputed` those of them that are
    disagreements (section 6): what a cell's `disputed` is made of.
    """

    assessed: bool
    attained: bool
    score: float | None
    credit: float | None
    answered: int = 0
    disputed: int = 0


NOT_ASSESSED = PracticeOutcome(assessed=False, attained=False, score=None, credit=None)


class MaturityData(TypedDict):
    """The figures of sections 3 to 5, as card data: `overall`, `domains`, `enablers`."""

    overall: dict[str, Any]
    domains: list[dict[str, Any]]
    enablers: list[dict[str, Any]]


class _Group(NamedTuple):
    """A group of practices over its assessed ones (section 3), unrounded."""

    assessed: int
    attained: int
    attainment: float | None
    progress: float | None
    score: float | None


def _group(outcomes: Sequence[PracticeOutcome]) -> _Group:
    assessed = [outcome for outcome in outcomes if outcome.assessed]
    if not assessed:
        return _Group(assessed=0, attained=0, attainment=None, progress=None, score=None)
    count = len(assessed)
    attained = sum(1 for outcome in assessed if outcome.attained)
    return _Group(
        assessed=count,
        attained=attained,
        attainment=attained / count,
        progress=math.fsum(outcome.credit or 0.0 for outcome in assessed) / count,
        score=math.fsum(outcome.score or 0.0 for outcome in assessed) / count,
    )


def _disputed(outcomes: Sequence[PracticeOutcome]) -> float | None:
    """The share of a cell's answered questions that are disagreements, rounded (section 3)."""
    answered = sum(outcome.answered for outcome in outcomes)
    if not answered:
        return None
    return rounded(sum(outcome.disputed for outcome in outcomes) / answered)


def _index(cells: Sequence[_Group]) -> float:
    """The sum over the stages of the running minimum of their progress (section 4), unrounded.

    A cell with no assessed practice counts 0: it and every stage above it add nothing.
    """
    lowest = 1.0
    reached: list[float] = []
    for cell in cells:
        lowest = min(lowest, cell.progress if cell.progress is not None else 0.0)
        reached.append(lowest)
    return math.fsum(reached)


def _group_data(group: _Group) -> dict[str, Any]:
    """The counts and fractions of a group as card data (rounded; progress below 1 stays so)."""
    progress = None
    if group.progress is not None:
        whole = group.attained == group.assessed
        progress = rounded(group.progress) if whole else short_of_one(group.progress)
    return {
        "practices_assessed": group.assessed,
        "practices_attained": group.attained,
        "attainment": None if group.attainment is None else rounded(group.attainment),
        "progress": progress,
        "score": None if group.score is None else rounded(group.score),
    }


def level_name(stages: Sequence[Stage], level: int) -> str:
    """Return the name of `level`: the level-th stage's `level_name`, or "Initial" (section 4)."""
    return stages[level - 1].level_name if level > 0 else INITIAL_LEVEL_NAME


def _out_of_scope(domain_id: str, domain_name: str) -> dict[str, Any]:
    """A domain the assessment does not cover: named, with null figures (section 0)."""
    return {
        "id": domain_id,
        "name": domain_name,
        "in_scope": False,
        "assessed": False,
        "attainment": None,
        "progress": None,
        "score": None,
        "level": None,
        "level_name": None,
        "index": None,
        "practices_assessed": 0,
        "practices_attained": 0,
        "next_level": None,
        "stages": [],
    }


def _domain(
    questionnaire: Questionnaire,
    domain_id: str,
    domain_name: str,
    practices: list[tuple[BestPractice, PracticeOutcome]],
    stage_threshold: float,
) -> dict[str, Any]:
    """One in-scope domain as card data: cells, level, index, next level (sections 3 and 4)."""
    stages = questionnaire.stages
    by_stage: dict[str, list[tuple[BestPractice, PracticeOutcome]]] = {s.id: [] for s in stages}
    for practice, outcome in practices:
        if practice.stage is not None:
            by_stage[practice.stage].append((practice, outcome))
    cell_outcomes = [[outcome for _, outcome in by_stage[stage.id]] for stage in stages]
    cells = [_group(outcomes) for outcomes in cell_outcomes]
    # A cell with no assessed best practice is not achieved: nobody could assess it (section 3).
    achieved = [
        cell.attainment is not None and reaches(cell.attainment, stage_threshold) for cell in cells
    ]
    stage_data = [
        {
            "id": stage.id,
            **_group_data(cell),
            "achieved": is_achieved,
            "disputed": _disputed(outcomes),
        }
        for stage, cell, is_achieved, outcomes in zip(
            stages, cells, achieved, cell_outcomes, strict=True
        )
    ]
    whole = _group([outcome for _, outcome in practices])
    if whole.assessed == 0:
        return {
            **_out_of_scope(domain_id, domain_name),
            "in_scope": True,
            "stages": stage_data,
        }

    top = len(stages)
    level = 0
    while level < top and achieved[level]:
        level += 1
    index = rounded(_index(cells))
    if whole.attained < whole.assessed:
        # Some cell holds an unattained practice, so the index is below the top: never written
        # as the top (general rules).
        index = min(index, rounded(top - 0.0001))
    next_level = None
    if level < top:
        next_level = _next_level(
            level=level,
            stage=stages[level],
            cell=cells[level],
            cell_practices=by_stage[stages[level].id],
            stage_threshold=stage_threshold,
        )
    whole_data = _group_data(whole)
    return {
        "id": domain_id,
        "name": domain_name,
        "in_scope": True,
        "assessed": True,
        "attainment": whole_data["attainment"],
        "progress": whole_data["progress"],
        "score": whole_data["score"],
        "level": level,
        "level_name": level_name(stages, level),
        "index": index,
        "practices_assessed": whole.assessed,
        "practices_attained": whole.attained,
        "next_level": next_level,
        "stages": stage_data,
    }


def _next_level(
    *,
    level: int,
    stage: Stage,
    cell: _Group,
    cell_practices: list[tuple[BestPractice, PracticeOutcome]],
    stage_threshold: float,
) -> dict[str, Any]:
    """What the domain needs for its next level (section 4), as card data.

    Candidates are sorted on their score as the card shows it (rounded), so that two practices
    that read alike keep questionnaire order. A cell with no assessed practice needs to be
    assessed first: `needed` null, no candidates.
    """
    if cell.assessed == 0:
        return {"level": level + 1, "stage": stage.id, "needed": None, "candidates": []}
    unattained = [
        (rounded(outcome.score), position, practice.id)
        for position, (practice, outcome) in enumerate(cell_practices)
        if outcome.score is not None and not outcome.attained
    ]
    unattained.sort()  # lowest score first, ties in questionnaire order
    # Attaining every candidate gives an attainment of 1, so the loop always finds `needed`.
    needed = len(unattained)
    for more in range(1, len(unattained) + 1):
        if reaches((cell.attained + more) / cell.assessed, stage_threshold):
            needed = more
            break
    return {
        "level": level + 1,
        "stage": stage.id,
        "needed": needed,
        "candidates": [practice_id for _, _, practice_id in unattained],
    }


def assess_maturity(
    questionnaire: Questionnaire,
    outcomes: Mapping[str, PracticeOutcome],
    *,
    stage_threshold: float,
    scope: Collection[str],
) -> MaturityData:
    """Return the cells, domains, overall figures and enabler categories (sections 3 to 5).

    `outcomes` maps best-practice ids to their outcome; a practice of the questionnaire that
    is missing from it is left out of every group (the comparison's restriction to shared
    ids, section 8). `scope` holds the domain ids in scope: the others are written as out of
    scope (section 0), whatever `outcomes` holds for them. Cell placement, domain, stage and
    enabler order come from `questionnaire`; a cell is achieved when its attainment reaches
    `stage_threshold`; a domain's level counts its achieved stages from the first, and its
    index sums the running minimum of its cells' progress (section 4). The result is card
    data, rounded: plain dicts shaped like `Overall`, `DomainScore` and `EnablerScore`.
    """
    by_domain: dict[str, list[tuple[BestPractice, PracticeOutcome]]] = {
        domain.id: [] for domain in questionnaire.domains if domain.id in scope
    }
    by_enabler: dict[str, list[PracticeOutcome]] = {e.id: [] for e in questionnaire.enablers}
    for practice in questionnaire.best_practices:
        outcome = outcomes.get(practice.id)
        if outcome is None:
            continue
        if practice.domain is not None:
            if practice.domain in by_domain:
                by_domain[practice.domain].append((practice, outcome))
        elif practice.enabler is not None:
            by_enabler[practice.enabler].append(outcome)

    domains = [
        _domain(questionnaire, domain.id, domain.name, by_domain[domain.id], stage_threshold)
        if domain.id in by_domain
        else _out_of_scope(domain.id, domain.name)
        for domain in questionnaire.domains
    ]
    everything = _group([outcome for practices in by_domain.values() for _, outcome in practices])
    assessed_domains = [domain for domain in domains if domain["assessed"]]
    overall_level: int | None = None
    overall_index: float | None = None
    if assessed_domains:
        # As mature as the weakest domain in scope; the lowest level and the lowest index are
        # each the lowest on its own, and may be two domains' (section 5).
        overall_level = min(domain["level"] for domain in assessed_domains)
        overall_index = min(domain["index"] for domain in assessed_domains)
    overall_data = _group_data(everything)
    overall = {
        "attainment": overall_data["attainment"],
        "progress": overall_data["progress"],
        "score": overall_data["score"],
        "level": overall_level,
        "level_name": None
        if overall_level is None
        else level_name(questionnaire.stages, overall_level),
        "index": overall_index,
        "practices_assessed": everything.assessed,
        "practices_attained": everything.attained,
    }
    enablers = [
        {"id": enabler.id, "name": enabler.name, **_group_data(_group(by_enabler[enabler.id]))}
        for enabler in questionnaire.enablers
    ]
    return MaturityData(overall=overall, domains=domains, enablers=enablers)
