"""Rescoring: a card of an older scoring version recomputed under the current rules (section 8).

Stored cards are never rewritten. Wherever an older card meets current ones (either side of a
comparison, a trend point, the baseline of a goal), it is read with `read_card` and recomputed
with `rescore` from its stored per-practice `assessed`, `attained` and `score`: credit from the
stored score, then every group, level, index and `next_level`, by `scoring.maturity`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from questionnaires import Questionnaire
from scoring.card import SCORING_VERSION, ScoreCard
from scoring.card_v1 import SCORING_VERSION_1, ScoreCardV1
from scoring.maturity import NOT_ASSESSED, PracticeOutcome, assess_maturity, credit
from scoring.precision import rounded, short_of_one

__all__ = ["AnyCard", "current", "read_card", "rescore"]

AnyCard = ScoreCard | ScoreCardV1
_ANY_CARD: TypeAdapter[AnyCard] = TypeAdapter(
    Annotated[AnyCard, Field(discriminator="scoring_version")]
)


def read_card(text: str | bytes) -> AnyCard:
    """Return a stored card (its JSON), as the model of its scoring version.

    Raises `ValueError` for a scoring version this library does not know, or a card that is
    not one.
    """
    # pydantic's ValidationError is a ValueError; it names an unknown scoring version.
    return _ANY_CARD.validate_json(text)


def rescore(
    card: ScoreCardV1, questionnaire: Questionnaire, *, credit_floor: float | None = None
) -> ScoreCard:
    """Return a version "1" card recomputed under the current rules (scoring.md section 8).

    Per-practice `assessed`, `attained` and `score` are kept as stored; credit comes from the
    stored score (1 exactly when attained, else at most 0.9999), with `credit_floor` when it
    is given and below the card's attainment threshold, else 0. The scope is every domain.
    Raises `ValueError` when `questionnaire` is not the version the card scores.
    """
    if (card.questionnaire.key, card.questionnaire.version) != (
        questionnaire.key,
        questionnaire.version,
    ) or [practice.id for practice in card.best_practices] != list(
        questionnaire.best_practice_by_id
    ):
        raise ValueError(
            f"the card scores {card.questionnaire.key} {card.questionnaire.version}, "
            f"not {questionnaire.key} {questionnaire.version}"
        )
    threshold = card.parameters.attainment_threshold
    floor = credit_floor if credit_floor is not None and credit_floor < threshold else 0.0
    outcomes: dict[str, PracticeOutcome] = {}
    practices: list[dict[str, Any]] = []
    for practice in card.best_practices:
        outcome = NOT_ASSESSED
        written_credit = None
        if practice.assessed and practice.score is not None:
            attained = bool(practice.attained)
            earned = credit(practice.score, attained=attained, floor=floor, threshold=threshold)
            if not attained:
                # A stored score is rounded: 0.74996 reads 0.75 yet was not attained.
                earned = min(earned, 0.9999)
            outcome = PracticeOutcome(
                assessed=True, attained=attained, score=practice.score, credit=earned
            )
            written_credit = rounded(earned) if attained else short_of_one(earned)
        outcomes[practice.id] = outcome
        practices.append({**practice.model_dump(), "credit": written_credit})
    credits = {practice["id"]: practice["credit"] for practice in practices}
    scope = [domain.id for domain in questionnaire.domains]
    maturity = assess_maturity(
        questionnaire, outcomes, stage_threshold=card.parameters.stage_threshold, scope=scope
    )
    return ScoreCard.model_validate(
        {
            "scoring_version": SCORING_VERSION,
            "questionnaire": card.questionnaire,
            "parameters": {**card.parameters.model_dump(), "credit_floor": floor},
            "scope": scope,
            "respondents": card.respondents,
            "completeness": card.completeness,
            **maturity,
            "best_practices": practices,
            "gaps": [{**gap.model_dump(), "credit": credits[gap.id]} for gap in card.gaps],
            "disagreements": card.disagreements,
        }
    )


def current(
    card: AnyCard, questionnaire: Questionnaire, *, credit_floor: float | None = None
) -> ScoreCard:
    """Return `card` under the current rules: as it is, or rescored (section 8).

    Raises `ValueError` for a scoring version this library does not know.
    """
    if card.scoring_version not in (SCORING_VERSION_1, SCORING_VERSION):
        raise ValueError(f"unknown scoring version {card.scoring_version!r}")
    if isinstance(card, ScoreCardV1):
        return rescore(card, questionnaire, credit_floor=credit_floor)
    return card
