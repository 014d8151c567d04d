"""Rescoring: a card of an older scoring version recomputed under the current rules (section 8).

Stored cards are never rewritten. Wherever an older card meets current ones (either side of a
comparison, a trend point, the baseline of a goal), it is read with `read_card` and recomputed
with `rescore` from its stored per-question `status`, `score`, `dispersion` and `responses`,
with the weights and parameters of its own questionnaire version: by the same code that
scores answers (`scoring.practices`), so that a rescored card is, byte for byte, the card the
current version makes of the same answers.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, TypeAdapter

from questionnaires import Questionnaire
from scoring.card import SCORING_VERSION, ScoreCard
from scoring.card_v1 import SCORING_VERSION_1, ScoreCardV1
from scoring.card_v2 import SCORING_VERSION_2, ScoreCardV2
from scoring.practices import QuestionData, score_card_from_questions
from scoring.scope import in_scope, practices_in_scope

__all__ = ["AnyCard", "OlderCard", "current", "read_card", "rescore"]

OlderCard = ScoreCardV2 | ScoreCardV1
AnyCard = ScoreCard | ScoreCardV2 | ScoreCardV1
_ANY_CARD: TypeAdapter[AnyCard] = TypeAdapter(
    Annotated[AnyCard, Field(discriminator="scoring_version")]
)


def read_card(text: str | bytes) -> AnyCard:
    """Return a stored card (its JSON), as the model of its scoring version ("1", "2", "3").

    Served as it is, it writes the same bytes. Raises `ValueError` for a scoring version this
    library does not know, or a card that is not one.
    """
    # pydantic's ValidationError is a ValueError; it names an unknown scoring version.
    return _ANY_CARD.validate_json(text)


def rescore(card: OlderCard, questionnaire: Questionnaire) -> ScoreCard:
    """Return a version "2" or "1" card recomputed under the current rules (section 8).

    From each stored question's `status`, `score`, `dispersion` and `responses` (as written),
    with the weights and `scoring` parameters of `questionnaire`, the version the card scores:
    question credits, practices, cells (with `disputed`), gaps, disagreements, groups, levels,
    indexes and next levels. `respondents` is kept; `completeness.unknown` is 0; the scope is
    the card's, every domain for a version "1" card; `basis` is "self".
    Raises `ValueError` when `questionnaire` is not the version the card scores (its key,
    version, best practices in scope or their questions differ).
    """
    if (card.questionnaire.key, card.questionnaire.version) != (
        questionnaire.key,
        questionnaire.version,
    ):
        raise ValueError(
            f"the card scores {card.questionnaire.key} {card.questionnaire.version}, "
            f"not {questionnaire.key} {questionnaire.version}"
        )
    domains = in_scope(questionnaire, card.scope if isinstance(card, ScoreCardV2) else None)
    practices = practices_in_scope(questionnaire, domains)
    stored = [
        (practice.id, [question.id for question in practice.questions])
        for practice in card.best_practices
    ]
    if stored != [(p.id, [question.id for question in p.questions]) for p in practices]:
        raise ValueError(
            f"the card's best practices and questions are not those of "
            f"{questionnaire.key} {questionnaire.version} in its scope"
        )
    questions: dict[str, QuestionData] = {
        question.id: question.model_dump()
        for practice in card.best_practices
        for question in practice.questions
    }
    return score_card_from_questions(
        questionnaire,
        questions,
        domains=domains,
        practices=practices,
        respondents=card.respondents,
        basis="self",
    )


def current(card: AnyCard, questionnaire: Questionnaire) -> ScoreCard:
    """Return `card` under the current rules: as it is, or rescored (section 8).

    `questionnaire` is the version the card scores. Raises `ValueError` for a scoring
    version this library does not know.
    """
    if card.scoring_version not in (SCORING_VERSION_1, SCORING_VERSION_2, SCORING_VERSION):
        raise ValueError(f"unknown scoring version {card.scoring_version!r}")
    if isinstance(card, ScoreCard):
        return card
    return rescore(card, questionnaire)
