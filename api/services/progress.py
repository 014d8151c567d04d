"""Progress: how far respondents are through the questions they are asked (`api.md`, `progress`)."""

from __future__ import annotations

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

__all__ = ["progress_counted", "progress_of", "progress_over", "questions_in_scope"]


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
    answer marks it so, else unanswered: the score card's completeness, without scoring.
    """
    return progress_over(questions_in_scope(questionnaire, scope), rows)


def progress_over(question_ids: Iterable[str], rows: Iterable[AnswerLike]) -> Progress:
    """`progress_of` over the given questions only (a section of a questionnaire)."""
    valued: set[str] = set()
    marked: set[str] = set()
    for row in rows:
        if row.value is not None:
            valued.add(row.question_id)
        elif row.not_applicable:
            marked.add(row.question_id)
    questions = list(question_ids)
    answered = sum(1 for question_id in questions if question_id in valued)
    not_applicable = sum(
        1 for question_id in questions if question_id in marked and question_id not in valued
    )
    return progress_counted(len(questions), answered=answered, not_applicable=not_applicable)


def progress_counted(questions: int, *, answered: int, not_applicable: int) -> Progress:
    """`progress_of` from the counts of questions answered and only marked N/A."""
    return Progress(
        questions=questions,
        answered=answered,
        not_applicable=not_applicable,
        unanswered=questions - answered - not_applicable,
        ratio=rounded((answered + not_applicable) / questions) if questions else 1.0,
    )
