"""The score card: frozen Pydantic models whose JSON is the card of scoring.md section 7.

Field names and their order are those of the spec (scoring version "3"). Every key is always
written, nulls as `null`. The engine builds a card as plain data and validates it once, in one
call; a card read back from JSON (`ScoreCard.model_validate_json`) is validated and serializes
to the same bytes. Stored cards of scoring versions "2" and "1" are read with
`scoring.card_v2` and `scoring.card_v1`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SCORING_VERSION",
    "Basis",
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

SCORING_VERSION = "3"

Fraction = Annotated[float, Field(ge=0, le=1)]
Count = Annotated[int, Field(ge=0)]
QuestionStatus = Literal["answered", "not_applicable", "unknown", "unanswered"]
# What a card rests on (section 9): the respondents' answers alone, or with consensus ratings.
Basis = Literal["self", "validated"]


class CardModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionnaireRef(CardModel):
    """The questionnaire version a card scores."""

    key: str
    version: str


class CardParameters(CardModel):
    """The scoring parameters of the questionnaire, as used for the card (section 2)."""

    attainment_threshold: float
    stage_threshold: float
    aggregation: Literal["mean", "median", "min"]
    credit_floor: float
    question_floor: float
    shortfalls_allowed: Count


class Completeness(CardModel):
    """In-scope questions counted by status (section 6)."""

    questions: Count
    answered: Count
    not_applicable: Count
    unknown: Count
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
    """One cell: a domain at one stage (section 3); `disputed` is the share of its answered
    questions that are disagreements."""

    id: str
    practices_assessed: Count
    practices_attained: Count
    attainment: Fraction | None
    progress: Fraction | None
    score: Fraction | None
    achieved: bool
    disputed: Fraction | None


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
    """One question over all respondents, and its credit (section 1)."""

    id: str
    status: QuestionStatus
    score: Fraction | None
    credit: Fraction | None
    dispersion: Fraction | None
    responses: Count


class BestPracticeScore(CardModel):
    """One best practice: the weighted mean of its scored questions, whether it is attained
    (question floor and shortfalls) and its credit (section 2)."""

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
    """The score card of scoring.md section 7: `model_dump_json()` is its JSON.

    `basis` is "self" for the respondents' answers alone, "validated" with consensus ratings
    (section 9); `indicative` is true for a short form's card (section 4).
    """

    scoring_version: Literal["3"]
    questionnaire: QuestionnaireRef
    basis: Basis
    indicative: bool
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
