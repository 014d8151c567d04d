"""scoring.md section 1: a question over all respondents."""

from __future__ import annotations

from typing import Any

import pytest

from scoring import QuestionScore, score

from .factories import BLANK, NA, Values, answers, practice, question_in, questionnaire


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
        "dispersion": None,
        "responses": 0,
    }


@pytest.mark.parametrize("values", [{}, {"ann": BLANK}], ids=["no answer", "blank"])
def test_unanswered_question_scores_zero(values: Values) -> None:
    assert scored(values).model_dump() == {
        "id": "Q",
        "status": "unanswered",
        "score": 0.0,
        "dispersion": None,
        "responses": 0,
    }
