"""The score card: frozen Pydantic models whose JSON is the card of scoring.md section 7.

Field names and their order are those of the spec. Every key is always written, nulls as
`null`. The engine builds a card as plain data and validates it once, in one call;
a card read back from JSON (`ScoreCard.model_validate_json`) is validated and serializes to
the same bytes.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SCORING_VERSION",
    "BestPracticeScore",
    "CardParameters",
    "Completeness",
    "Disagreement",
    "DomainScore",
    "EnablerScore",
    "Gap",
    "NextLevel",
    "Overall",
    "QuestionScore",
    "QuestionStatus",
    "QuestionnaireRef",
    "ScoreCard",
    "StageScore",
]

SCORING_VERSION = "1"

Fraction = Annotated[float, Field(ge=0, le=1)]
Count = Annotated[int, Field(ge=0)]
QuestionStatus = Literal["answered", "not_applicable", "unanswered"]


class _CardModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionnaireRef(_CardModel):
    """The questionnaire version a card scores."""

    key: str
    version: str


class CardParameters(_CardModel):
    """The scoring parameters of the questionnaire, as used for the card."""

    attainment_threshold: float
    stage_threshold: float
    aggregation: Literal["mean", "median", "min"]


class Completeness(_CardModel):
    """Questions counted by status (section 6)."""

    questions: Count
    answered: Count
    not_applicable: Count
    unanswered: Count
    ratio: Fraction


class Overall(_CardModel):
    """The organization as a whole: every domain practice, the weakest domain (section 5)."""

    attainment: Fraction | None
    score: Fraction | None
    level: Count | None
    level_name: str | None
    index: Annotated[float, Field(ge=0)] | None
    practices_assessed: Count
    practices_attained: Count


class NextLevel(_CardModel):
    """What a domain needs to reach its next level (section 4)."""

    level: int
    stage: str
    needed: int
    candidates: tuple[str, ...]


class StageScore(_CardModel):
    """One cell: a domain at one stage (section 3)."""

    id: str
    practices_assessed: Count
    practices_attained: Count
    attainment: Fraction | None
    score: Fraction | None
    achieved: bool


class DomainScore(_CardModel):
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
    next_level: NextLevel | None
    stages: tuple[StageScore, ...]


class EnablerScore(_CardModel):
    """One enabler category, as a group (section 5)."""

    id: str
    name: str
    practices_assessed: Count
    practices_attained: Count
    attainment: Fraction | None
    score: Fraction | None


class QuestionScore(_CardModel):
    """One question over all respondents (section 1)."""

    id: str
    status: QuestionStatus
    score: Fraction | None
    dispersion: Fraction | None
    responses: Count


class BestPracticeScore(_CardModel):
    """One best practice: the weighted mean of its scored questions (section 2)."""

    id: str
    title: str
    domain: str | None
    stage: str | None
    enabler: str | None
    assessed: bool
    score: Fraction | None
    attained: bool | None
    questions: tuple[QuestionScore, ...]


class Gap(_CardModel):
    """An assessed best practice that is not attained (section 6)."""

    id: str
    title: str
    domain: str | None
    stage: str | None
    enabler: str | None
    score: Fraction


class Disagreement(_CardModel):
    """A question on which respondents' views differ (section 6)."""

    id: str
    dispersion: Fraction
    responses: Count


class ScoreCard(_CardModel):
    """The score card of scoring.md section 7: `model_dump_json()` is its JSON."""

    scoring_version: str
    questionnaire: QuestionnaireRef
    parameters: CardParameters
    respondents: Count
    completeness: Completeness
    overall: Overall
    domains: tuple[DomainScore, ...]
    enablers: tuple[EnablerScore, ...]
    best_practices: tuple[BestPracticeScore, ...]
    gaps: tuple[Gap, ...]
    disagreements: tuple[Disagreement, ...]
