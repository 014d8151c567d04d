"""scoring.md section 2: a best practice, the weighted mean of its scored questions, whether it is
attained (question by question: the question floor and the shortfalls allowed), its credit.

On the default scale of 0 to 4 with the default parameters: 2 is "Partially" (0.5, the question
floor), 3 "Largely" (0.75, the attainment threshold).
"""

from __future__ import annotations

from typing import Any

import pytest

from scoring import BestPracticeScore, score

from .factories import (
    DONT_KNOW,
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


def answered(
    *values: int | str, weights: tuple[float, ...] = (), **parameters: Any
) -> BestPracticeScore:
    """Practice P of one question per value (Q1, Q2, ...), answered so by one respondent."""
    questions = [
        question(f"Q{n}", weight=weights[n - 1] if weights else 1, allow_not_applicable=True)
        for n in range(1, len(values) + 1)
    ]
    card = score(
        questionnaire(practice("P", *questions), **parameters),
        answers({"ann": {f"Q{n}": value for n, value in enumerate(values, start=1)}}),
    )
    return practice_in(card, "P")


def attained(*values: int | str, **parameters: Any) -> bool | None:
    """Whether practice P, its questions answered `values`, is attained."""
    return answered(*values, **parameters).attained


# Score


def test_practice_score_is_the_weighted_mean_of_its_question_scores() -> None:
    card = score(WEIGHTED, answers({"ann": {"Q1": 4, "Q2": 2}}))
    assert practice_in(card, "P").score == 0.625  # (1 * 1.0 + 3 * 0.5) / 4


def test_not_applicable_question_leaves_the_weighted_mean() -> None:
    card = score(WEIGHTED, answers({"ann": {"Q1": 3, "Q2": NA}}))
    assert practice_in(card, "P").score == 0.75


def test_unanswered_question_counts_as_zero_in_the_weighted_mean() -> None:
    card = score(WEIGHTED, answers({"ann": {"Q2": 4}}))
    assert practice_in(card, "P").score == 0.75  # (1 * 0 + 3 * 1.0) / 4


def test_a_question_nobody_could_answer_counts_as_zero_in_the_weighted_mean() -> None:
    card = score(WEIGHTED, answers({"ann": {"Q1": DONT_KNOW, "Q2": 4}}))
    assert practice_in(card, "P").score == 0.75


def test_practice_score_reads_its_question_scores_as_written() -> None:
    # 1 and 3 of 3 are written 0.3333 and 1.0: (0.3333 + 1.0) / 2 = 0.66665, written 0.6666
    # (from 1/3 unrounded it would be 0.6667)
    thirds = questionnaire(practice("P", "Q1", "Q2"), scale_top=3)
    card = score(thirds, answers({"ann": {"Q1": 1, "Q2": 3}}))
    assert practice_in(card, "P").score == 0.6666


def test_practice_whose_questions_are_all_not_applicable_is_not_assessed() -> None:
    card = score(questionnaire(practice("P", "Q1", "Q2")), answers({"ann": {"Q1": NA, "Q2": NA}}))
    unassessed = practice_in(card, "P")
    assert (unassessed.assessed, unassessed.score, unassessed.attained, unassessed.credit) == (
        False,
        None,
        None,
        None,
    )


def test_dont_know_keeps_a_practice_assessed_where_not_applicable_leaves_it_out() -> None:
    unknown, not_applicable = answered(DONT_KNOW), answered(NA)
    assert (unknown.assessed, unknown.score, unknown.attained, unknown.credit) == (
        True,
        0.0,
        False,
        0.0,
    )
    assert (not_applicable.assessed, not_applicable.score) == (False, None)


def test_practice_with_an_unanswered_question_is_assessed() -> None:
    card = score(WEIGHTED, [])
    assert (practice_in(card, "P").assessed, practice_in(card, "P").score) == (True, 0.0)


# Attained: the characterization of scoring.md section 2


def test_a_practice_of_one_question_is_attained_at_largely() -> None:
    assert attained(3) is True


def test_a_practice_of_one_question_is_not_attained_below_largely() -> None:
    # min(1 shortfall allowed, n - 1 = 0): its one question may not fall short
    assert attained(2) is False


def test_a_practice_of_two_questions_is_attained_with_one_at_partially() -> None:
    assert attained(3, 2) is True


def test_a_practice_of_two_questions_at_partially_is_not_attained() -> None:
    assert attained(2, 2) is False


def test_a_practice_of_four_questions_is_attained_with_one_at_partially() -> None:
    assert attained(3, 3, 3, 2) is True  # mean 0.6875, below the threshold


def test_a_practice_of_four_questions_with_two_at_partially_is_not_attained() -> None:
    assert attained(3, 3, 2, 2) is False


def test_a_practice_with_a_question_not_in_place_is_not_attained_however_high_the_others() -> None:
    assert attained(4, 4, 4, 0) is False  # mean 0.75: version "2" attained it


def test_a_question_below_the_question_floor_stops_attainment() -> None:
    assert attained(4, 4, 4, 1) is False  # 0.25 < 0.5


def test_a_question_at_the_question_floor_is_one_shortfall() -> None:
    assert attained(4, 4, 4, 2) is True


def test_weights_do_not_count_in_the_shortfall_count() -> None:
    # Q1 weighs 10 and falls short, the others are fully in place: one shortfall, attained,
    # though the weighted mean (10 * 0.5 + 2 * 1.0) / 12 = 0.5833 is below the threshold
    assert attained(2, 4, 4, weights=(10, 1, 1)) is True


def test_two_light_shortfalls_stop_attainment_under_a_heavy_question() -> None:
    # the weighted mean (10 * 1.0 + 2 * 0.5) / 12 = 0.9167 is high; two shortfalls all the same
    assert attained(4, 2, 2, weights=(10, 1, 1)) is False


def test_a_not_applicable_question_is_not_counted_among_the_scored_questions() -> None:
    # one scored question, at "Partially": a practice of one question may not fall short
    assert attained(2, NA) is False


def test_a_question_nobody_could_answer_is_below_the_question_floor() -> None:
    assert attained(4, 4, 4, DONT_KNOW) is False


def test_the_question_floor_comes_from_the_questionnaire() -> None:
    assert attained(4, 4, 4, 1, question_floor=0.25) is True


def test_the_shortfalls_allowed_come_from_the_questionnaire() -> None:
    assert attained(3, 3, 3, 2, shortfalls_allowed=0) is False
    assert attained(3, 3, 2, 2, shortfalls_allowed=2) is True


def test_the_attainment_threshold_comes_from_the_questionnaire() -> None:
    assert attained(3, attainment_threshold=0.9) is False


def test_attainment_reads_question_scores_as_written() -> None:
    # 1 of 3 is written 0.3333, short of a threshold of 1/3 (which 1/3 itself would reach)
    assert attained(1, scale_top=3, attainment_threshold=1 / 3) is False


def test_threshold_is_reached_within_float_tolerance() -> None:
    # 1 of 3 is written 0.3333; a threshold of 0.3333 + 1e-10 counts as reached
    assert attained(1, scale_top=3, attainment_threshold=0.3333 + 1e-10) is True


# Credit


def test_an_attained_practice_has_credit_one() -> None:
    assert answered(3, 3, 3, 2, credit_floor=0.25).credit == 1.0


def test_credit_of_an_unattained_practice_is_the_weighted_mean_of_its_question_credits() -> None:
    # scoring.md's example: 3, 3, 2, 2 with a floor of 0.25 earns (1 + 1 + 0.5 + 0.5) / 4
    assert answered(3, 3, 2, 2, credit_floor=0.25).credit == 0.75


def test_a_question_above_the_threshold_cannot_make_up_for_one_below() -> None:
    # scoring.md's example: 4, 4, 4, 0 earns (1 + 1 + 1 + 0) / 4 = 0.75, no more
    assert answered(4, 4, 4, 0, credit_floor=0.25).credit == 0.75


def test_questions_at_the_floor_earn_the_practice_no_credit() -> None:
    # scoring.md's example: 1, 1, 1, 1 earns 0
    assert answered(1, 1, 1, 1, credit_floor=0.25).credit == 0.0


def test_question_weights_weigh_the_practices_credit() -> None:
    # credits 0.5 (weight 3) and 0 (weight 1): 1.5 / 4
    assert answered(2, 1, weights=(3, 1), credit_floor=0.25).credit == 0.375


def test_an_unattained_practices_credit_is_written_below_one() -> None:
    # 2 of 3, written 0.6667, short of a threshold of 0.66671: credit 0.99998, written 0.9999
    near = answered(2, scale_top=3, attainment_threshold=0.66671)
    assert (near.attained, near.credit) == (False, 0.9999)


# Placement


def test_domain_practice_carries_domain_and_stage() -> None:
    placed = practice_in(score(WEIGHTED, []), "P")
    assert (placed.domain, placed.stage, placed.enabler) == ("project", "standardize", None)


def test_enabler_practice_carries_its_enabler_only() -> None:
    placed = practice_in(score(WEIGHTED, []), "S")
    assert (placed.domain, placed.stage, placed.enabler) == (None, None, "structural")


def test_practice_lists_its_questions_in_questionnaire_order() -> None:
    listed = practice_in(score(WEIGHTED, []), "P").questions
    assert [question.id for question in listed] == ["Q1", "Q2"]


@pytest.mark.parametrize("value", [4, DONT_KNOW])
def test_practice_score_and_credit_are_null_only_when_not_assessed(value: int | str) -> None:
    practice_score = answered(value)
    assert practice_score.score is not None and practice_score.credit is not None
