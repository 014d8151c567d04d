"""Scoring: a questionnaire and its respondents' answers in, a score card out.

A pure library (no I/O, no clock, no randomness, no global state) implementing
`design/scoring.md`, scoring version "2":

    from scoring import Answer, ScoreCard, score, compare, read_card, rescore

    card: ScoreCard = score(questionnaire, answers, scope=["project"])
    comparison = compare(base_card, target_card, base_questionnaire, target_questionnaire)

`card.model_dump_json()` is the score card of section 7, byte for byte the same for the same
input; `comparison.model_dump_json()` is the comparison of section 8. A stored card of an
older scoring version is read with `read_card` (it stays as it was) and recomputed under the
current rules with `rescore` wherever it meets current cards; `compare` does that itself.

Errors: `score` raises `ValueError` for a bad scope and `InvalidAnswersError` (a `ValueError`)
whose `problems` name every answer that does not fit the questionnaire or the scope; `compare`
raises `ValueError` for cards that cannot be compared.
"""

from scoring.answers import Answer, AnswerLike, AnswerProblem, InvalidAnswersError
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
from scoring.card_v1 import DomainScoreV1, EnablerScoreV1, GapV1, ScoreCardV1, StageScoreV1
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
    related,
)
from scoring.engine import in_scope, practices_in_scope, score
from scoring.rescore import AnyCard, current, read_card, rescore

__all__ = [
    "SCORING_VERSION",
    "Answer",
    "AnswerLike",
    "AnswerProblem",
    "AnyCard",
    "BestPracticeChanges",
    "BestPracticeScore",
    "CardParameters",
    "Change",
    "Comparison",
    "Completeness",
    "Disagreement",
    "DomainChange",
    "DomainScore",
    "DomainScoreV1",
    "EnablerChange",
    "EnablerScore",
    "EnablerScoreV1",
    "Gap",
    "GapV1",
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
    "ScoreCardV1",
    "StageChange",
    "StageScore",
    "StageScoreV1",
    "compare",
    "current",
    "in_scope",
    "practices_in_scope",
    "read_card",
    "related",
    "rescore",
    "score",
]
