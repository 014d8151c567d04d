"""Realistic organizations answering the built-in 2.0.0 questionnaires (issues 11 and 21, "Proof").

Each test is one organization as an assessor would meet it, scored with scoring version 3; its
docstring says what an assessor would expect to read on the card. When one fails, the content
is what needs fixing, not the expectation.

On the 2.0.0 scale, 2 is "Partially in place" (0.5, the question floor), 3 "Largely in place"
(0.75, the attainment threshold); "Initial" (0.25) is the credit floor, so a question at
"Partially" earns half its credit.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import pytest

from questionnaires import BestPractice, Question, Questionnaire, builtin_directory, load_file
from scoring import Answer, ScoreCard, score

NOT_IN_PLACE, INITIAL, PARTIALLY, LARGELY, FULLY = range(5)

# How an organization answers one question of one practice: a scale value, or None for N/A.
Answering = Callable[[BestPractice, Question], int | None]


@pytest.fixture(scope="module")
def full() -> Questionnaire:
    return load_file(builtin_directory() / "opm3-style-2.0.0.yaml").questionnaire


@pytest.fixture(scope="module")
def quick() -> Questionnaire:
    return load_file(builtin_directory() / "opm3-quick-2.0.0.yaml").questionnaire


def _card(
    questionnaire: Questionnaire,
    answering: Answering,
    *,
    scope: Collection[str] | None = None,
) -> ScoreCard:
    """The card of one respondent who answers every in-scope question as `answering` says."""
    answers = []
    for practice in questionnaire.best_practices:
        if scope is not None and practice.domain is not None and practice.domain not in scope:
            continue
        for question in practice.questions:
            value = answering(practice, question)
            answers.append(
                Answer("assessor", question.id, None, True)
                if value is None
                else Answer("assessor", question.id, value)
            )
    return score(questionnaire, answers, scope=scope)


def _everywhere(value: int) -> Answering:
    return lambda _practice, _question: value


def _indexes(card: ScoreCard) -> dict[str, float | None]:
    return {domain.id: domain.index for domain in card.domains if domain.in_scope}


def test_partially_in_place_everywhere_is_level_0_and_index_2(full: Questionnaire) -> None:
    """An organization halfway there on everything: documented procedures followed in about
    half of the cases, measures and controls started but patchy. An assessor expects level 0
    (nothing can be claimed: no practice is largely in place) and an index that says every
    stage is half done: 4 x 0.5 = 2.0 in every domain, a reading of its own, not a level."""
    card = _card(full, _everywhere(PARTIALLY))
    assert [(domain.level, domain.index) for domain in card.domains] == [(0, 2.0)] * 3


def test_initial_everywhere_earns_almost_nothing(full: Questionnaire) -> None:
    """Practices seen in under 30% of cases, kept alive by individuals: an assessor expects
    level 0 and an index close to nothing (at most 0.35) in every domain, since "Initial" is
    the credit floor of the 2.0.0 scale."""
    card = _card(full, _everywhere(INITIAL))
    indexes = _indexes(card)
    assert all(index is not None and index <= 0.35 for index in indexes.values()), indexes
    assert [domain.level for domain in card.domains] == [0, 0, 0]


def test_largely_in_place_everywhere_is_level_four(full: Questionnaire) -> None:
    """A mature organization that does everything in 70% to 90% of cases: every practice is
    attained, so an assessor expects level 4 (Continuously improving) in every domain."""
    card = _card(full, _everywhere(LARGELY))
    assert [domain.level for domain in card.domains] == [4, 4, 4]
    assert card.overall.level == 4


def test_largely_with_one_partially_per_practice_keeps_level_four(full: Questionnaire) -> None:
    """The same mature organization with one weak spot in every practice: as an appraisal
    characterizes a practice, every one is largely in place (all its questions at least
    partially, all but one largely), so an assessor expects level 4 and index 4 in every
    domain (version 2 averaged each practice below the threshold: level 0)."""

    def one_weak_spot(practice: BestPractice, question: Question) -> int:
        return PARTIALLY if question is practice.questions[0] else LARGELY

    card = _card(full, one_weak_spot)
    assert [(domain.level, domain.index) for domain in card.domains] == [(4, 4.0)] * 3


def test_two_slips_in_one_standardize_cell_keep_level_four(full: Questionnaire) -> None:
    """ "Largely" everywhere, and two answers one step lower ("Partially") in two practices of
    the project Standardize cell: each practice still has one shortfall at most, so an assessor
    expects level 4 and index 4 everywhere (version 2: project level 0, index 0.9583)."""
    standardize = [
        p for p in full.best_practices if (p.domain, p.stage) == ("project", "standardize")
    ]
    slips = {standardize[0].questions[0].id, standardize[1].questions[-1].id}

    def slipping(_: BestPractice, question: Question) -> int:
        return PARTIALLY if question.id in slips else LARGELY

    card = _card(full, slipping)
    assert [(domain.level, domain.index) for domain in card.domains] == [(4, 4.0)] * 3


def test_a_core_question_not_in_place_stops_every_practice(full: Questionnaire) -> None:
    """Fully in place on every question of a practice but its last, which is not in place at
    all (4, 4, 4, 0): an assessor would not call any practice attained, and expects level 0
    (version 2 attained such a practice of four questions on its mean of 0.75)."""

    def one_hole(practice: BestPractice, question: Question) -> int:
        return NOT_IN_PLACE if question is practice.questions[-1] else FULLY

    card = _card(full, one_hole)
    assert card.overall.practices_attained == 0
    assert [domain.level for domain in card.domains] == [0, 0, 0]


def test_standardize_with_one_partially_and_nothing_above_is_level_one(
    full: Questionnaire,
) -> None:
    """Standardize answered 3, 3, 3, 2 (one "Partially" per practice, on its last question),
    nothing in place above it: an assessor expects level 1 (Standardized) and an index of 1,
    standardize done and nothing further."""

    def standardized(practice: BestPractice, question: Question) -> int:
        if practice.stage != "standardize":
            return NOT_IN_PLACE
        return PARTIALLY if question is practice.questions[-1] else LARGELY

    card = _card(full, standardized)
    assert [(domain.level, domain.level_name) for domain in card.domains] == [
        (1, "Standardized")
    ] * 3
    assert list(_indexes(card).values()) == [1.0, 1.0, 1.0]


def test_a_strong_project_office_scoped_to_projects_is_at_least_controlled(
    full: Questionnaire,
) -> None:
    """A company that runs projects only, with a directive project office: its method is
    written and followed on nearly every project, its process measures are collected, and the
    limits on them are watched with one gap (project start decisions have no time limit yet);
    improvement is under way but young. It buys no project work. Assessed on the project
    domain only, an assessor expects level 3 (Controlled) for projects, and the card to lead
    with it, not with an empty program or portfolio domain."""

    def project_office(practice: BestPractice, question: Question) -> int | None:
        if question.allow_not_applicable and "supplier" in question.text.casefold():
            return None
        if practice.enabler is not None:
            return PARTIALLY
        if practice.stage == "standardize":
            return FULLY
        if practice.stage == "measure":
            return LARGELY if practice.id != "PRJ-MEA-07" else FULLY
        if practice.stage == "control":
            return PARTIALLY if practice.id == "PRJ-CTL-07" else LARGELY
        return PARTIALLY

    card = _card(full, project_office, scope=["project"])
    [project] = [domain for domain in card.domains if domain.id == "project"]
    assert project.level is not None and project.level >= 3
    assert card.overall.level == project.level
    assert [domain.id for domain in card.domains if domain.in_scope] == ["project"]


def test_the_quick_scan_answered_partially_is_an_indicative_half_way(
    quick: Questionnaire,
) -> None:
    """A first look at an organization halfway there: an assessor expects the quick scan to
    show every stage half done (index 2.0, not a flat 0) at level 0, and the card to say its
    levels are indicative, to be confirmed by the full questionnaire."""
    card = _card(quick, _everywhere(PARTIALLY))
    assert card.indicative is True
    assert [(domain.level, domain.index) for domain in card.domains] == [(0, 2.0)] * 3
