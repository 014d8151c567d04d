"""Answers: a respondent's batch of upserts, all or nothing (`api.md`, Answers)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from api.core.errors import Invalid, field_problem
from api.schemas import (
    MAX_ANSWERS_PER_REQUEST,
    MAX_COMMENT,
    MAX_EVIDENCE_ITEMS,
    MAX_EVIDENCE_LENGTH,
    AnswerItem,
    AnswerPublic,
    AnswersSaved,
    RespondentAnswers,
)
from api.services.guards import ensure_not_submitted, lock_assessment
from api.services.progress import (
    progress_of,
    progress_over,
    questions_in_scope,
    respondent_scope,
)
from api.services.questionnaires import questionnaire_of
from api.storage import repository
from api.storage.tables import AssessmentRow, RespondentRow, utcnow
from questionnaires import Question, Questionnaire

__all__ = [
    "item_problems",
    "respondent_answers",
    "save_answers",
    "validate_items",
]


def item_problems(
    questionnaire: Questionnaire, questions: Mapping[str, Question], index: int, item: AnswerItem
) -> list[dict[str, Any]]:
    """What is wrong with one answer item (the `index`th): empty when it may be saved.

    `questions` are those of the assessment's scope. The one check of an answer, for the API,
    the pages and `opm import` alike.
    """

    def problem(field: str, message: str) -> dict[str, Any]:
        return field_problem(f"answers.{index}.{field}", message, question_id=item.question_id)

    question = questions.get(item.question_id)
    if question is None:
        if item.question_id in questionnaire.questions:
            return [problem("question_id", "outside this assessment's scope")]
        return [problem("question_id", f"unknown question {item.question_id!r}")]
    problems = []
    if item.value is not None and item.value not in questionnaire.scale.values:
        allowed = ", ".join(str(v) for v in sorted(questionnaire.scale.values))
        problems.append(problem("value", f"{item.value} is not on the scale ({allowed})"))
    if item.not_applicable and not question.allow_not_applicable:
        problems.append(problem("not_applicable", "this question does not allow N/A"))
    given = [
        name
        for name, present in (
            ("value", item.value is not None),
            ("not_applicable", bool(item.not_applicable)),
            ("dont_know", bool(item.dont_know)),
        )
        if present
    ]
    if len(given) > 1:
        field = "value" if "value" in given else given[-1]
        problems.append(problem(field, f"{' and '.join(given)} together: give one of them"))
    if item.comment is not None and len(item.comment) > MAX_COMMENT:
        problems.append(problem("comment", f"longer than {MAX_COMMENT} characters"))
    evidence = item.evidence or []
    if len(evidence) > MAX_EVIDENCE_ITEMS:
        problems.append(problem("evidence", f"more than {MAX_EVIDENCE_ITEMS} items"))
    for position, entry in enumerate(evidence):
        if len(entry) > MAX_EVIDENCE_LENGTH:
            problems.append(
                problem(f"evidence.{position}", f"longer than {MAX_EVIDENCE_LENGTH} characters")
            )
    return problems


def validate_items(
    questionnaire: Questionnaire, questions: Mapping[str, Question], items: list[AnswerItem]
) -> None:
    """Raise one 422 naming every invalid item; nothing may be saved then.

    `questions` are those of the assessment's scope: another domain's answer 422 too.
    """
    if len(items) > MAX_ANSWERS_PER_REQUEST:
        raise Invalid.field(
            "answers",
            f"more than {MAX_ANSWERS_PER_REQUEST}",
            detail=f"At most {MAX_ANSWERS_PER_REQUEST} answers in one request; got {len(items)}.",
        )
    problems = [
        p
        for index, item in enumerate(items)
        for p in item_problems(questionnaire, questions, index, item)
    ]
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.question_id in seen:
            problems.append(
                field_problem(
                    f"answers.{index}.question_id",
                    "the same question twice in one request",
                    question_id=item.question_id,
                )
            )
        seen.add(item.question_id)
    if problems:
        ids = sorted({p["question_id"] for p in problems})
        raise Invalid(
            f"{len(problems)} invalid answer item(s), nothing saved: {', '.join(ids)}.",
            errors=problems,
        )


def _is_empty(item: AnswerItem) -> bool:
    return (
        item.value is None
        and not item.not_applicable
        and not item.dont_know
        and not item.comment
        and not item.evidence
    )


def save_answers(
    *,
    session: Session,
    assessment: AssessmentRow,
    respondent: RespondentRow,
    items: list[AnswerItem],
    written_by: str,
) -> AnswersSaved:
    """Replace each listed question's whole answer for the respondent; all or nothing.

    409 when the assessment is closed or the respondent has submitted; 422 naming every
    invalid item. Every change is appended to the answer history.
    """
    # Shared: writes of several respondents run side by side (PostgreSQL); each respondent's
    # own writes one at a time, its row locked, so that two never wait on each other's rows.
    locked = lock_assessment(
        session=session, assessment=assessment, action="take answers", shared=True
    )
    current = repository.refresh_respondent(session=session, respondent_id=respondent.id, lock=True)
    ensure_not_submitted(current)
    stored = questionnaire_of(session=session, assessment=locked)
    questions = questions_in_scope(
        stored.questionnaire, respondent_scope(locked.scope, current.domains)
    )
    validate_items(stored.questionnaire, questions, items)
    now = utcnow()
    states: list[dict[str, Any]] = [
        {
            "assessment_id": locked.id,
            "respondent_id": respondent.id,
            "question_id": item.question_id,
            "value": item.value,
            "not_applicable": bool(item.not_applicable),
            "dont_know": bool(item.dont_know),
            "comment": item.comment or None,
            "evidence": list(item.evidence or []),
            "written_by": written_by,
        }
        for item in items
    ]
    repository.replace_answers(
        session=session,
        respondent_id=respondent.id,
        answers=[
            {**state, "updated_at": now}
            for state, item in zip(states, items, strict=True)
            if not _is_empty(item)
        ],
        cleared=[
            {**state, "written_at": now}
            for state, item in zip(states, items, strict=True)
            if _is_empty(item)
        ],
    )
    # The PMO sees who is active (`api.md`): a key answering for the respondent counts too.
    respondent.last_activity_at = now
    session.add(respondent)
    session.flush()
    counted = repository.list_answered_questions(session=session, respondent_id=respondent.id)
    return AnswersSaved(saved=len(items), progress=progress_over(questions, counted))


def respondent_answers(
    *, session: Session, assessment: AssessmentRow, respondent: RespondentRow
) -> RespondentAnswers:
    """The respondent's saved answers, in questionnaire order, with its progress."""
    stored = questionnaire_of(session=session, assessment=assessment)
    rows = repository.list_answers(
        session=session, assessment_id=assessment.id, respondent_ids=[respondent.id]
    )
    order = {question_id: n for n, question_id in enumerate(stored.questionnaire.questions)}
    rows.sort(key=lambda row: order.get(row.question_id, len(order)))
    return RespondentAnswers(
        answers=[AnswerPublic.model_validate(row, from_attributes=True) for row in rows],
        progress=progress_of(
            stored.questionnaire, respondent_scope(assessment.scope, respondent.domains), rows
        ),
    )
