"""scoring.md section 1: a question over all respondents, and its credit."""

from __future__ import annotations

from typing import Any

import pytest

from scoring import QuestionScore, score

from .factories import (
    BLANK,
    DONT_KNOW,
    NA,
    Values,
    answers,
    practice,
    question,
    question_in,
    questionnaire,
)


def scored(values: Values, **parameters: Any) -> QuestionScore:
    """Question Q of a one-question questionnaire, each respondent giving `values[respondent]`."""
    single = questionnaire(practice("P", "Q"), **parameters)
    card = score(
        single, answers({respondent: {"Q": value} for respondent, value in values.items()})
    )
    return question_in(card, "Q")


def test_normalized_value_is_value_over_top_of_scale() -> None:
    assert scored({"ann": 3}).score == 0.75


def test_normalized_value_uses_the_questionnaires_scale() -> None:
    single = questionnaire(practice("P", "Q"), scale_top=10)
    assert question_in(score(single, answers({"ann": {"Q": 7}})), "Q").score == 0.7


def test_mean_aggregation_averages_the_values() -> None:
    assert scored({"ann": 1, "bob": 2, "cid": 4}).score == 0.5833


def test_median_aggregation_takes_the_middle_value() -> None:
    assert scored({"ann": 0, "bob": 1, "cid": 4}, aggregation="median").score == 0.25


def test_median_aggregation_averages_the_two_middle_values_of_an_even_count() -> None:
    values = {"ann": 0, "bob": 1, "cid": 2, "dan": 4}
    assert scored(values, aggregation="median").score == 0.375


def test_min_aggregation_takes_the_lowest_value() -> None:
    assert scored({"ann": 4, "bob": 1, "cid": 3}, aggregation="min").score == 0.25


def test_dispersion_is_the_population_standard_deviation() -> None:
    # normalized 0.25, 0.75: mean 0.5, population variance 0.0625
    assert scored({"ann": 1, "bob": 3}).dispersion == 0.25


def test_dispersion_is_zero_with_one_value() -> None:
    assert scored({"ann": 3}).dispersion == 0.0


def test_responses_count_the_values() -> None:
    assert scored({"ann": 3, "bob": 1, "cid": NA, "dan": BLANK}).responses == 2


def test_a_respondent_who_left_it_blank_takes_no_part() -> None:
    assert scored({"ann": 4, "bob": BLANK}) == scored({"ann": 4})


def test_values_win_over_not_applicable_marks() -> None:
    mixed = scored({"ann": 2, "bob": NA})
    assert (mixed.status, mixed.score, mixed.responses) == ("answered", 0.5, 1)


def test_question_marked_not_applicable_by_every_respondent_has_no_score() -> None:
    marked = scored({"ann": NA, "bob": NA})
    assert marked.model_dump() == {
        "id": "Q",
        "status": "not_applicable",
        "score": None,
        "credit": None,
        "dispersion": None,
        "responses": 0,
    }


@pytest.mark.parametrize("values", [{}, {"ann": BLANK}], ids=["no answer", "blank"])
def test_unanswered_question_scores_zero(values: Values) -> None:
    assert scored(values).model_dump() == {
        "id": "Q",
        "status": "unanswered",
        "score": 0.0,
        "credit": 0.0,
        "dispersion": None,
        "responses": 0,
    }


# Don't know


def test_a_question_nobody_could_answer_is_unknown_and_scores_zero() -> None:
    assert scored({"ann": DONT_KNOW, "bob": DONT_KNOW, "cid": BLANK}).model_dump() == {
        "id": "Q",
        "status": "unknown",
        "score": 0.0,
        "credit": 0.0,
        "dispersion": None,
        "responses": 0,
    }


def test_a_respondent_who_does_not_know_takes_no_part() -> None:
    assert scored({"ann": 4, "bob": DONT_KNOW}) == scored({"ann": 4})


def test_values_win_over_dont_know() -> None:
    mixed = scored({"ann": DONT_KNOW, "bob": 2})
    assert (mixed.status, mixed.score, mixed.responses) == ("answered", 0.5, 1)


def test_not_applicable_wins_over_dont_know() -> None:
    mixed = scored({"ann": DONT_KNOW, "bob": NA})
    assert (mixed.status, mixed.score) == ("not_applicable", None)


# Credit


def credit_of(value: int, **parameters: Any) -> float | None:
    """The credit of question Q answered `value` of 0..4 by one respondent."""
    return scored({"ann": value}, **parameters).credit


@pytest.mark.parametrize("value", [3, 4], ids=["at the threshold", "above it"])
def test_a_question_at_or_above_the_threshold_has_credit_one(value: int) -> None:
    assert credit_of(value, credit_floor=0.25) == 1.0


def test_question_credit_is_how_far_its_score_has_come_from_the_floor_to_the_threshold() -> None:
    # (0.5 - 0.25) / (0.75 - 0.25)
    assert credit_of(2, credit_floor=0.25) == 0.5


def test_question_credit_without_a_floor_counts_from_zero() -> None:
    assert credit_of(2) == 0.6667  # 0.5 / 0.75


@pytest.mark.parametrize("value", [0, 1], ids=["below the floor", "at the floor"])
def test_a_question_at_or_below_the_floor_earns_no_credit(value: int) -> None:
    assert credit_of(value, credit_floor=0.25) == 0.0


def test_question_credit_is_computed_on_the_score_as_written() -> None:
    # 2 of 3 is 0.6667 as written; on a threshold of 0.66671 it is short by 0.00001: its credit
    # 0.6667 / 0.66671 = 0.99998 is below 1, and written 0.9999, never 1
    single = questionnaire(practice("P", "Q"), scale_top=3, attainment_threshold=0.66671)
    assert question_in(score(single, answers({"ann": {"Q": 2}})), "Q").credit == 0.9999


def test_question_credit_is_one_within_the_tolerance_of_the_threshold() -> None:
    # 1 of 3 is 0.3333 as written: it reaches a threshold of 0.3333 + 1e-10
    single = questionnaire(practice("P", "Q"), scale_top=3, attainment_threshold=0.3333 + 1e-10)
    assert question_in(score(single, answers({"ann": {"Q": 1}})), "Q").credit == 1.0


def test_weight_does_not_change_a_questions_credit() -> None:
    weighted = questionnaire(practice("P", question("Q", weight=5)))
    assert question_in(score(weighted, answers({"ann": {"Q": 2}})), "Q").credit == 0.6667
