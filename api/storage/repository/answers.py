"""Answers: read whole or as their state, and replaced with their history in a few statements."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

from sqlalchemy import Table, Text, bindparam, delete, insert, or_, type_coerce
from sqlalchemy import select as core_select  # Core columns, beyond sqlmodel's overloads
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from api.storage.repository._shared import table_of
from api.storage.tables import AnswerHistoryRow, AnswerRow

__all__ = [
    "AnswerShown",
    "AnswerState",
    "list_answer_states",
    "list_answer_states_by_assessment",
    "list_answered_questions",
    "list_answers",
    "list_answers_shown",
    "replace_answers",
]


def list_answers(
    *, session: Session, assessment_id: str, respondent_ids: list[str] | None = None
) -> list[AnswerRow]:
    query = select(AnswerRow).where(AnswerRow.assessment_id == assessment_id)
    if respondent_ids is not None:
        query = query.where(col(AnswerRow.respondent_id).in_(respondent_ids))
    return list(session.exec(query.order_by(col(AnswerRow.respondent_id), col(AnswerRow.id))))


class AnswerState(NamedTuple):
    """What scoring and progress read of an answer (no comment, evidence or timestamps)."""

    respondent_id: str
    question_id: str
    value: int | None
    not_applicable: bool
    dont_know: bool


def list_answer_states(
    *, session: Session, assessment_id: str, respondent_ids: list[str] | None = None
) -> list[AnswerState]:
    """`list_answers`, four columns only, through the table (Core): no ORM work per row."""
    query = _ANSWER_STATES
    if respondent_ids is not None:
        query = query.where(_ANSWER.c.respondent_id.in_(respondent_ids))
    rows = session.execute(query, {"assessment_id": assessment_id}).all()  # one fetch
    return list(map(AnswerState._make, rows))


class AnswerShown(NamedTuple):
    """What a report reads of an answer: its state, comment and evidence (no timestamps)."""

    respondent_id: str
    question_id: str
    value: int | None
    not_applicable: bool
    dont_know: bool
    comment: str | None
    evidence: list[str]


def list_answers_shown(*, session: Session, assessment_id: str) -> list[AnswerShown]:
    """`list_answers` without the ORM (a report of 300 respondents reads 70,000 answers): the
    columns a report shows, evidence decoded only where there is some."""
    rows = session.execute(_ANSWERS_SHOWN, {"assessment_id": assessment_id}).all()
    return [
        AnswerShown(
            respondent_id,
            question_id,
            value,
            not_applicable,
            dont_know,
            comment,
            [] if evidence in (None, "[]") else json.loads(evidence),
        )
        for respondent_id, question_id, value, not_applicable, dont_know, comment, evidence in rows
    ]


def list_answer_states_by_assessment(
    *, session: Session, assessment_ids: list[str]
) -> dict[str, list[AnswerState]]:
    """`list_answer_states` of several assessments in one statement, by assessment id."""
    by_assessment: dict[str, list[AnswerState]] = {a: [] for a in assessment_ids}
    if not assessment_ids:
        return by_assessment
    query = (
        core_select(
            _ANSWER.c.assessment_id,
            _ANSWER.c.respondent_id,
            _ANSWER.c.question_id,
            _ANSWER.c.value,
            _ANSWER.c.not_applicable,
            _ANSWER.c.dont_know,
        )
        .where(_ANSWER.c.assessment_id.in_(assessment_ids))
        .order_by(_ANSWER.c.assessment_id, _ANSWER.c.respondent_id, _ANSWER.c.id)
    )
    for assessment_id, *state in session.execute(query):
        by_assessment[assessment_id].append(AnswerState._make(state))
    return by_assessment


def list_answered_questions(*, session: Session, respondent_id: str) -> list[AnswerState]:
    """The states of the respondent's answers that count for progress: a value, N/A or don't
    know (an answer with a comment alone does not)."""
    rows = session.execute(_ANSWERED_QUESTIONS, {"respondent_id": respondent_id}).all()  # one fetch
    return list(map(AnswerState._make, rows))


_ANSWER_STATE = (
    "value",
    "not_applicable",
    "dont_know",
    "comment",
    "evidence",
    "written_by",
    "updated_at",
)


def replace_answers(
    *,
    session: Session,
    respondent_id: str,
    answers: list[dict[str, Any]],
    cleared: list[dict[str, Any]],
) -> None:
    """Replace the respondent's answers and append each change to the history, in at most four
    statements whatever the count.

    `answers` (rows as plain dicts of column values) are upserted on (respondent, question):
    each replaces the whole stored answer, and the rows as stored are copied to the history by
    the database itself (`INSERT ... SELECT`: the values travel once). `cleared` are history
    rows of questions whose answer is cleared: those answers are deleted and the rows appended.
    All through the tables themselves (Core): no table object is built or validated per row.
    """
    if answers:
        session.execute(_ANSWER_UPSERTS[session.get_bind().dialect.name], answers)
        session.execute(
            _HISTORY_OF_ANSWERS,
            {
                "respondent_id": respondent_id,
                "question_ids": [answer["question_id"] for answer in answers],
            },
        )
    if cleared:
        session.execute(
            _ANSWERS_CLEARED,
            {
                "respondent_id": respondent_id,
                "question_ids": [row["question_id"] for row in cleared],
            },
        )
        session.execute(_HISTORY_APPEND, cleared)


def _answer_upsert(insert_of: Callable[[Table], Any]) -> Any:
    """An answer upserted on (respondent, question), in a dialect with `on_conflict_do_update`."""
    upsert = insert_of(_ANSWER)
    return upsert.on_conflict_do_update(
        index_elements=[_ANSWER.c.respondent_id, _ANSWER.c.question_id],
        set_={name: upsert.excluded[name] for name in _ANSWER_STATE},
    )


# The answer statements of every answer write, built once (below `_answer_upsert`, they use it).
_ANSWER = table_of(AnswerRow)
_ANSWER_UPSERTS = {
    "postgresql": _answer_upsert(postgresql.insert),
    "sqlite": _answer_upsert(sqlite.insert),
}
_ANSWERS_CLEARED = delete(_ANSWER).where(
    _ANSWER.c.respondent_id == bindparam("respondent_id"),
    _ANSWER.c.question_id.in_(bindparam("question_ids", expanding=True)),
)
_HISTORY = table_of(AnswerHistoryRow)
_HISTORY_APPEND = insert(_HISTORY)
_HISTORY_COPIED = ("assessment_id", "respondent_id", "question_id", *_ANSWER_STATE[:-1])
_HISTORY_OF_ANSWERS = insert(_HISTORY).from_select(
    [*_HISTORY_COPIED, "written_at"],
    core_select(*(_ANSWER.c[name] for name in _HISTORY_COPIED), _ANSWER.c.updated_at)
    .where(
        _ANSWER.c.respondent_id == bindparam("respondent_id"),
        _ANSWER.c.question_id.in_(bindparam("question_ids", expanding=True)),
    )
    .order_by(_ANSWER.c.id),
)
_ANSWER_STATES = (
    core_select(
        _ANSWER.c.respondent_id,
        _ANSWER.c.question_id,
        _ANSWER.c.value,
        _ANSWER.c.not_applicable,
        _ANSWER.c.dont_know,
    )
    .where(_ANSWER.c.assessment_id == bindparam("assessment_id"))
    .order_by(_ANSWER.c.respondent_id, _ANSWER.c.id)
)
_ANSWERS_SHOWN = (
    core_select(
        _ANSWER.c.respondent_id,
        _ANSWER.c.question_id,
        _ANSWER.c.value,
        _ANSWER.c.not_applicable,
        _ANSWER.c.dont_know,
        _ANSWER.c.comment,
        type_coerce(_ANSWER.c.evidence, Text),  # the JSON text, decoded above when not empty
    )
    .where(_ANSWER.c.assessment_id == bindparam("assessment_id"))
    .order_by(_ANSWER.c.respondent_id, _ANSWER.c.id)
)
_ANSWERED_QUESTIONS = core_select(
    _ANSWER.c.respondent_id,
    _ANSWER.c.question_id,
    _ANSWER.c.value,
    _ANSWER.c.not_applicable,
    _ANSWER.c.dont_know,
).where(
    _ANSWER.c.respondent_id == bindparam("respondent_id"),
    or_(_ANSWER.c.value.is_not(None), _ANSWER.c.not_applicable, _ANSWER.c.dont_know),
)
