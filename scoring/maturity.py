"""Groups, cells, domains, levels, indexes, overall and enablers (scoring.md sections 3 to 5).

The one implementation of these rules: `score` feeds it the practices it has just scored, and
`compare` feeds it the per-practice `assessed`, `attained` and `score` stored in a card,
restricted to the best practices two questionnaire versions share. It never re-thresholds a
practice: whether a practice is attained is an input.

It returns card data (plain dicts shaped like `Overall`, `DomainScore` and `EnablerScore`,
rounded), which the caller validates along with the rest of its output, in one call.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, TypedDict

from questionnaires import BestPractice, Questionnaire, Stage
from scoring.precision import reaches, rounded

__all__ = [
    "INITIAL_LEVEL_NAME",
    "MaturityData",
    "PracticeOutcome",
    "assess_maturity",
    "level_name",
]

INITIAL_LEVEL_NAME = "Initial"


class PracticeOutcome(NamedTuple):
    """What sections 3 to 5 need of one best practice (section 2).

    `score` is None and `attained` False when the practice is not assessed.
    """

    assessed: bool
    attained: bool
    score: float | None


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
    score: float | None


def _group(outcomes: Sequence[PracticeOutcome]) -> _Group:
    scores = [outcome.score for outcome in outcomes if outcome.score is not None]
    if not scores:
        return _Group(assessed=0, attained=0, attainment=None, score=None)
    # Only assessed practices have a score, and only assessed practices can be attained.
    attained = sum(1 for outcome in outcomes if outcome.attained and outcome.score is not None)
    return _Group(
        assessed=len(scores),
        attained=attained,
        attainment=attained / len(scores),
        score=math.fsum(scores) / len(scores),
    )


def _group_data(group: _Group) -> dict[str, Any]:
    """The counts and fractions of a group as card data (rounded)."""
    return {
        "practices_assessed": group.assessed,
        "practices_attained": group.attained,
        "attainment": None if group.attainment is None else rounded(group.attainment),
        "score": None if group.score is None else rounded(group.score),
    }


def level_name(stages: Sequence[Stage], level: int) -> str:
    """Return the name of `level`: the level-th stage's `level_name`, or "Initial" (section 4)."""
    return stages[level - 1].level_name if level > 0 else INITIAL_LEVEL_NAME


def _rounded_index(index: float, level: int, top: int) -> float:
    """Round an index so that its whole part stays its level (section 4).

    Below the top, the index is less than level + 1 before rounding; rounding to 4 decimals
    could make, say, 1.99996 read 2.0 beside level 1, so it is capped at level + 0.9999.
    """
    if level == top:
        return float(top)
    return min(rounded(index), level + 0.9999)


def _domain(
    questionnaire: Questionnaire,
    domain_id: str,
    domain_name: str,
    practices: list[tuple[BestPractice, PracticeOutcome]],
    stage_threshold: float,
) -> dict[str, Any]:
    """One domain as card data: cells, level, index, next level (sections 3 and 4)."""
    stages = questionnaire.stages
    by_stage: dict[str, list[tuple[BestPractice, PracticeOutcome]]] = {s.id: [] for s in stages}
    for practice, outcome in practices:
        if practice.stage is not None:
            by_stage[practice.stage].append((practice, outcome))
    cells = [_group([outcome for _, outcome in by_stage[stage.id]]) for stage in stages]
    # A cell with no assessed best practice cannot block a level (section 3).
    achieved = [
        cell.attainment is None or reaches(cell.attainment, stage_threshold) for cell in cells
    ]
    stage_data = [
        {"id": stage.id, **_group_data(cell), "achieved": is_achieved}
        for stage, cell, is_achieved in zip(stages, cells, achieved, strict=True)
    ]
    whole = _group([outcome for _, outcome in practices])
    domain: dict[str, Any] = {"id": domain_id, "name": domain_name}
    if whole.assessed == 0:
        domain.update(
            assessed=False,
            attainment=None,
            score=None,
            level=None,
            level_name=None,
            index=None,
            practices_assessed=0,
            practices_attained=0,
            next_level=None,
            stages=stage_data,
        )
        return domain

    top = len(stages)
    level = 0
    while level < top and achieved[level]:
        level += 1
    next_level = None
    index = float(top)
    if level < top:
        # The cell that stops the level is not achieved, hence assessed: its attainment is set.
        blocking = cells[level]
        assert blocking.attainment is not None
        index = level + blocking.attainment
        next_level = _next_level(
            level=level,
            stage=stages[level],
            cell=blocking,
            cell_practices=by_stage[stages[level].id],
            stage_threshold=stage_threshold,
        )
    whole_data = _group_data(whole)
    domain.update(
        assessed=True,
        attainment=whole_data["attainment"],
        score=whole_data["score"],
        level=level,
        level_name=level_name(stages, level),
        index=_rounded_index(index, level, top),
        practices_assessed=whole.assessed,
        practices_attained=whole.attained,
        next_level=next_level,
        stages=stage_data,
    )
    return domain


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
    that read alike keep questionnaire order.
    """
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
) -> MaturityData:
    """Return the cells, domains, overall figures and enabler categories (sections 3 to 5).

    `outcomes` maps best-practice ids to their outcome; a practice of the questionnaire that
    is missing from it is left out of every group (the comparison's restriction to shared
    ids, section 8). Cell placement, domain, stage and enabler order come from
    `questionnaire`; a cell is achieved when its attainment reaches `stage_threshold`.
    The result is card data, rounded: plain dicts shaped like `Overall`, `DomainScore` and
    `EnablerScore`.
    """
    by_domain: dict[str, list[tuple[BestPractice, PracticeOutcome]]] = {
        domain.id: [] for domain in questionnaire.domains
    }
    by_enabler: dict[str, list[PracticeOutcome]] = {e.id: [] for e in questionnaire.enablers}
    for practice in questionnaire.best_practices:
        outcome = outcomes.get(practice.id)
        if outcome is None:
            continue
        if practice.domain is not None:
            by_domain[practice.domain].append((practice, outcome))
        elif practice.enabler is not None:
            by_enabler[practice.enabler].append(outcome)

    domains = [
        _domain(questionnaire, domain.id, domain.name, by_domain[domain.id], stage_threshold)
        for domain in questionnaire.domains
    ]
    everything = _group([outcome for practices in by_domain.values() for _, outcome in practices])
    assessed_domains = [domain for domain in domains if domain["assessed"]]
    overall_level: int | None = None
    overall_index: float | None = None
    if assessed_domains:
        # As mature as the weakest domain; the lowest index belongs to a lowest-level domain.
        overall_level = min(domain["level"] for domain in assessed_domains)
        overall_index = min(domain["index"] for domain in assessed_domains)
    overall_data = _group_data(everything)
    overall = {
        "attainment": overall_data["attainment"],
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
