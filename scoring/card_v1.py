"""Score cards of scoring version "1", as stored before version "2" (scoring.md, last section).

They are read back to be served and rescored (`scoring.rescore`), never made any more.
Field names and order are those version "1" wrote, so a stored card read back serializes to
the same bytes. Its questions and completeness read as version "2" wrote them
(`scoring.card_v2`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from scoring.card import CardModel, Count, Disagreement, Fraction, QuestionnaireRef
from scoring.card_v2 import CompletenessV2, QuestionScoreV2

__all__ = [
    "SCORING_VERSION_1",
    "BestPracticeScoreV1",
    "CardParametersV1",
    "DomainScoreV1",
    "EnablerScoreV1",
    "GapV1",
    "NextLevelV1",
    "OverallV1",
    "ScoreCardV1",
    "StageScoreV1",
]

SCORING_VERSION_1 = "1"


class CardParametersV1(CardModel):
    """The scoring parameters of the questionnaire, as used for the card."""

    attainment_threshold: float
    stage_threshold: float
    aggregation: Literal["mean", "median", "min"]


class OverallV1(CardModel):
    """The organization as a whole: every domain practice, the weakest domain (section 5)."""

    attainment: Fraction | None
    score: Fraction | None
    level: Count | None
    level_name: str | None
    index: Annotated[float, Field(ge=0)] | None
    practices_assessed: Count
    practices_attained: Count


class NextLevelV1(CardModel):
    """What a domain needs to reach its next level (section 4)."""

    level: int
    stage: str
    needed: int
    candidates: tuple[str, ...]


class StageScoreV1(CardModel):
    """One cell: a domain at one stage (section 3)."""

    id: str
    practices_assessed: Count
    practices_attained: Count
    attainment: Fraction | None
    score: Fraction | None
    achieved: bool


class DomainScoreV1(CardModel):
    """One domain: its continuum, level, index and next level (section 4)."""

    id: str
    name: str
    assessed: bool
    attainment: Fraction | None
    score: Fraction | None
    level: Count | None
    level_name: str | None
    index: Annotated[float, Field(ge=0)] | None
    practices_assessed: Count
    practices_attained: Count
    next_level: NextLevelV1 | None
    stages: tuple[StageScoreV1, ...]


class EnablerScoreV1(CardModel):
    """One enabler category, as a group (section 5)."""

    id: str
    name: str
    practices_assessed: Count
    practices_attained: Count
    attainment: Fraction | None
    score: Fraction | None


class BestPracticeScoreV1(CardModel):
    """One best practice: the weighted mean of its scored questions (section 2)."""

    id: str
    title: str
    domain: str | None
    stage: str | None
    enabler: str | None
    assessed: bool
    score: Fraction | None
    attained: bool | None
    questions: tuple[QuestionScoreV2, ...]


class GapV1(CardModel):
    """An assessed best practice that is not attained (section 6)."""

    id: str
    title: str
    domain: str | None
    stage: str | None
    enabler: str | None
    score: Fraction


class ScoreCardV1(CardModel):
    """The score card of scoring.md section 7: `model_dump_json()` is its JSON."""

    scoring_version: Literal["1"]
    questionnaire: QuestionnaireRef
    parameters: CardParametersV1
    respondents: Count
    completeness: CompletenessV2
    overall: OverallV1
    domains: tuple[DomainScoreV1, ...]
    enablers: tuple[EnablerScoreV1, ...]
    best_practices: tuple[BestPracticeScoreV1, ...]
    gaps: tuple[GapV1, ...]
    disagreements: tuple[Disagreement, ...]
