"""`score`: a questionnaire and its respondents' answers in, a score card out (scoring.md).

The answers are checked and grouped per question (section 0, `scoring.answers`) and every
question scored over all respondents (section 1) here; the rest of the card comes from the
questions as the card writes them (`scoring.practices`), the path `rescore` shares. Values
are summed as exact integers, so the order in which answers arrive cannot change a digit.

`validated_card` is the card of section 9: consensus ratings in place of the respondents'
answers to their questions.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from operator import mul
from typing import Protocol

from questionnaires import Questionnaire
from scoring.answers import Answer, AnswerLike, Tally, tally_answers
from scoring.card import Basis, ScoreCard
from scoring.practices import QuestionData, score_card_from_questions
from scoring.precision import rounded
from scoring.scope import in_scope, practices_in_scope

__all__ = [
    "CONSENSUS_RESPONDENT",
    "ConsensusLike",
    "ConsensusRating",
    "score",
    "validated_card",
]

CONSENSUS_RESPONDENT = "consensus"


def _score_questions(tally: Tally, top: int, aggregation: str) -> dict[str, QuestionData]:
    """Score every question over all respondents (section 1), as the card writes it.

    A value wins over N/A, N/A over "don't know", "don't know" over a blank: `answered`,
    `not_applicable`, `unknown` (scored 0), `unanswered` (scored 0).
    """
    questions: dict[str, QuestionData] = {}
    for question_id, values in tally.values.items():
        count = len(values)
        if count == 0:
            if question_id in tally.marked_not_applicable:
                status, question_score = "not_applicable", None
            elif question_id in tally.marked_dont_know:
                status, question_score = "unknown", 0.0
            else:
                # What no one vouches for counts as not in place.
                status, question_score = "unanswered", 0.0
            questions[question_id] = {
                "id": question_id,
                "status": status,
                "score": question_score,
                "dispersion": None,
                "responses": 0,
            }
            continue
        total = tally.totals[question_id]
        if aggregation == "mean":
            aggregate = total / (count * top)
        elif aggregation == "median":
            ordered = sorted(values)
            middle = count // 2
            if count % 2:
                aggregate = ordered[middle] / top
            else:
                aggregate = (ordered[middle - 1] + ordered[middle]) / (2 * top)
        else:
            aggregate = min(values) / top
        # Population standard deviation of value / top, from exact integer sums:
        # sqrt(n * sum(v^2) - sum(v)^2) / (n * top); the radicand is an integer >= 0.
        dispersion = math.sqrt(count * sum(map(mul, values, values)) - total * total) / (
            count * top
        )
        questions[question_id] = {
            "id": question_id,
            "status": "answered",
            "score": rounded(aggregate),
            "dispersion": rounded(dispersion),
            "responses": count,
        }
    return questions


def score(
    questionnaire: Questionnaire,
    answers: Iterable[AnswerLike],
    scope: Collection[str] | None = None,
    *,
    basis: Basis = "self",
) -> ScoreCard:
    """Return the score card of `answers` to `questionnaire` (scoring.md, sections 0 to 7).

    `scope` holds the domain ids the assessment covers (every domain when None): the others'
    practices are left out of the card, and answers to their questions are refused. `basis`
    is written on the card: "self" for respondents' answers, "validated" for answers with
    consensus ratings (section 9; `validated_card` makes that card).
    Raises `ValueError` for a scope that is empty or names an unknown or repeated domain, and
    `InvalidAnswersError`, a `ValueError`, naming every answer that breaks section 0.
    Blank answers (no value, not N/A, not "don't know") are allowed and take no part.
    """
    domains = in_scope(questionnaire, scope)
    practices = practices_in_scope(questionnaire, domains)
    if len(domains) == len(questionnaire.domains):
        tally = tally_answers(questionnaire, answers)
    else:
        questions = {question.id: question for p in practices for question in p.questions}
        tally = tally_answers(questionnaire, answers, questions=questions)
    return score_card_from_questions(
        questionnaire,
        _score_questions(tally, questionnaire.scale.max_value, questionnaire.scoring.aggregation),
        domains=domains,
        practices=practices,
        respondents=tally.respondents,
        basis=basis,
    )


class ConsensusLike(Protocol):
    """A consensus rating (section 9): the value or N/A the group agreed on for a question.

    A `ConsensusRating`, or any object with these attributes (a stored row).
    """

    @property
    def question_id(self) -> str: ...
    @property
    def value(self) -> int | None: ...
    @property
    def not_applicable(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class ConsensusRating:
    """The rating a facilitated group agreed on for one question: a value, or N/A."""

    question_id: str
    value: int | None
    not_applicable: bool = False


def validated_card(
    questionnaire: Questionnaire,
    answers: Iterable[AnswerLike],
    consensus: Iterable[ConsensusLike],
    scope: Collection[str] | None = None,
) -> ScoreCard:
    """Return the validated card: consensus ratings in place of the answers they settle (9).

    Every answer to a question with a consensus rating is removed and one answer per rating
    added, by respondent `"consensus"`; the card is `score` of those answers, with
    `basis: "validated"`. Raises `ValueError` for a rating that gives neither a value nor N/A,
    and as `score` does (two ratings of one question are two answers of one respondent).
    """
    ratings = list(consensus)
    blank = sorted(r.question_id for r in ratings if r.value is None and not r.not_applicable)
    if blank:
        raise ValueError(f"a consensus rating gives a value or N/A, not neither: {blank}")
    settled = {rating.question_id for rating in ratings}
    kept: list[AnswerLike] = [answer for answer in answers if answer.question_id not in settled]
    kept += [
        Answer(CONSENSUS_RESPONDENT, r.question_id, r.value, not_applicable=r.not_applicable)
        for r in ratings
    ]
    return score(questionnaire, kept, scope, basis="validated")
