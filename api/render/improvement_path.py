"""The improvement path (`architecture.md`, Reports).

Per domain, what its next level needs (`next_level` of the score card); then every gap in an
order that respects `depends_on`: repeatedly place the earliest gap, in the score card's gap
order, whose prerequisites among the gaps are already placed. A practice therefore comes after
the gaps it builds on, and otherwise keeps the card's order (stage, then lowest score).

Each candidate and gap carries its credit as the card has it ("how close" it is to being
attained); a stored version "1" card has none, and its steps carry `None`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from questionnaires import Questionnaire
from scoring import AnyCard, BestPracticeScore, BestPracticeScoreV2, Gap, GapV1


@dataclass(frozen=True)
class Candidate:
    id: str
    title: str
    score: float | None
    credit: float | None  # None on a version "1" card


@dataclass(frozen=True)
class DomainStep:
    """What one assessed domain needs for its next level; `next_level` is None at the top.

    `needed` is None below the top when the next stage has no assessed practice: that stage
    must first be assessed (scoring.md section 4).
    """

    domain_id: str
    domain_name: str
    level: int
    level_name: str
    next_level: int | None
    next_level_name: str | None
    stage_id: str | None
    stage_name: str | None
    needed: int | None
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class PathStep:
    """One gap in path order, with the gaps it builds on (placed before it)."""

    position: int
    gap: Gap | GapV1
    after: tuple[str, ...]

    @property
    def credit(self) -> float | None:
        """How close the gap is to being attained; None on a version "1" card."""
        return self.gap.credit if isinstance(self.gap, Gap) else None


@dataclass(frozen=True)
class ImprovementPath:
    domains: tuple[DomainStep, ...]
    gaps: tuple[PathStep, ...]


def order_gaps(
    gaps: Sequence[Gap | GapV1], depends_on: Mapping[str, Sequence[str]]
) -> list[PathStep]:
    """The gaps in path order: each time, the earliest gap whose prerequisites are placed.

    Prerequisites are the gap's own `depends_on` entries that are gaps too; a prerequisite that
    is attained (or not assessed) does not hold a practice back. Questionnaires have no
    dependency cycle (the validator refuses one); should one slip through, the earliest
    remaining gap is placed so that every gap is still listed once.
    """
    gap_ids = {gap.id for gap in gaps}
    prerequisites = {
        gap.id: tuple(d for d in depends_on.get(gap.id, ()) if d in gap_ids and d != gap.id)
        for gap in gaps
    }
    remaining = list(gaps)
    placed: set[str] = set()
    steps: list[PathStep] = []
    while remaining:
        chosen = next(
            (gap for gap in remaining if all(d in placed for d in prerequisites[gap.id])),
            remaining[0],
        )
        remaining.remove(chosen)
        placed.add(chosen.id)
        steps.append(PathStep(len(steps) + 1, chosen, prerequisites[chosen.id]))
    return steps


def improvement_path(card: AnyCard, questionnaire: Questionnaire) -> ImprovementPath:
    """The improvement path of a score card, named with its questionnaire's titles."""
    stages = {stage.id: stage for stage in questionnaire.stages}
    practices = {practice.id: practice for practice in card.best_practices}

    def candidate(practice_id: str) -> Candidate:
        practice = practices.get(practice_id)
        if practice is None:
            return Candidate(id=practice_id, title=practice_id, score=None, credit=None)
        credit = (
            practice.credit
            if isinstance(practice, BestPracticeScore | BestPracticeScoreV2)
            else None
        )
        return Candidate(practice_id, practice.title, practice.score, credit)

    domains: list[DomainStep] = []
    for domain in card.domains:
        if not domain.assessed or domain.level is None:
            continue
        next_level = domain.next_level
        stage = stages.get(next_level.stage) if next_level is not None else None
        domains.append(
            DomainStep(
                domain_id=domain.id,
                domain_name=domain.name,
                level=domain.level,
                level_name=domain.level_name or "",
                next_level=next_level.level if next_level else None,
                next_level_name=stage.level_name if stage else None,
                stage_id=next_level.stage if next_level else None,
                stage_name=stage.name if stage else None,
                needed=next_level.needed if next_level else None,
                candidates=tuple(
                    candidate(practice_id)
                    for practice_id in (next_level.candidates if next_level else ())
                ),
            )
        )
    depends_on = {
        practice.id: tuple(practice.depends_on) for practice in questionnaire.best_practices
    }
    return ImprovementPath(domains=tuple(domains), gaps=tuple(order_gaps(card.gaps, depends_on)))
