"""The score card: frozen Pydantic models whose JSON is the card of scoring.md section 7.

Field names and their order are those of the spec. Every key is always written, nulls as
`null`. The engine builds a card as plain data and validates it once, in one call;
a card read back from JSON (`ScoreCard.model_validate_json`) is validated and serializes to
the same bytes. Cards of scoring version "1" are read with `scoring.card_v1`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SCORING_VERSION",
    "BestPracticeScore",
    "CardModel",
    "CardParameters",
    "Completeness",
    "Count",
    "Disagreement",
    "DomainScore",
    "EnablerScore",
    "Fraction",
    "Gap",
    "NextLevel",
    "Overall",
    "QuestionScore",
    "QuestionStatus",
    "QuestionnaireRef",
    "ScoreCard",
    "StageScore",
]

SCORING_VERSION = "2"

Fraction = Annotated[float, Field(ge=0, le=1)]
Count = Annotated[int, Field(ge=0)]
QuestionStatus = Literal["answered", "not_applicable", "unanswered"]


class CardModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionnaireRef(CardModel):
    """The questionnaire version a card scores."""

    key: str
    version: str


class CardParameters(CardModel):
    """The scoring parameters of the questionnaire, as used for the card."""

    attainment_threshold: float
    stage_threshold: float
    aggregation: Literal["mean", "median", "min"]
    credit_floor: float


class Completeness(CardModel):
    """In-scope questions counted by status (section 6)."""

    questions: Count
    answered: Count
    not_applicable: Count
    unanswered: Count
    ratio: Fraction


class Overall(CardModel):
    """Every in-scope domain practice; the weakest domain in scope (section 5)."""

    attainment: Fraction | None
    progress: Fraction | None
    score: Fraction | None
    level: Count | None
    level_name: str | None
    index: Annotated[float, Field(ge=0)] | None
    practices_assessed: Count
    practices_attained: Count


class NextLevel(CardModel):
    """What a domain needs to reach its next level (section 4).

    `needed` is null, and `candidates` empty, when the stage's cell has no assessed practice.
    """

    level: int
    stage: str
    needed: int | None
    candidates: tuple[str, ...]


class StageScore(CardModel):
    """One cell: a domain at one stage (section 3)."""

    id: str
    practices_assessed: Count
    practices_attained: Count
    attainment: Fraction | None
    progress: Fraction | None
    score: Fraction | None
    achieved: bool


class DomainScore(CardModel):
    """One domain: its continuum, level, index and next level (section 4)."""

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
    stages: tuple[StageScore, ...]


class EnablerScore(CardModel):
    """One enabler category, as a group (section 5)."""

    id: str
    name: str
    practices_assessed: Count
    practices_attained: Count
    attainment: Fraction | None
    progress: Fraction | None
    score: Fraction | None


class QuestionScore(CardModel):
    """One question over all respondents (section 1)."""

    id: str
    status: QuestionStatus
    score: Fraction | None
    dispersion: Fraction | None
    responses: Count


class BestPracticeScore(CardModel):
    """One best practice: the weighted mean of its scored questions, and its credit (section 2)."""

    id: str
    title: str
    domain: str | None
    stage: str | None
    enabler: str | None
    assessed: bool
    score: Fraction | None
    attained: bool | None
    credit: Fraction | None
    questions: tuple[QuestionScore, ...]


class Gap(CardModel):
    """An assessed best practice that is not attained, and how close it is (section 6)."""

    id: str
    title: str
    domain: str | None
    stage: str | None
    enabler: str | None
    score: Fraction
    credit: Fraction


class Disagreement(CardModel):
    """A question on which respondents' views differ (section 6)."""

    id: str
    dispersion: Fraction
    responses: Count


class ScoreCard(CardModel):
    """The score card of scoring.md section 7: `model_dump_json()` is its JSON."""

    scoring_version: Literal["2"]
    questionnaire: QuestionnaireRef
    parameters: CardParameters
    scope: tuple[str, ...]
    respondents: Count
    completeness: Completeness
    overall: Overall
    domains: tuple[DomainScore, ...]
    enablers: tuple[EnablerScore, ...]
    best_practices: tuple[BestPracticeScore, ...]
    gaps: tuple[Gap, ...]
    disagreements: tuple[Disagreement, ...]
