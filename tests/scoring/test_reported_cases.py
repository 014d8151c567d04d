"""The cases an independent assessor reported against scoring versions "1" (issue 10) and "2"
(issue 21), on the built-in full questionnaire 1.0.0, as version "3" scores them.

On its scale, 2 is "Partially in place" (0.5, the question floor) and 3 "Largely in place"
(0.75, the attainment threshold); the credit floor is 0, so a question scored 0.5 has credit
2/3. Every practice of 1.0.0 has two to four questions.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import pytest

import questionnaires
from questionnaires import BestPractice, Question, Questionnaire
from scoring import Answer, ScoreCard, score

from .factories import NA

PARTIALLY, LARGELY, FULLY = 2, 3, 4


@pytest.fixture(scope="module")
def full() -> Questionnaire:
    """The built-in opm3-style questionnaire: three domains, four stages, four enablers."""
    path = questionnaires.builtin_directory() / "opm3-style-1.0.0.yaml"
    return questionnaires.load_file(path).questionnaire


def answered(
    questionnaire: Questionnaire,
    value: Callable[[BestPractice, int, Question], int | str],
    *,
    domains: Collection[str] | None = None,
) -> list[Answer]:
    """One respondent's answers: `value(practice, position, question)` for every question of
    the enablers and of `domains` (every domain when None); NA marks it not applicable."""
    return [
        Answer("ann", question.id, None, not_applicable=True)
        if (given := value(practice, position, question)) == NA
        else Answer("ann", question.id, int(given))
        for practice in questionnaire.best_practices
        if practice.domain is None or domains is None or practice.domain in domains
        for position, question in enumerate(practice.questions)
    ]


def test_partially_in_place_everywhere_is_level_0_with_two_thirds_of_every_stage(
    full: Questionnaire,
) -> None:
    # Every question 0.5: no practice attained (every question falls short), so level 0; every
    # stage's progress is 2/3, and the index 4 x 2/3 (version "2": 0.6667, version "1": 0)
    card = score(full, answered(full, lambda *_: PARTIALLY))
    assert [(domain.level, domain.index) for domain in card.domains] == [(0, 2.6667)] * 3


def test_largely_in_place_everywhere_reaches_the_top_level(full: Questionnaire) -> None:
    card = score(full, answered(full, lambda *_: LARGELY))
    assert [(domain.level, domain.index) for domain in card.domains] == [(4, 4.0)] * 3


def test_one_partially_per_practice_among_largely_keeps_the_top_level(
    full: Questionnaire,
) -> None:
    # One shortfall per practice, at the question floor: every practice attained, level 4
    # (version "2" averaged each practice below the threshold: level 0)
    card = score(
        full, answered(full, lambda _, position, __: PARTIALLY if position == 0 else LARGELY)
    )
    assert card.overall.practices_attained == card.overall.practices_assessed
    assert [(domain.level, domain.index) for domain in card.domains] == [(4, 4.0)] * 3


def test_a_project_only_office_scoped_to_project_is_rated_on_its_project_level(
    full: Questionnaire,
) -> None:
    project_only = answered(full, lambda *_: FULLY, domains=["project"])
    # Unscoped, the unanswered program and portfolio domains would make it level 0
    assert score(full, project_only).overall.level == 0
    card = score(full, project_only, scope=["project"])
    assert card.scope == ("project",)
    project = card.domains[0]
    assert (project.id, project.level, project.index) == ("project", 4, 4.0)
    assert (card.overall.level, card.overall.level_name, card.overall.index) == (
        4,
        "Continuously improving",
        4.0,
    )
    assert [(domain.id, domain.in_scope, domain.level) for domain in card.domains[1:]] == [
        ("program", False, None),
        ("portfolio", False, None),
    ]


def control_allows_not_applicable(questionnaire: Questionnaire) -> Questionnaire:
    """`questionnaire` with every question of the project Control cell open to N/A."""
    data = questionnaire.model_dump()
    for practice in data["best_practices"]:
        if (practice["domain"], practice["stage"]) == ("project", "control"):
            for question in practice["questions"]:
                question["allow_not_applicable"] = True
    return Questionnaire.model_validate(data)


def test_an_all_not_applicable_control_cell_stops_the_level_at_2(full: Questionnaire) -> None:
    # Version "1" rated this project domain level 4: an empty cell counted as achieved
    marked = control_allows_not_applicable(full)

    def value(practice: BestPractice, _: int, __: Question) -> int | str:
        return NA if practice.stage == "control" else FULLY

    card: ScoreCard = score(marked, answered(marked, value, domains=["project"]), ["project"])
    project = card.domains[0]
    assert (project.level, project.level_name, project.index) == (2, "Measured", 2.0)
    control = project.stages[2]
    assert (control.id, control.practices_assessed, control.achieved) == ("control", 0, False)
    assert project.next_level is not None
    assert (project.next_level.stage, project.next_level.needed) == ("control", None)
