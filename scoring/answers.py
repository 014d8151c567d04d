"""Answers, and the check that they fit the questionnaire (scoring.md section 0).

`tally_answers` makes one pass over the answers, grouping the values per question, then checks
them question by question. Answers that break a rule are rare: only then does it go through
them again, slowly, to collect every problem before raising, so that one error names them all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from questionnaires import Question, Questionnaire

__all__ = [
    "Answer",
    "AnswerLike",
    "AnswerProblem",
    "InvalidAnswersError",
    "Tally",
    "tally_answers",
]


@dataclass(frozen=True, slots=True)
class Answer:
    """One respondent's answer to one question: a value, N/A, "don't know", or a blank.

    At most one of `value`, `not_applicable` and `dont_know` is given (section 0; `score`
    refuses more). `value` None with neither flag is a blank. A blank or "don't know" takes no
    part in the question (section 1).
    """

    respondent_id: str
    question_id: str
    value: int | None
    not_applicable: bool = False
    dont_know: bool = False


class AnswerLike(Protocol):
    """What scoring reads of an answer: an `Answer`, or any object with these attributes (a
    stored row), taken as it is rather than copied into an `Answer` first."""

    @property
    def respondent_id(self) -> str: ...
    @property
    def question_id(self) -> str: ...
    @property
    def value(self) -> int | None: ...
    @property
    def not_applicable(self) -> bool: ...
    @property
    def dont_know(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class AnswerProblem:
    """Why one answer (or one respondent's pair of answers) cannot be scored."""

    respondent_id: str
    question_id: str
    message: str

    def __str__(self) -> str:
        return self.message


class InvalidAnswersError(ValueError):
    """Answers that do not fit the questionnaire (section 0); `problems` names each one."""

    def __init__(self, problems: Iterable[AnswerProblem]) -> None:
        self.problems = tuple(problems)
        listed = "; ".join(problem.message for problem in self.problems)
        super().__init__(f"{len(self.problems)} invalid answer(s): {listed}")


@dataclass(frozen=True, slots=True)
class Tally:
    """The answers, checked and grouped per question: what sections 1 and 6 need."""

    values: dict[str, Collection[int]]  # every question, in questionnaire order: its values
    totals: dict[str, int]  # every question: the sum of its values, exact
    marked_not_applicable: frozenset[str]  # the questions some respondent marked N/A
    marked_dont_know: frozenset[str]  # the questions some respondent answered "don't know"
    respondents: int  # how many gave at least one value, N/A or "don't know" (section 6)


def tally_answers(
    questionnaire: Questionnaire,
    answers: Iterable[AnswerLike],
    *,
    questions: Mapping[str, Question] | None = None,
) -> Tally:
    """Return the answers grouped per question, and how many respondents took part (section 0).

    `questions` are the questions in scope, in questionnaire order (every question when None).
    Raises `InvalidAnswersError` (a `ValueError`) naming every unknown question id, value, N/A
    or "don't know" given to a question outside the scope, value off the scale, answer holding
    more than one of a value, `not_applicable` and `dont_know`, N/A on a question that does
    not allow it, and respondent who answered one question more than once. A blank to a
    question outside the scope takes no part.
    """
    answers = list(answers)
    in_scope = questionnaire.questions if questions is None else questions
    tally = _tally_valid(questionnaire, in_scope, answers)
    if tally is None:
        problems = _problems(questionnaire, in_scope, answers)
        assert problems, "answers refused by the fast way must break some rule"
        raise InvalidAnswersError(problems)
    return tally


def _tally_valid(
    questionnaire: Questionnaire, questions: Mapping[str, Question], answers: list[AnswerLike]
) -> Tally | None:
    """Return the tally of `answers`, or None if any of them breaks a rule of section 0.

    The fast way for answers that fit, as they nearly always do: one pass groups the values
    per question, keyed by respondent, and the rules are checked on the groups. It only tells
    whether every answer fits; `_problems` then names the ones that do not.
    """
    # Per question: each respondent's value. A respondent's second value to one question
    # would replace the first: counting the values at the end tells.
    valued: dict[str, dict[str, int]] = {question_id: {} for question_id in questions}
    others: list[AnswerLike] = []
    for answer in answers:
        value = answer.value
        if value is not None and not answer.not_applicable and not answer.dont_know:
            by_respondent = valued.get(answer.question_id)
            if by_respondent is not None:
                by_respondent[answer.respondent_id] = value
                continue
        others.append(answer)
    if sum(map(len, valued.values())) != len(answers) - len(others):
        return None  # a respondent gave one question two values

    # N/A marks, "don't know" and blanks: to a known question, without a value, at most one
    # of the two flags, once per respondent.
    marked: set[str] = set()  # the questions some respondent marked N/A
    unknown: set[str] = set()  # the questions some respondent answered "don't know"
    marking: set[str] = set()  # who marked some question N/A or "don't know"
    seen: dict[str, set[str]] = {}  # per question: who marked it or left it blank
    for answer in others:
        question_id, respondent_id = answer.question_id, answer.respondent_id
        by_respondent = valued.get(question_id)
        if by_respondent is None and _blank_outside_scope(questionnaire, answer):
            continue
        if by_respondent is None or answer.value is not None or respondent_id in by_respondent:
            return None
        seen_by = seen.setdefault(question_id, set())
        if respondent_id in seen_by:
            return None
        seen_by.add(respondent_id)
        if answer.not_applicable:
            if answer.dont_know or not questions[question_id].allow_not_applicable:
                return None
            marked.add(question_id)
            marking.add(respondent_id)
        elif answer.dont_know:
            unknown.add(question_id)
            marking.add(respondent_id)

    scale_values = questionnaire.scale.values
    totals: dict[str, int] = {}
    for question_id, by_respondent in valued.items():
        values = by_respondent.values()
        total = sum(values)
        # A sum that is no int betrays a value such as 2.0, equal to a scale value but no int.
        if not (scale_values.issuperset(values) and type(total) is int):
            return None
        totals[question_id] = total
    return Tally(
        values={question_id: values.values() for question_id, values in valued.items()},
        totals=totals,
        marked_not_applicable=frozenset(marked),
        marked_dont_know=frozenset(unknown),
        respondents=len(marking.union(*valued.values())),
    )


def _problems(
    questionnaire: Questionnaire, questions: Mapping[str, Question], answers: list[AnswerLike]
) -> list[AnswerProblem]:
    """Return every answer that breaks a rule of section 0, in questionnaire order."""
    # Per question: its values, and who gave them, in the same order.
    groups: dict[str, tuple[list[int], list[str]]] = {
        question_id: ([], []) for question_id in questions
    }
    problems: list[AnswerProblem] = []
    marked: dict[str, list[str]] = {}  # who marked a question N/A
    unknown: dict[str, list[str]] = {}  # who answered a question "don't know"
    blank: dict[str, list[str]] = {}  # who left a question blank (or gave it more than one)
    for answer in answers:
        group = groups.get(answer.question_id)
        if group is None and _blank_outside_scope(questionnaire, answer):
            continue
        given = _given(answer)
        if group is None:
            problems.append(_problem(answer, _not_in_scope(questionnaire, answer.question_id)))
            continue
        if len(given) > 1:
            problems.append(
                _problem(answer, f"{given[0]} given together with {' and '.join(given[1:])}")
            )
            by = blank
        elif answer.value is not None:
            group[0].append(answer.value)
            group[1].append(answer.respondent_id)
            continue
        else:
            by = marked if answer.not_applicable else unknown if answer.dont_know else blank
        by.setdefault(answer.question_id, []).append(answer.respondent_id)

    for question_id, (values, valued_by) in groups.items():
        problems.extend(_off_the_scale(questionnaire, question_id, values, valued_by))
        marked_by = marked.get(question_id, [])
        if marked_by and not questions[question_id].allow_not_applicable:
            problems.extend(_not_applicable_refused(question_id, marked_by))
        answered_by = [
            *valued_by,
            *marked_by,
            *unknown.get(question_id, []),
            *blank.get(question_id, []),
        ]
        problems.extend(_answered_twice(question_id, answered_by))

    # Reported in questionnaire order (unknown ids last), whatever order answers came in.
    position = {question_id: index for index, question_id in enumerate(questionnaire.questions)}
    problems.sort(
        key=lambda problem: (
            position.get(problem.question_id, len(position)),
            problem.question_id,
            problem.respondent_id,
            problem.message,
        )
    )
    return problems


def _not_applicable_refused(question_id: str, marked_by: list[str]) -> list[AnswerProblem]:
    """Return a problem for every respondent who marked N/A a question that refuses it."""
    return [
        AnswerProblem(
            respondent_id=respondent_id,
            question_id=question_id,
            message=f"question {question_id!r} does not allow not_applicable "
            f"(respondent {respondent_id!r})",
        )
        for respondent_id in sorted(set(marked_by))
    ]


def _off_the_scale(
    questionnaire: Questionnaire, question_id: str, values: list[int], valued_by: list[str]
) -> list[AnswerProblem]:
    """Return a problem for every value that is not on the questionnaire's scale."""
    top = questionnaire.scale.max_value
    return [
        AnswerProblem(
            respondent_id=respondent_id,
            question_id=question_id,
            message=f"value {value!r} is off the scale 0..{top} "
            f"(respondent {respondent_id!r}, question {question_id!r})",
        )
        for value, respondent_id in zip(values, valued_by, strict=True)
        if not isinstance(value, int) or not 0 <= value <= top
    ]


def _answered_twice(question_id: str, respondents: list[str]) -> list[AnswerProblem]:
    """Return a problem for every respondent who answered `question_id` more than once."""
    return [
        AnswerProblem(
            respondent_id=respondent_id,
            question_id=question_id,
            message=f"respondent {respondent_id!r} answered question {question_id!r} {count} times",
        )
        for respondent_id, count in sorted(Counter(respondents).items())
        if count > 1
    ]


def _given(answer: AnswerLike) -> list[str]:
    """What `answer` gives, of a value, N/A and "don't know" (more than one is refused)."""
    given = [] if answer.value is None else [f"value {answer.value!r}"]
    if answer.not_applicable:
        given.append("not_applicable")
    if answer.dont_know:
        given.append("dont_know")
    return given


def _blank_outside_scope(questionnaire: Questionnaire, answer: AnswerLike) -> bool:
    """Whether `answer` is a blank to a known question (one outside the scope, when called).

    Section 0 refuses a value, N/A or "don't know" outside the scope; a blank gives none of
    them, and takes no part (section 1).
    """
    return (
        answer.value is None
        and not answer.not_applicable
        and not answer.dont_know
        and answer.question_id in questionnaire.questions
    )


def _not_in_scope(questionnaire: Questionnaire, question_id: str) -> str:
    """Why a question id that is not in scope cannot be answered: unknown, or another domain's."""
    for practice in questionnaire.best_practices:
        if any(question.id == question_id for question in practice.questions):
            return f"question {question_id!r} is in domain {practice.domain!r}, outside the scope"
    return f"unknown question id {question_id!r}"


def _problem(answer: AnswerLike, what: str) -> AnswerProblem:
    return AnswerProblem(
        respondent_id=answer.respondent_id,
        question_id=answer.question_id,
        message=f"{what} (respondent {answer.respondent_id!r}, question {answer.question_id!r})",
    )
