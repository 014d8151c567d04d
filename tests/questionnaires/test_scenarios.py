"""Realistic organizations answering the built-in 2.0.0 questionnaires (issue 11, "Proof").

Each test is one organization as an assessor would meet it, scored with scoring version 2; its
docstring says what an assessor would expect to read on the card. When one fails, the content
is what needs fixing, not the expectation.
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


def test_partially_in_place_everywhere_is_visible_progress_in_every_domain(
    full: Questionnaire,
) -> None:
    """An organization halfway there on everything: documented procedures followed in about
    half of the cases, measures and controls started but patchy. An assessor expects level 0
    (nothing attained yet) with an index that shows the way half done, neither the 0.00 of
    version 1 nor anything near a level: between 0.3 and 0.9 in every domain."""
    card = _card(full, _everywhere(PARTIALLY))
    assert {domain.id: domain.level for domain in card.domains} == dict.fromkeys(
        ["project", "program", "portfolio"], 0
    )
    assert all(0.3 < index < 0.9 for index in _indexes(card).values() if index is not None)
    assert None not in _indexes(card).values()


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


def test_largely_with_one_partially_per_practice_is_nearly_there(full: Questionnaire) -> None:
    """The same mature organization with one weak spot in every practice: no practice reaches
    the attainment threshold, so the level may stay 0, but an assessor expects the index to
    say "nearly there": at least 0.7 in every domain."""

    def one_weak_spot(practice: BestPractice, question: Question) -> int:
        return PARTIALLY if question is practice.questions[0] else LARGELY

    card = _card(full, one_weak_spot)
    indexes = _indexes(card)
    assert all(index is not None and index >= 0.7 for index in indexes.values()), indexes


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


def test_the_quick_scan_answered_partially_shows_a_fractional_index(
    quick: Questionnaire,
) -> None:
    """A first look at an organization halfway there: an assessor expects the quick scan to show
    progress inside level 0 (an index strictly between 0 and 1), not a flat 0."""
    card = _card(quick, _everywhere(PARTIALLY))
    for index in _indexes(card).values():
        assert index is not None
        assert 0 < index < 1
