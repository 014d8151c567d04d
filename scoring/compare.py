"""`compare`: how a target score card differs from a base card (scoring.md section 8).

A card of an older scoring version is first rescored (`scoring.rescore`) with the parameters
of its own questionnaire version. Two cards of one questionnaire version and one scope compare
as they are. Otherwise (two versions, a short form and its full questionnaire, two scopes) each
side is restricted to the best practices both questionnaires share, in the domains both scopes
hold, and its groups, levels and indexes are recomputed by `scoring.maturity` (the code `score`
uses) from the stored per-practice `assessed`, `attained`, `score` and `credit`, with that
side's own questionnaire and parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

from questionnaires import Questionnaire
from scoring.card import (
    SCORING_VERSION,
    BestPracticeScore,
    DomainScore,
    EnablerScore,
    Overall,
    ScoreCard,
)
from scoring.maturity import NOT_ASSESSED, PracticeOutcome, assess_maturity
from scoring.practices import DISAGREEMENT_THRESHOLD
from scoring.precision import reaches, rounded
from scoring.rescore import AnyCard, current

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
    """The questionnaire each card scores: `key` is the target's (a short form's full form
    may be the base's)."""

    key: str
    base_key: str
    base_version: str
    target_key: str
    target_version: str


class OverallChange(_ComparisonModel):
    """The overall figures compared."""

    attainment: Change
    progress: Change
    score: Change
    level: LevelChange
    index: Change


class StageChange(_ComparisonModel):
    """One cell of a domain compared."""

    id: str
    attainment: Change
    progress: Change


class DomainChange(_ComparisonModel):
    """One domain present in both cards and in both scopes, compared."""

    id: str
    attainment: Change
    progress: Change
    score: Change
    level: LevelChange
    index: Change
    stages: tuple[StageChange, ...]


class EnablerChange(_ComparisonModel):
    """One enabler category present in both cards, compared."""

    id: str
    attainment: Change
    progress: Change
    score: Change


class BestPracticeChanges(_ComparisonModel):
    """Best-practice ids by what changed, in questionnaire order (target's, then base-only).

    Practices of domains outside either side's scope are in none of the lists.
    """

    gained: tuple[str, ...]
    lost: tuple[str, ...]
    newly_assessed: tuple[str, ...]
    no_longer_assessed: tuple[str, ...]
    only_in_base: tuple[str, ...]
    only_in_target: tuple[str, ...]


class Comparison(_ComparisonModel):
    """The comparison of two score cards (scoring.md section 8)."""

    comparable: Literal["same_version", "shared_ids"]
    scoring: Literal["same", "rescored"]
    questionnaire: QuestionnaireVersions
    scoring_version: str
    scope: tuple[str, ...]
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


def related(first: Questionnaire, second: Questionnaire) -> bool:
    """Whether cards of the two questionnaires compare: one key, or a short form of the other."""
    return (
        first.key == second.key
        or (first.subset_of is not None and first.subset_of.key == second.key)
        or (second.subset_of is not None and second.subset_of.key == first.key)
    )


def _check_card(card: ScoreCard, questionnaire: Questionnaire, side: str) -> None:
    if (card.questionnaire.key, card.questionnaire.version) != (
        questionnaire.key,
        questionnaire.version,
    ):
        raise ValueError(
            f"the {side} card scores {card.questionnaire.key} {card.questionnaire.version}, "
            f"but the {side} questionnaire is {questionnaire.key} {questionnaire.version}"
        )
    in_scope = [
        practice.id
        for practice in questionnaire.best_practices
        if practice.domain is None or practice.domain in card.scope
    ]
    if [practice.id for practice in card.best_practices] != in_scope:
        raise ValueError(
            f"the {side} card's best practices are not those of "
            f"{questionnaire.key} {questionnaire.version} in its scope"
        )


def _outcome(practice: BestPracticeScore) -> PracticeOutcome:
    """A stored practice as `scoring.maturity` reads it, with its questions' disagreements."""
    if not practice.assessed or practice.score is None:
        return NOT_ASSESSED
    answered = [question for question in practice.questions if question.status == "answered"]
    return PracticeOutcome(
        assessed=True,
        attained=bool(practice.attained),
        score=practice.score,
        credit=practice.credit,
        answered=len(answered),
        disputed=sum(
            1
            for question in answered
            if question.responses >= 2
            and question.dispersion is not None
            and reaches(question.dispersion, DISAGREEMENT_THRESHOLD)
        ),
    )


