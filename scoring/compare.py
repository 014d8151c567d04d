"""`compare`: how a target score card differs from a base card (scoring.md section 8).

Two cards of one questionnaire version compare as they are. Two cards of different versions
compare over the best practices both versions share: each side is restricted to them and its
groups, levels and indexes recomputed by `scoring.maturity` (the code `score` uses) from the
stored per-practice `assessed`, `attained` and `score`, with that side's own questionnaire
and parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

from questionnaires import Questionnaire
from scoring.card import BestPracticeScore, DomainScore, EnablerScore, Overall, ScoreCard
from scoring.maturity import PracticeOutcome, assess_maturity
from scoring.precision import rounded

__all__ = [
    "BestPracticeChanges",
    "Change",
    "Comparison",
    "DomainChange",
    "EnablerChange",
    "LevelChange",
    "OverallChange",
    "QuestionnaireVersions",
    "StageChange",
    "compare",
]


class _ComparisonModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Change(_ComparisonModel):
    """A figure on both sides; `delta = target - base`, rounded, null when either is null."""

    base: float | None
    target: float | None
    delta: float | None


class LevelChange(_ComparisonModel):
    """A level on both sides; `delta = target - base`, null when either is null."""

    base: int | None
    target: int | None
    delta: int | None


class QuestionnaireVersions(_ComparisonModel):
    """The questionnaire both cards score, and the version of each."""

    key: str
    base_version: str
    target_version: str


class OverallChange(_ComparisonModel):
    """The overall figures compared."""

    attainment: Change
    score: Change
    level: LevelChange
    index: Change


class StageChange(_ComparisonModel):
    """One cell of a domain compared."""

    id: str
    attainment: Change


class DomainChange(_ComparisonModel):
    """One domain present in both cards, compared."""

    id: str
    attainment: Change
    score: Change
    level: LevelChange
    index: Change
    stages: tuple[StageChange, ...]


class EnablerChange(_ComparisonModel):
    """One enabler category present in both cards, compared."""

    id: str
    attainment: Change
    score: Change


class BestPracticeChanges(_ComparisonModel):
    """Best-practice ids by what changed, in questionnaire order (target's, then base-only)."""

    gained: tuple[str, ...]
    lost: tuple[str, ...]
    newly_assessed: tuple[str, ...]
    no_longer_assessed: tuple[str, ...]
    only_in_base: tuple[str, ...]
    only_in_target: tuple[str, ...]


class Comparison(_ComparisonModel):
    """The comparison of two score cards (scoring.md section 8)."""

    comparable: Literal["same_version", "shared_ids"]
    questionnaire: QuestionnaireVersions
    scoring_version: str
    overall: OverallChange
    domains: tuple[DomainChange, ...]
    enablers: tuple[EnablerChange, ...]
    best_practices: BestPracticeChanges


class _Figures(NamedTuple):
    """The figures of sections 3 to 5 of one side of a comparison."""

    overall: Overall
    domains: tuple[DomainScore, ...]
    enablers: tuple[EnablerScore, ...]


def _change(base: float | None, target: float | None) -> Change:
    delta = None if base is None or target is None else rounded(target - base)
    return Change(base=base, target=target, delta=delta)


def _level_change(base: int | None, target: int | None) -> LevelChange:
    delta = None if base is None or target is None else target - base
    return LevelChange(base=base, target=target, delta=delta)


def _check_card(card: ScoreCard, questionnaire: Questionnaire, side: str) -> None:
    if (card.questionnaire.key, card.questionnaire.version) != (
        questionnaire.key,
        questionnaire.version,
    ):
        raise ValueError(
            f"the {side} card scores {card.questionnaire.key} {card.questionnaire.version}, "
            f"but the {side} questionnaire is {questionnaire.key} {questionnaire.version}"
        )
    card_ids = [practice.id for practice in card.best_practices]
    if card_ids != list(questionnaire.best_practice_by_id):
        raise ValueError(
            f"the {side} card's best practices are not those of "
            f"{questionnaire.key} {questionnaire.version}"
        )


def _outcome(practice: BestPracticeScore) -> PracticeOutcome:
    if not practice.assessed or practice.score is None:
        return PracticeOutcome(assessed=False, attained=False, score=None)
    return PracticeOutcome(assessed=True, attained=bool(practice.attained), score=practice.score)


def _restricted(card: ScoreCard, questionnaire: Questionnaire, shared: set[str]) -> _Figures:
    """Recompute a card's groups over the shared best practices only (section 8)."""
    outcomes = {
        practice.id: _outcome(practice) for practice in card.best_practices if practice.id in shared
    }
    maturity = assess_maturity(
        questionnaire, outcomes, stage_threshold=card.parameters.stage_threshold
    )
    return _Figures(
        overall=Overall.model_validate(maturity["overall"]),
        domains=tuple(DomainScore.model_validate(domain) for domain in maturity["domains"]),
        enablers=tuple(EnablerScore.model_validate(enabler) for enabler in maturity["enablers"]),
    )


def _domain_changes(
    base: tuple[DomainScore, ...], target: tuple[DomainScore, ...]
) -> tuple[DomainChange, ...]:
    base_by_id = {domain.id: domain for domain in base}
    changes = []
    for target_domain in target:
        base_domain = base_by_id.get(target_domain.id)
        if base_domain is None:
            continue
        base_stages = {stage.id: stage for stage in base_domain.stages}
        changes.append(
            DomainChange(
                id=target_domain.id,
                attainment=_change(base_domain.attainment, target_domain.attainment),
                score=_change(base_domain.score, target_domain.score),
                level=_level_change(base_domain.level, target_domain.level),
                index=_change(base_domain.index, target_domain.index),
                stages=tuple(
                    StageChange(
                        id=stage.id,
                        attainment=_change(base_stages[stage.id].attainment, stage.attainment),
                    )
                    for stage in target_domain.stages
                    if stage.id in base_stages
                ),
            )
        )
    return tuple(changes)


def _enabler_changes(
    base: tuple[EnablerScore, ...], target: tuple[EnablerScore, ...]
) -> tuple[EnablerChange, ...]:
    base_by_id = {enabler.id: enabler for enabler in base}
    return tuple(
        EnablerChange(
            id=enabler.id,
            attainment=_change(base_by_id[enabler.id].attainment, enabler.attainment),
            score=_change(base_by_id[enabler.id].score, enabler.score),
        )
        for enabler in target
        if enabler.id in base_by_id
    )


def _overall_change(base: Overall, target: Overall) -> OverallChange:
    return OverallChange(
        attainment=_change(base.attainment, target.attainment),
        score=_change(base.score, target.score),
        level=_level_change(base.level, target.level),
        index=_change(base.index, target.index),
    )


def _practice_changes(
    base: Mapping[str, BestPracticeScore], target: Mapping[str, BestPracticeScore]
) -> BestPracticeChanges:
    shared = [practice_id for practice_id in target if practice_id in base]
    gained, lost, newly_assessed, no_longer_assessed = [], [], [], []
    for practice_id in shared:
        before, after = base[practice_id], target[practice_id]
        if before.assessed and after.assessed:
            if after.attained and not before.attained:
                gained.append(practice_id)
            elif before.attained and not after.attained:
                lost.append(practice_id)
        elif after.assessed:
            newly_assessed.append(practice_id)
        elif before.assessed:
            no_longer_assessed.append(practice_id)
    return BestPracticeChanges(
        gained=tuple(gained),
        lost=tuple(lost),
        newly_assessed=tuple(newly_assessed),
        no_longer_assessed=tuple(no_longer_assessed),
        only_in_base=tuple(practice_id for practice_id in base if practice_id not in target),
        only_in_target=tuple(practice_id for practice_id in target if practice_id not in base),
    )


def compare(
    base: ScoreCard,
    target: ScoreCard,
    base_questionnaire: Questionnaire,
    target_questionnaire: Questionnaire,
) -> Comparison:
    """Return how `target` differs from `base` (scoring.md section 8).

    Raises `ValueError` for cards of two questionnaire keys or two scoring versions, and for
    a card that does not score the questionnaire given beside it. Cards of two versions of
    the questionnaire (`comparable: "shared_ids"`) compare over the best practices both share.
    """
    if base.questionnaire.key != target.questionnaire.key:
        raise ValueError(
            "cannot compare score cards of two questionnaires: "
            f"{base.questionnaire.key!r} and {target.questionnaire.key!r}"
        )
    if base.scoring_version != target.scoring_version:
        raise ValueError(
            "cannot compare score cards of two scoring versions: "
            f"{base.scoring_version!r} and {target.scoring_version!r}"
        )
    _check_card(base, base_questionnaire, "base")
    _check_card(target, target_questionnaire, "target")

    base_practices = {practice.id: practice for practice in base.best_practices}
    target_practices = {practice.id: practice for practice in target.best_practices}
    if base.questionnaire.version == target.questionnaire.version:
        comparable: Literal["same_version", "shared_ids"] = "same_version"
        before = _Figures(overall=base.overall, domains=base.domains, enablers=base.enablers)
        after = _Figures(overall=target.overall, domains=target.domains, enablers=target.enablers)
    else:
        comparable = "shared_ids"
        shared = set(base_practices) & set(target_practices)
        before = _restricted(base, base_questionnaire, shared)
        after = _restricted(target, target_questionnaire, shared)

    return Comparison(
        comparable=comparable,
        questionnaire=QuestionnaireVersions(
            key=target.questionnaire.key,
            base_version=base.questionnaire.version,
            target_version=target.questionnaire.version,
        ),
        scoring_version=target.scoring_version,
        overall=_overall_change(before.overall, after.overall),
        domains=_domain_changes(before.domains, after.domains),
        enablers=_enabler_changes(before.enablers, after.enablers),
        best_practices=_practice_changes(base_practices, target_practices),
    )
