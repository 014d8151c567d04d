"""Scoring: a questionnaire and its respondents' answers in, a score card out.

A pure library (no I/O, no clock, no randomness, no global state) implementing
`design/scoring.md`, scoring version "1":

    from scoring import Answer, ScoreCard, score, compare

    card: ScoreCard = score(questionnaire, answers)
    comparison = compare(base_card, target_card, base_questionnaire, target_questionnaire)

`card.model_dump_json()` is the score card of section 7, byte for byte the same for the same
input; `comparison.model_dump_json()` is the comparison of section 8.

Errors: `score` raises `InvalidAnswersError` (a `ValueError`) whose `problems` name every
answer that does not fit the questionnaire; `compare` raises `ValueError` for cards that
cannot be compared.
"""

from scoring.answers import Answer, AnswerProblem, InvalidAnswersError
from scoring.card import (
    SCORING_VERSION,
    BestPracticeScore,
    CardParameters,
    Completeness,
    Disagreement,
    DomainScore,
    EnablerScore,
    Gap,
    NextLevel,
    Overall,
    QuestionnaireRef,
    QuestionScore,
    QuestionStatus,
    ScoreCard,
    StageScore,
)
from scoring.compare import (
    BestPracticeChanges,
    Change,
    Comparison,
    DomainChange,
    EnablerChange,
    LevelChange,
    OverallChange,
    QuestionnaireVersions,
    StageChange,
    compare,
)
from scoring.engine import score

__all__ = [
    "SCORING_VERSION",
    "Answer",
    "AnswerProblem",
    "BestPracticeChanges",
    "BestPracticeScore",
    "CardParameters",
    "Change",
    "Comparison",
    "Completeness",
    "Disagreement",
    "DomainChange",
    "DomainScore",
    "EnablerChange",
    "EnablerScore",
    "Gap",
    "InvalidAnswersError",
    "LevelChange",
    "NextLevel",
    "Overall",
    "OverallChange",
    "QuestionScore",
    "QuestionStatus",
    "QuestionnaireRef",
    "QuestionnaireVersions",
    "ScoreCard",
    "StageChange",
    "StageScore",
    "compare",
    "score",
]
