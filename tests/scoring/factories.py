"""Small builders for the scoring tests: questionnaires from a few practices, answers by respondent.

questionnaire(
    practice("P1", question("P1-Q1", weight=2), "P1-Q2"),
    practice("P2", stage="measure"),  # one question, "P2-Q1"
    stages=("standardize", "measure"),
)
answers({"ann": {"P1-Q1": 4, "P1-Q2": NA}, "bob": {"P1-Q1": BLANK, "P1-Q2": DONT_KNOW}})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from questionnaires import Questionnaire
from scoring import Answer, BestPracticeScore, DomainScore, QuestionScore, ScoreCard

NA = "N/A"  # an answer marked not applicable
DONT_KNOW = "?"  # an answer "don't know"
BLANK = None  # an answer left blank (no value, not N/A, not "don't know")
Values = Mapping[str, int | str | None]  # a value, NA, DONT_KNOW or BLANK by question id

LEVEL_NAMES = {
    "standardize": "Standardized",
    "measure": "Measured",
    "control": "Controlled",
    "improve": "Continuously improving",
}


def question(
    question_id: str, *, weight: float = 1, allow_not_applicable: bool = False
) -> dict[str, Any]:
    """A question of a best practice."""
    return {
        "id": question_id,
        "text": f"Is {question_id} in place?",
        "weight": weight,
        "allow_not_applicable": allow_not_applicable,
    }


def practice(
    practice_id: str,
    *questions: str | dict[str, Any],
    domain: str = "project",
    stage: str = "standardize",
    enabler: str | None = None,
) -> dict[str, Any]:
    """A best practice: of `domain` and `stage`, or of `enabler` when given.

    Questions are ids (N/A allowed) or `question(...)` dicts; without any, one question
    `<practice_id>-Q1`.
    """
    listed = [
        question(item, allow_not_applicable=True) if isinstance(item, str) else item
        for item in questions or (f"{practice_id}-Q1",)
    ]
    place: dict[str, Any] = {"enabler": enabler} if enabler else {"domain": domain, "stage": stage}
    return {"id": practice_id, "title": f"Practice {practice_id}", **place, "questions": listed}


def questionnaire(
    *practices: dict[str, Any],
    domains: tuple[str, ...] = ("project",),
    stages: tuple[str, ...] = ("standardize",),
    enablers: tuple[str, ...] = (),
    scale_top: int = 4,
    key: str = "test-q",
    version: str = "1.0.0",
    subset_of: tuple[str, str] | None = None,
    **scoring: Any,
) -> Questionnaire:
    """A questionnaire of `practices`; `scoring` holds the scoring parameters to change.

    `subset_of` (key, version) makes it a short form of that questionnaire.
    """
    short_form = (
        {}
        if subset_of is None
        else {"subset_of": dict(zip(("key", "version"), subset_of, strict=True))}
    )
    return Questionnaire.model_validate(
        {
            "key": key,
            "version": version,
            "title": "Scoring test questionnaire",
            **short_form,
            "scale": {"options": [{"value": v, "label": f"L{v}"} for v in range(scale_top + 1)]},
            "scoring": scoring,
            "domains": [{"id": d, "name": d.title()} for d in domains],
            "stages": [
                {"id": s, "name": s.title(), "level_name": LEVEL_NAMES.get(s, f"{s} reached")}
                for s in stages
            ],
            "enablers": [{"id": e, "name": e.title()} for e in enablers],
            "best_practices": list(practices),
        }
    )


def answer(respondent: str, question_id: str, value: int | str | None) -> Answer:
    """One answer: a value, NA, DONT_KNOW or BLANK."""
    return Answer(
        respondent,
        question_id,
        value if isinstance(value, int) else None,
        not_applicable=value == NA,
        dont_know=value == DONT_KNOW,
    )


def answers(by_respondent: Mapping[str, Values]) -> list[Answer]:
    """Answers from `{respondent: {question: value | NA | DONT_KNOW | BLANK}}`."""
    return [
        answer(respondent, question_id, value)
        for respondent, by_question in by_respondent.items()
        for question_id, value in by_question.items()
    ]


def practice_in(card: ScoreCard, practice_id: str) -> BestPracticeScore:
    """The best practice `practice_id` of `card`."""
    return next(practice for practice in card.best_practices if practice.id == practice_id)


def question_in(card: ScoreCard, question_id: str) -> QuestionScore:
    """The question `question_id` of `card`."""
    return next(
        question
        for practice in card.best_practices
        for question in practice.questions
        if question.id == question_id
    )


def domain_in(card: ScoreCard, domain_id: str = "project") -> DomainScore:
    """The domain `domain_id` of `card`."""
    return next(domain for domain in card.domains if domain.id == domain_id)
