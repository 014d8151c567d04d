"""scoring.md sections 4, 6, 7 and 9: the card as JSON, what it rests on, gaps, disagreements,
completeness."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pydantic
import pytest

from scoring import SCORING_VERSION, Gap, ScoreCard, score

from .examples import EXAMPLE_CARD, example_card
from .factories import BLANK, DONT_KNOW, NA, Values, answers, practice, questionnaire

# Section 7: the card


def test_example_card_is_the_one_worked_by_hand() -> None:
    """The worked example of `tests/scoring/examples.py`."""
    assert json.loads(example_card().model_dump_json()) == EXAMPLE_CARD


def test_card_json_keys_come_in_the_order_of_the_spec() -> None:
    written = json.loads(example_card().model_dump_json())
    assert list(written) == [
        "scoring_version",
        "questionnaire",
        "basis",
        "indicative",
        "parameters",
        "scope",
        "respondents",
        "completeness",
        "overall",
        "domains",
        "enablers",
        "best_practices",
        "gaps",
        "disagreements",
    ]
    assert list(written["parameters"]) == [
        "attainment_threshold",
        "stage_threshold",
        "aggregation",
        "credit_floor",
        "question_floor",
        "shortfalls_allowed",
    ]
    assert list(written["completeness"]) == [
        "questions",
        "answered",
        "not_applicable",
        "unknown",
        "unanswered",
        "ratio",
    ]
    assert list(written["overall"]) == [
        "attainment",
        "progress",
        "score",
        "level",
        "level_name",
        "index",
        "practices_assessed",
        "practices_attained",
    ]
    assert list(written["domains"][0]) == [
        "id",
        "name",
        "in_scope",
        "assessed",
        "attainment",
        "progress",
        "score",
        "level",
        "level_name",
        "index",
        "practices_assessed",
        "practices_attained",
        "next_level",
        "stages",
    ]
    assert list(written["domains"][0]["stages"][0]) == [
        "id",
        "practices_assessed",
        "practices_attained",
        "attainment",
        "progress",
        "score",
        "achieved",
        "disputed",
    ]
    assert list(written["enablers"][0]) == [
        "id",
        "name",
        "practices_assessed",
        "practices_attained",
        "attainment",
        "progress",
        "score",
    ]
    assert list(written["best_practices"][0]) == [
        "id",
        "title",
        "domain",
        "stage",
        "enabler",
        "assessed",
        "score",
        "attained",
        "credit",
        "questions",
    ]
    assert list(written["best_practices"][0]["questions"][0]) == [
        "id",
        "status",
        "score",
        "credit",
        "dispersion",
        "responses",
    ]
    assert list(written["gaps"][0]) == [
        "id",
        "title",
        "domain",
        "stage",
        "enabler",
        "score",
        "credit",
    ]


def test_card_json_writes_nulls_rather_than_leaving_keys_out() -> None:
    assert '"next_level":null' in example_card().model_dump_json()


def test_card_rounds_every_float_to_four_decimals() -> None:
    thirds = questionnaire(practice("P1"), practice("P2"), practice("P3"))
    card = score(thirds, answers({"ann": {"P1-Q1": 4, "P2-Q1": 1, "P3-Q1": 0}}))
    assert (card.overall.attainment, card.overall.score) == (0.3333, 0.4167)


def test_card_round_trips_through_its_json() -> None:
    written = example_card().model_dump_json()
    assert ScoreCard.model_validate_json(written).model_dump_json() == written


def test_card_is_frozen() -> None:
    with pytest.raises(pydantic.ValidationError):
        example_card().respondents = 3  # type: ignore[misc]


def test_card_records_its_scoring_version() -> None:
    assert example_card().scoring_version == SCORING_VERSION == "3"


def test_card_records_the_questionnaires_six_parameters() -> None:
    tuned = questionnaire(
        practice("P"),
        attainment_threshold=0.6,
        stage_threshold=0.5,
        aggregation="min",
        credit_floor=0.2,
        question_floor=0.3,
        shortfalls_allowed=2,
    )
    assert score(tuned, []).parameters.model_dump() == {
        "attainment_threshold": 0.6,
        "stage_threshold": 0.5,
        "aggregation": "min",
        "credit_floor": 0.2,
        "question_floor": 0.3,
        "shortfalls_allowed": 2,
    }


def test_parameters_default_to_no_credit_floor_a_half_question_floor_one_shortfall() -> None:
    parameters = score(questionnaire(practice("P")), []).parameters
    assert (
        parameters.credit_floor,
        parameters.question_floor,
        parameters.shortfalls_allowed,
    ) == (0.0, 0.5, 1)


def test_the_question_floor_defaults_to_a_threshold_below_a_half() -> None:
    low = questionnaire(practice("P"), attainment_threshold=0.4)
    assert score(low, []).parameters.question_floor == 0.4


# Section 4 and 9: what a card rests on


def test_a_card_of_the_respondents_answers_has_basis_self() -> None:
    assert example_card().basis == "self"


def test_a_card_of_a_full_questionnaire_is_not_indicative() -> None:
    assert example_card().indicative is False


def test_a_card_of_a_short_form_is_indicative() -> None:
    quick = questionnaire(practice("P"), key="test-q-quick", subset_of=("test-q", "1.0.0"))
    assert score(quick, answers({"ann": {"P-Q1": 4}})).indicative is True


# Section 6: gaps


GAPS = questionnaire(
    practice("PRJ-MEA", domain="project", stage="measure"),
    practice("PGM-STD", domain="program", stage="standardize"),
    practice("PRJ-STD-A", domain="project", stage="standardize"),
    practice("PRJ-STD-B", domain="project", stage="standardize"),
    practice("PGM-MEA", domain="program", stage="measure"),
    practice("CUL", enabler="cultural"),
    practice("STR-A", enabler="structural"),
    practice("STR-B", enabler="structural"),
    domains=("project", "program"),
    stages=("standardize", "measure"),
    enablers=("structural", "cultural"),
)


def gaps(values: Values) -> list[Gap]:
    """The gaps when each one-question practice P is answered `values[P]`."""
    card = score(GAPS, answers({"ann": {f"{p}-Q1": value for p, value in values.items()}}))
    return list(card.gaps)


def gap_ids(values: Values) -> list[str]:
    """The ids of the gaps when each one-question practice P is answered `values[P]`."""
    return [gap.id for gap in gaps(values)]


def test_gaps_are_the_assessed_practices_not_attained() -> None:
    everything_else_attained = {p.id: 4 for p in GAPS.best_practices}
    assert gap_ids({**everything_else_attained, "PRJ-MEA": 2, "PGM-MEA": NA}) == ["PRJ-MEA"]


def test_gaps_order_domain_practices_by_stage_then_lowest_score_then_domain() -> None:
    values = {"PRJ-MEA": 1, "PGM-STD": 2, "PRJ-STD-A": 2, "PRJ-STD-B": 1, "PGM-MEA": 1}
    enablers_attained = {"CUL": 4, "STR-A": 4, "STR-B": 4}
    assert gap_ids({**values, **enablers_attained}) == [
        "PRJ-STD-B",  # standardize, 0.25
        "PRJ-STD-A",  # standardize, 0.5, project before program
        "PGM-STD",  # standardize, 0.5
        "PRJ-MEA",  # measure, 0.25, project before program
        "PGM-MEA",  # measure, 0.25
    ]


def test_gaps_list_enabler_practices_last_by_enabler_then_lowest_score() -> None:
    domains_attained = {"PRJ-MEA": 4, "PGM-STD": 4, "PRJ-STD-A": 4, "PRJ-STD-B": 4, "PGM-MEA": 4}
    values = {"CUL": 0, "STR-A": 2, "STR-B": 1}
    assert gap_ids({**domains_attained, **values, "PGM-MEA": 0}) == [
        "PGM-MEA",
        "STR-B",
        "STR-A",
        "CUL",
    ]


def test_a_gap_carries_its_score_and_credit() -> None:
    """PRJ-MEA answered 2 of 4: score 0.5, credit 0.5 / 0.75 = 2/3 (threshold 0.75, floor 0)."""
    everything_else_attained = {p.id: 4 for p in GAPS.best_practices}
    (gap,) = gaps({**everything_else_attained, "PRJ-MEA": 2})
    assert gap.model_dump() == {
        "id": "PRJ-MEA",
        "title": "Practice PRJ-MEA",
        "domain": "project",
        "stage": "measure",
        "enabler": None,
        "score": 0.5,
        "credit": 0.6667,
    }


def test_gaps_with_equal_scores_keep_questionnaire_order() -> None:
    others_attained = {p.id: 4 for p in GAPS.best_practices}
    tied = {"PRJ-STD-A": 1, "PRJ-STD-B": 1}
    assert gap_ids({**others_attained, **tied}) == ["PRJ-STD-A", "PRJ-STD-B"]


# Section 6: disagreements


def disagreements(values: Mapping[str, Values]) -> list[tuple[str, float, int]]:
    """The disagreements of practices P1, P2, P3 (one question each) answered so."""
    card = score(questionnaire(practice("P1"), practice("P2"), practice("P3")), answers(values))
    return [(d.id, d.dispersion, d.responses) for d in card.disagreements]


def test_disagreement_threshold_is_reached_at_a_dispersion_of_a_quarter() -> None:
    # normalized 0.25 and 0.75: population standard deviation 0.25
    assert disagreements({"ann": {"P1-Q1": 1}, "bob": {"P1-Q1": 3}}) == [("P1-Q1", 0.25, 2)]


def test_dispersion_below_a_quarter_is_no_disagreement() -> None:
    assert disagreements({"ann": {"P1-Q1": 1}, "bob": {"P1-Q1": 2}}) == []


def test_disagreements_need_two_responses() -> None:
    assert disagreements({"ann": {"P1-Q1": 0}, "bob": {"P1-Q1": NA}}) == []


def test_disagreements_come_highest_dispersion_first_ties_in_questionnaire_order() -> None:
    values = {
        "ann": {"P1-Q1": 1, "P2-Q1": 0, "P3-Q1": 1},
        "bob": {"P1-Q1": 3, "P2-Q1": 4, "P3-Q1": 3},
    }
    assert disagreements(values) == [("P2-Q1", 0.5, 2), ("P1-Q1", 0.25, 2), ("P3-Q1", 0.25, 2)]


# Section 6: completeness and respondents


def test_completeness_counts_questions_by_status() -> None:
    five = questionnaire(*(practice(f"P{n}") for n in range(1, 6)))
    values = {"P1-Q1": 2, "P2-Q1": NA, "P3-Q1": BLANK, "P4-Q1": DONT_KNOW}
    card = score(five, answers({"ann": values}))
    assert card.completeness.model_dump() == {
        "questions": 5,
        "answered": 1,
        "not_applicable": 1,
        "unknown": 1,
        "unanswered": 2,
        "ratio": 0.4,
    }


def test_completeness_ratio_counts_answered_and_not_applicable_questions_only() -> None:
    # what the card rests on: "don't know" is no more to rest on than a blank
    two = questionnaire(practice("P1"), practice("P2"))
    card = score(two, answers({"ann": {"P1-Q1": 2, "P2-Q1": DONT_KNOW}}))
    assert card.completeness.ratio == 0.5


def test_respondents_are_those_who_gave_a_value_not_applicable_or_dont_know() -> None:
    three = questionnaire(practice("P1"), practice("P2"))
    given = answers(
        {
            "ann": {"P1-Q1": 2},
            "bob": {"P2-Q1": NA},
            "cid": {"P1-Q1": DONT_KNOW},
            "dan": {"P1-Q1": BLANK, "P2-Q1": BLANK},
        }
    )
    assert score(three, given).respondents == 3