def _restricted(
    card: ScoreCard, questionnaire: Questionnaire, shared: set[str], scope: set[str]
) -> _Figures:
    """Recompute a card's groups over the shared best practices and domains only (section 8)."""
    outcomes = {
        practice.id: _outcome(practice) for practice in card.best_practices if practice.id in shared
    }
    maturity = assess_maturity(
        questionnaire, outcomes, stage_threshold=card.parameters.stage_threshold, scope=scope
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
    for after in target:
        before = base_by_id.get(after.id)
        # A domain outside either side's scope is not part of the comparison (section 8).
        if before is None or not (before.in_scope and after.in_scope):
            continue
        base_stages = {stage.id: stage for stage in before.stages}
        changes.append(
            DomainChange(
                id=after.id,
                attainment=_change(before.attainment, after.attainment),
                progress=_change(before.progress, after.progress),
                score=_change(before.score, after.score),
                level=_level_change(before.level, after.level),
                index=_change(before.index, after.index),
                stages=tuple(
                    StageChange(
                        id=stage.id,
                        attainment=_change(base_stages[stage.id].attainment, stage.attainment),
                        progress=_change(base_stages[stage.id].progress, stage.progress),
                    )
                    for stage in after.stages
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
            progress=_change(base_by_id[enabler.id].progress, enabler.progress),
            score=_change(base_by_id[enabler.id].score, enabler.score),
        )
        for enabler in target
        if enabler.id in base_by_id
    )


def _overall_change(base: Overall, target: Overall) -> OverallChange:
    return OverallChange(
        attainment=_change(base.attainment, target.attainment),
        progress=_change(base.progress, target.progress),
        score=_change(base.score, target.score),
        level=_level_change(base.level, target.level),
        index=_change(base.index, target.index),
    )


def _practice_changes(
    base: Mapping[str, BestPracticeScore],
    target: Mapping[str, BestPracticeScore],
    base_questionnaire: Questionnaire,
    target_questionnaire: Questionnaire,
    scope: set[str],
) -> BestPracticeChanges:
    def compared(practice: BestPracticeScore) -> bool:
        return practice.domain is None or practice.domain in scope

    base = {practice_id: p for practice_id, p in base.items() if compared(p)}
    target = {practice_id: p for practice_id, p in target.items() if compared(p)}
    gained, lost, newly_assessed, no_longer_assessed = [], [], [], []
    for practice_id in (practice_id for practice_id in target if practice_id in base):
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
        only_in_base=tuple(
            practice_id
            for practice_id in base
            if practice_id not in target_questionnaire.best_practice_by_id
        ),
        only_in_target=tuple(
            practice_id
            for practice_id in target
            if practice_id not in base_questionnaire.best_practice_by_id
        ),
    )


def compare(
    base: AnyCard,
    target: AnyCard,
    base_questionnaire: Questionnaire,
    target_questionnaire: Questionnaire,
) -> Comparison:
    """Return how `target` differs from `base` (scoring.md section 8).

    A card of an older scoring version is rescored first, with its own questionnaire's
    parameters (`scoring.rescore`). Raises `ValueError` for cards of two unrelated
    questionnaires (related: one key, or one a short form of the other) and for a card that
    does not score the questionnaire given beside it. Cards of one questionnaire version and
    one scope compare as they are (`comparable: "same_version"`); others over the best
    practices and domains both share (`"shared_ids"`).
    """
    if not related(base_questionnaire, target_questionnaire):
        raise ValueError(
            "cannot compare score cards of two unrelated questionnaires: "
            f"{base_questionnaire.key!r} and {target_questionnaire.key!r}"
        )
    rescored = base.scoring_version != SCORING_VERSION or target.scoring_version != SCORING_VERSION
    base = current(base, base_questionnaire)
    target = current(target, target_questionnaire)
    _check_card(base, base_questionnaire, "base")
    _check_card(target, target_questionnaire, "target")

    scope = set(base.scope) & set(target.scope)
    base_practices = {practice.id: practice for practice in base.best_practices}
    target_practices = {practice.id: practice for practice in target.best_practices}
    if base.questionnaire == target.questionnaire and base.scope == target.scope:
        comparable: Literal["same_version", "shared_ids"] = "same_version"
        before = _Figures(overall=base.overall, domains=base.domains, enablers=base.enablers)
        after = _Figures(overall=target.overall, domains=target.domains, enablers=target.enablers)
    else:
        comparable = "shared_ids"
        shared = set(base_practices) & set(target_practices)
        before = _restricted(base, base_questionnaire, shared, scope)
        after = _restricted(target, target_questionnaire, shared, scope)

    return Comparison(
        comparable=comparable,
        scoring="rescored" if rescored else "same",
        questionnaire=QuestionnaireVersions(
            key=target.questionnaire.key,
            base_key=base.questionnaire.key,
            base_version=base.questionnaire.version,
            target_key=target.questionnaire.key,
            target_version=target.questionnaire.version,
        ),
        scoring_version=SCORING_VERSION,
        scope=tuple(domain for domain in target.scope if domain in scope),
        overall=_overall_change(before.overall, after.overall),
        domains=_domain_changes(before.domains, after.domains),
        enablers=_enabler_changes(before.enablers, after.enablers),
        best_practices=_practice_changes(
            base_practices, target_practices, base_questionnaire, target_questionnaire, scope
        ),
    )
