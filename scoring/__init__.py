"""Scoring: a questionnaire and its respondents' answers in, a score card out.

A pure library (no I/O, no clock, no randomness, no global state) implementing
`design/scoring.md`, scoring version "3":

    from scoring import Answer, ScoreCard, score, compare, read_card, current, validated_card

    card: ScoreCard = score(questionnaire, answers, scope=["project"])
    validated = validated_card(questionnaire, answers, consensus_ratings, scope=["project"])
    comparison = compare(base_card, target_card, base_questionnaire, target_questionnaire)

An answer gives a value, N/A (`not_applicable`) or "don't know" (`dont_know`), or is blank.
`card.model_dump_json()` is the score card of section 7, byte for byte the same for the same
input; `comparison.model_dump_json()` is the comparison of section 8. A stored card of an
older scoring version ("2" or "1") is read with `read_card` (it stays as it was, byte for byte)
and recomputed under the current rules from its stored questions with `rescore` (or `current`)
wherever it meets current cards; `compare` does that itself.

Errors: `score` raises `ValueError` for a bad scope and `InvalidAnswersError` (a `ValueError`)
whose `problems` name every answer that does not fit the questionnaire or the scope; `compare`
raises `ValueError` for cards that cannot be compared; `rescore` and `read_card` raise
`ValueError` for a card they cannot read or that does not score the questionnaire given.
"""

from scoring.answers import Answer, AnswerLike, AnswerProblem, InvalidAnswersError
from scoring.card import (
    SCORING_VERSION,
    Basis,
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
from scoring.card_v2 import (
    BestPracticeScoreV2,
    DomainScoreV2,
    QuestionScoreV2,
    ScoreCardV2,
    StageScoreV2,
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
    related,
)
from scoring.engine import (
    CONSENSUS_RESPONDENT,
    ConsensusLike,
    ConsensusRating,
    score,
    validated_card,
)
from scoring.rescore import AnyCard, OlderCard, current, read_card, rescore
from scoring.scope import in_scope, practices_in_scope

__all__ = [
    "CONSENSUS_RESPONDENT",
    "SCORING_VERSION",
    "Answer",
    "AnswerLike",
    "AnswerProblem",
    "AnyCard",
    "Basis",
    "BestPracticeChanges",
    "BestPracticeScore",
    "BestPracticeScoreV2",
    "CardParameters",
    "Change",
    "Comparison",
    "Completeness",
    "ConsensusLike",
    "ConsensusRating",
    "Disagreement",
    "DomainChange",
    "DomainScore",
    "DomainScoreV1",
    "DomainScoreV2",
    "EnablerChange",
    "EnablerScore",
    "EnablerScoreV1",
    "Gap",
    "GapV1",
    "InvalidAnswersError",
    "LevelChange",
    "NextLevel",
    "OlderCard",
    "Overall",
    "OverallChange",
    "QuestionScore",
    "QuestionScoreV2",
    "QuestionStatus",
    "QuestionnaireRef",
    "QuestionnaireVersions",
    "ScoreCard",
    "ScoreCardV1",
    "ScoreCardV2",
    "StageChange",
    "StageScore",
    "StageScoreV1",
    "StageScoreV2",
    "compare",
    "current",
    "in_scope",
    "practices_in_scope",
    "read_card",
    "related",
    "rescore",
    "score",
    "validated_card",
]
