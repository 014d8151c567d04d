"""Score cards of scoring version "2", as stored before version "3" (scoring.md, last section).

They are read back to be served and rescored (`scoring.rescore`), never made any more. Field
names and order are those version "2" wrote, so a stored card read back serializes to the same
bytes. The parts version "3" writes alike (overall, enablers, next level, gaps,
disagreements) are the current models.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from scoring.card import (
    CardModel,
    Count,
    Disagreement,
    EnablerScore,
    Fraction,
    Gap,
    NextLevel,
    Overall,
    QuestionnaireRef,
)

__all__ = [
    "SCORING_VERSION_2",
    "BestPracticeScoreV2",
    "CardParametersV2",
    "CompletenessV2",
    "DomainScoreV2",
    "QuestionScoreV2",
    "QuestionStatusV2",
    "ScoreCardV2",
    "StageScoreV2",
]

SCORING_VERSION_2 = "2"

QuestionStatusV2 = Literal["answered", "not_applicable", "unanswered"]


class CardParametersV2(CardModel):
    """The scoring parameters of the questionnaire, as used for the card."""

    attainment_threshold: float
    stage_threshold: float
    aggregation: Literal["mean", "median", "min"]
    credit_floor: float


class CompletenessV2(CardModel):
    """In-scope questions counted by status (section 6): no "don't know" yet."""

    questions: Count
    answered: Count
    not_applicable: Count
    unanswered: Count
    ratio: Fraction


class StageScoreV2(CardModel):
    """One cell: a domain at one stage (section 3), without `disputed`."""

    id: str
    practices_assessed: Count
    practices_attained: Count
    attainment: Fraction | None
    progress: Fraction | None
    score: Fraction | None
    achieved: bool


class DomainScoreV2(CardModel):
    """One domain: its continuum, level, index (level + the next cell's progress), next level."""

    id: str
    name: str
    in_scope: bool
    assessed: bool
    attainment: Fraction | None
    progress: Fraction | None
    score: Fraction | None
    level: Count | None
    level_name: str | None
    index: Annotated[float, Field(ge=0)] | None
    practices_assessed: Count
    practices_attained: Count
    next_level: NextLevel | None
    stages: tuple[StageScoreV2, ...]


class QuestionScoreV2(CardModel):
    """One question over all respondents (section 1), without credit: what rescoring reads."""

    id: str
    status: QuestionStatusV2
    score: Fraction | None
    dispersion: Fraction | None
    responses: Count


class BestPracticeScoreV2(CardModel):
    """One best practice: attained on its weighted mean score, credit from that mean."""

    id: str
    title: str
    domain: str | None
    stage: str | None
    enabler: str | None
    assessed: bool
    score: Fraction | None
    attained: bool | None
    credit: Fraction | None
    questions: tuple[QuestionScoreV2, ...]


class ScoreCardV2(CardModel):
    """A stored card of scoring version "2": `model_dump_json()` is its JSON as stored."""

    scoring_version: Literal["2"]
    questionnaire: QuestionnaireRef
    parameters: CardParametersV2
    scope: tuple[str, ...]
    respondents: Count
    completeness: CompletenessV2
    overall: Overall
    domains: tuple[DomainScoreV2, ...]
    enablers: tuple[EnablerScore, ...]
    best_practices: tuple[BestPracticeScoreV2, ...]
    gaps: tuple[Gap, ...]
    disagreements: tuple[Disagreement, ...]
