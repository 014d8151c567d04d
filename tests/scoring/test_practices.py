"""scoring.md section 2: a best practice, the weighted mean of its scored questions, its credit."""

from __future__ import annotations

from typing import Any

import pytest

from scoring import score

from .factories import (
    NA,
    answers,
    practice,
    practice_in,
    question,
    questionnaire,
)

WEIGHTED = questionnaire(
    practice("P", question("Q1", weight=1), question("Q2", weight=3, allow_not_applicable=True)),
    practice("S", "S-Q1", enabler="structural"),
    enablers=("structural",),
)


def test_practice_score_is_the_weighted_mean_of_its_question_scores() -> None:
    card = score(WEIGHTED, answers({"ann": {"Q1": 4, "Q2": 2}}))
    assert practice_in(card, "P").score == 0.625  # (1 * 1.0 + 3 * 0.5) / 4


def test_not_applicable_question_leaves_the_weighted_mean() -> None:
    card = score(WEIGHTED, answers({"ann": {"Q1": 3, "Q2": NA}}))
    assert practice_in(card, "P").score == 0.75


def test_unanswered_question_counts_as_zero_in_the_weighted_mean() -> None:
    card = score(WEIGHTED, answers({"ann": {"Q2": 4}}))
    assert practice_in(card, "P").score == 0.75  # (1 * 0 + 3 * 1.0) / 4


def test_practice_whose_questions_are_all_not_applicable_is_not_assessed() -> None:
    card = score(questionnaire(practice("P", "Q1", "Q2")), answers({"ann": {"Q1": NA, "Q2": NA}}))
    unassessed = practice_in(card, "P")
    assert (unassessed.assessed, unassessed.score, unassessed.attained, unassessed.credit) == (
        False,
        None,
        None,
        None,
    )


def test_practice_with_an_unanswered_question_is_assessed() -> None:
    card = score(WEIGHTED, [])
    assert (practice_in(card, "P").assessed, practice_in(card, "P").score) == (True, 0.0)


def test_practice_reaching_the_attainment_threshold_is_attained() -> None:
    card = score(WEIGHTED, answers({"ann": {"Q1": 3, "Q2": 3}}))
    assert practice_in(card, "P").attained is True  # 0.75 >= 0.75


def test_practice_below_the_attainment_threshold_is_not_attained() -> None:
    card = score(WEIGHTED, answers({"ann": {"Q1": 2, "Q2": 3}}))
    assert practice_in(card, "P").attained is False  # 0.6875 < 0.75


def test_threshold_is_reached_within_float_tolerance() -> None:
    # fsum(0.1 * 0.75, 0.3 * 0.75) / fsum(0.1, 0.3) == 0.7499999999999999 in floats
    tolerant = questionnaire(practice("P", question("Q1", weight=0.1), question("Q2", weight=0.3)))
    card = score(tolerant, answers({"ann": {"Q1": 3, "Q2": 3}}))
    assert practice_in(card, "P").attained is True


def test_attainment_threshold_comes_from_the_questionnaire() -> None:
    strict = questionnaire(practice("P"), attainment_threshold=0.9)
    card = score(strict, answers({"ann": {"P-Q1": 3}}))
    assert practice_in(card, "P").attained is False


def test_domain_practice_carries_domain_and_stage() -> None:
    placed = practice_in(score(WEIGHTED, []), "P")
    assert (placed.domain, placed.stage, placed.enabler) == ("project", "standardize", None)


def test_enabler_practice_carries_its_enabler_only() -> None:
    placed = practice_in(score(WEIGHTED, []), "S")
    assert (placed.domain, placed.stage, placed.enabler) == (None, None, "structural")


def test_practice_lists_its_questions_in_questionnaire_order() -> None:
    listed = practice_in(score(WEIGHTED, []), "P").questions
    assert [question.id for question in listed] == ["Q1", "Q2"]


# Section 2: credit


def credit_of(value: int, **parameters: Any) -> float | None:
    """The credit of a one-question practice answered `value` of 0..4."""
    card = score(questionnaire(practice("P"), **parameters), answers({"ann": {"P-Q1": value}}))
    return practice_in(card, "P").credit


def test_credit_without_a_floor_is_how_far_the_score_has_come_to_the_threshold() -> None:
    # scoring.md's example: threshold 0.75, score 0.5, floor 0: 0.5 / 0.75 = 2/3
    assert credit_of(2, attainment_threshold=0.75) == 0.6667


def test_credit_with_a_floor_counts_from_the_floor() -> None:
    # scoring.md's example: (0.5 - 0.25) / (0.75 - 0.25) = 1/2
    assert credit_of(2, attainment_threshold=0.75, credit_floor=0.25) == 0.5


@pytest.mark.parametrize("value", [0, 1], ids=["below the floor", "at the floor"])
def test_a_practice_scored_at_or_below_the_floor_earns_no_credit(value: int) -> None:
    assert credit_of(value, credit_floor=0.25) == 0.0  # 0 and 0.25 against a floor of 0.25


def test_a_practice_scored_zero_without_a_floor_earns_no_credit() -> None:
    assert credit_of(0) == 0.0


@pytest.mark.parametrize("value", [3, 4], ids=["at the threshold", "above it"])
def test_an_attained_practice_has_credit_one(value: int) -> None:
    assert credit_of(value, credit_floor=0.25) == 1.0


def test_a_practice_at_the_threshold_within_float_tolerance_has_credit_one() -> None:
    # fsum(0.1 * 0.75, 0.3 * 0.75) / fsum(0.1, 0.3) == 0.7499999999999999 in floats: attained
    tolerant = questionnaire(practice("P", question("Q1", weight=0.1), question("Q2", weight=0.3)))
    card = score(tolerant, answers({"ann": {"Q1": 3, "Q2": 3}}))
    assert (practice_in(card, "P").attained, practice_in(card, "P").credit) == (True, 1.0)


def test_a_practice_just_below_the_threshold_has_a_credit_written_below_one() -> None:
    # (10000 * 0.75 + 1 * 0.5) / 10001 = 0.749975...: written 0.75, yet 2.5e-5 short of the
    # threshold, far beyond the 1e-9 tolerance. Credit 0.749975 / 0.75 = 0.99997, which
    # rounds to 1.0: the card writes 0.9999, never claiming an attained practice's credit.
    near = questionnaire(practice("P", question("Q1", weight=10000), question("Q2", weight=1)))
    card = score(near, answers({"ann": {"Q1": 3, "Q2": 2}}))
    placed = practice_in(card, "P")
    assert (placed.score, placed.attained, placed.credit) == (0.75, False, 0.9999)
