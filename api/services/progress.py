"""Progress: how far respondents are through the questions they are asked (`api.md`, `progress`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from api.schemas import (
    Progress,
)
from questionnaires import Question, Questionnaire
from scoring import (
    AnswerLike,
    practices_in_scope,
)
from scoring.precision import rounded

__all__ = ["progress_of", "progress_over", "questions_in_scope", "respondent_scope"]


def respondent_scope(scope: list[str], domains: list[str] | None) -> list[str]:
    """The domains a respondent is asked, in the assessment's order: its own `domains` (null:
    the whole scope, following it); the enablers are asked of everyone (`api.md`)."""
    return list(scope) if domains is None else [d for d in scope if d in domains]


def questions_in_scope(questionnaire: Questionnaire, scope: Iterable[str]) -> dict[str, Question]:
    """The questions an assessment of this scope asks, by id, in questionnaire order."""
    return {
        question.id: question
        for practice in practices_in_scope(questionnaire, list(scope))
        for question in practice.questions
    }


def progress_of(
    questionnaire: Questionnaire, scope: Iterable[str], rows: Iterable[AnswerLike]
) -> Progress:
    """In-scope questions counted by status (`api.md`, progress; scoring.md sections 1 and 6).

    A question is answered when some answer gives it a value, else not applicable when some
    answer marks it so, else unknown when some answer says "don't know", else unanswered: the
    score card's completeness, without scoring.
    """
    return progress_over(questions_in_scope(questionnaire, scope), rows)


def progress_over(question_ids: Iterable[str], rows: Iterable[AnswerLike]) -> Progress:
    """`progress_of` over the given questions only (a section of a questionnaire)."""
    valued: set[str] = set()
    marked: set[str] = set()
    unknown: set[str] = set()
    for row in rows:
        if row.value is not None:
            valued.add(row.question_id)
        elif row.not_applicable:
            marked.add(row.question_id)
        elif row.dont_know:
            unknown.add(row.question_id)
    questions = list(question_ids)
    counts = Counter(
        "answered"
        if question_id in valued
        else "not_applicable"
        if question_id in marked
        else "unknown"
        if question_id in unknown
        else "unanswered"
        for question_id in questions
    )
    unanswered = counts["unanswered"]
    return Progress(
        questions=len(questions),
        answered=counts["answered"],
        not_applicable=counts["not_applicable"],
        unknown=counts["unknown"],
        unanswered=unanswered,
        ratio=rounded((len(questions) - unanswered) / len(questions)) if questions else 1.0,
    )
