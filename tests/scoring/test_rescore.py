"""scoring.md section 8, "Rescoring", and the last section: version "1" cards read back and
recomputed under the current rules."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from scoring import ScoreCard, ScoreCardV1, current, read_card, rescore, score

from .examples import EXAMPLE_CARD, EXAMPLE_CARD_V1, example_card, example_questionnaire
from .factories import NA, answers, domain_in, practice, practice_in, questionnaire
from .version_1 import version_1_card


def stored(card: dict[str, Any]) -> str:
    """A card as the database holds it: its JSON, as pydantic wrote it."""
    return json.dumps(card, separators=(",", ":"))


def answered(question_id: str, value: float) -> dict[str, Any]:
    """A question one respondent answered, as a card shows it."""
    return {
        "id": question_id,
        "status": "answered",
        "score": value,
        "dispersion": 0.0,
        "responses": 1,
    }


def staged_practice(practice_id: str, stage: str, value: float | None) -> dict[str, Any]:
    """A one-question practice of the project domain as version "1" stored it."""
    assessed = value is not None
    questions = (
        [answered(f"{practice_id}-Q1", value)]
        if value is not None
        else [
            {
                "id": f"{practice_id}-Q1",
                "status": "not_applicable",
                "score": None,
                "dispersion": None,
                "responses": 0,
            }
        ]
    )
    return {
        "id": practice_id,
        "title": f"Practice {practice_id}",
        "domain": "project",
        "stage": stage,
        "enabler": None,
        "assessed": assessed,
        "score": value,
        "attained": None if value is None else value >= 0.75,
        "questions": questions,
    }


STAGES = ("standardize", "measure", "control")

# One domain, three stages, on a scale of 0 to 3. One respondent answered S1, S2 and C1 3 of 3,
# C2 1 of 3 (1/3, stored 0.3333), and marked M1 not applicable, so measure has no assessed
# practice. Version "1" counted that empty cell achieved: level 2, index 2 + the attainment of
# control (1 of 2) = 2.5. Its control score is (1 + 1/3) / 2 = 0.6667, the domain's
# (3 + 1/3) / 4 = 0.8333.
EMPTY_MEASURE_V1: dict[str, Any] = {
    "scoring_version": "1",
    "questionnaire": {"key": "test-q", "version": "1.0.0"},
    "parameters": {"attainment_threshold": 0.75, "stage_threshold": 0.8, "aggregation": "mean"},
    "respondents": 1,
    "completeness": {
        "questions": 5,
        "answered": 4,
        "not_applicable": 1,
        "unanswered": 0,
        "ratio": 1.0,
    },
    "overall": {
        "attainment": 0.75,
        "score": 0.8333,
        "level": 2,
        "level_name": "Measured",
        "index": 2.5,
        "practices_assessed": 4,
        "practices_attained": 3,
    },
    "domains": [
        {
            "id": "project",
            "name": "Project",
            "assessed": True,
            "attainment": 0.75,
            "score": 0.8333,
            "level": 2,
            "level_name": "Measured",
            "index": 2.5,
            "practices_assessed": 4,
            "practices_attained": 3,
            "next_level": {"level": 3, "stage": "control", "needed": 1, "candidates": ["C2"]},
            "stages": [
                {
                    "id": "standardize",
                    "practices_assessed": 2,
                    "practices_attained": 2,
                    "attainment": 1.0,
                    "score": 1.0,
                    "achieved": True,
                },
                {
                    "id": "measure",
                    "practices_assessed": 0,
                    "practices_attained": 0,
                    "attainment": None,
                    "score": None,
                    "achieved": True,
                },
                {
                    "id": "control",
                    "practices_assessed": 2,
                    "practices_attained": 1,
                    "attainment": 0.5,
                    "score": 0.6667,
                    "achieved": False,
                },
            ],
        }
    ],
    "enablers": [],
    "best_practices": [
        staged_practice("S1", "standardize", 1.0),
        staged_practice("S2", "standardize", 1.0),
        staged_practice("M1", "measure", None),
        staged_practice("C1", "control", 1.0),
        staged_practice("C2", "control", 0.3333),
    ],
    "gaps": [
        {
            "id": "C2",
            "title": "Practice C2",
            "domain": "project",
            "stage": "control",
            "enabler": None,
            "score": 0.3333,
        }
    ],
    "disagreements": [],
}

EMPTY_MEASURE = questionnaire(
    practice("S1", stage="standardize"),
    practice("S2", stage="standardize"),
    practice("M1", stage="measure"),
    practice("C1", stage="control"),
    practice("C2", stage="control"),
    stages=STAGES,
    scale_top=3,
)


def rescored(card: dict[str, Any], credit_floor: float | None = None) -> ScoreCard:
    """The stored version "1" `card` of EMPTY_MEASURE, rescored."""
    old = read_card(stored(card))
    assert isinstance(old, ScoreCardV1)
    return rescore(old, EMPTY_MEASURE, credit_floor=credit_floor)


# Reading stored cards


def test_a_stored_version_1_card_is_read_back_as_one_and_served_byte_for_byte() -> None:
    text = stored(EXAMPLE_CARD_V1)
    card = read_card(text)
    assert isinstance(card, ScoreCardV1)
    assert card.model_dump_json() == text


def test_a_stored_version_2_card_is_read_back_as_one() -> None:
    text = example_card().model_dump_json()
    card = read_card(text)
    assert isinstance(card, ScoreCard)
    assert card.model_dump_json() == text


def test_a_card_of_an_unknown_scoring_version_is_refused() -> None:
    with pytest.raises(ValueError, match=r"scoring_version"):
        read_card(stored({**EXAMPLE_CARD_V1, "scoring_version": "3"}))


def test_rescoring_leaves_the_stored_card_as_it_was() -> None:
    text = stored(EXAMPLE_CARD_V1)
    card = read_card(text)
    assert isinstance(card, ScoreCardV1)
    rescore(card, example_questionnaire())
    assert card.model_dump_json() == text


# Rescoring


def test_the_example_rescored_is_the_card_version_2_makes_of_the_same_answers() -> None:
    # Its practice scores (0.75, 0.5, 0.875) are exact, so nothing is lost by rounding: the
    # rescored card is the one worked by hand in tests/scoring/examples.py
    card = read_card(stored(EXAMPLE_CARD_V1))
    assert isinstance(card, ScoreCardV1)
    assert json.loads(rescore(card, example_questionnaire()).model_dump_json()) == EXAMPLE_CARD


def test_the_test_helper_makes_the_example_version_1_card() -> None:
    """`version_1_card`, which the properties use, agrees with the card worked by hand."""
    made = version_1_card(example_card(), example_questionnaire())
    assert json.loads(made.model_dump_json()) == EXAMPLE_CARD_V1


def test_the_test_helper_makes_the_version_1_card_of_an_empty_cell() -> None:
    """`version_1_card` counts an empty cell achieved and adds attainment to the index."""
    values = {"S1-Q1": 3, "S2-Q1": 3, "M1-Q1": NA, "C1-Q1": 3, "C2-Q1": 1}
    made = version_1_card(score(EMPTY_MEASURE, answers({"ann": values})), EMPTY_MEASURE)
    assert json.loads(made.model_dump_json()) == EMPTY_MEASURE_V1


def test_rescoring_keeps_the_stored_practice_scores_and_attained_flags() -> None:
    card = rescored(EMPTY_MEASURE_V1)
    assert [(p.id, p.assessed, p.score, p.attained) for p in card.best_practices] == [
        ("S1", True, 1.0, True),
        ("S2", True, 1.0, True),
        ("M1", False, None, None),
        ("C1", True, 1.0, True),
        ("C2", True, 0.3333, False),
    ]


def test_rescoring_keeps_group_attainment_and_counts() -> None:
    project = domain_in(rescored(EMPTY_MEASURE_V1))
    assert [(c.practices_assessed, c.practices_attained, c.attainment) for c in project.stages] == [
        (2, 2, 1.0),
        (0, 0, None),
        (2, 1, 0.5),
    ]
    assert (project.practices_assessed, project.practices_attained, project.attainment) == (
        4,
        3,
        0.75,
    )


def test_rescoring_recomputes_group_scores_from_the_rounded_practice_scores() -> None:
    # control: (1 + 0.3333) / 2 = 0.66665, written 0.6666 where version "1" wrote 0.6667 from
    # the unrounded 1/3: within 0.0001; the domain: (3 + 0.3333) / 4 = 0.833325, still 0.8333
    project = domain_in(rescored(EMPTY_MEASURE_V1))
    assert (project.stages[2].score, project.score) == (0.6666, 0.8333)


def test_rescoring_gives_credit_from_the_stored_score() -> None:
    # no floor given: C2's credit is 0.3333 / 0.75 = 0.4444
    assert practice_in(rescored(EMPTY_MEASURE_V1), "C2").credit == 0.4444


def test_rescoring_uses_the_credit_floor_the_caller_passes() -> None:
    # (0.3333 - 0.25) / 0.5 = 0.1666, from the stored score (1/3 would give 0.1667);
    # control's progress (1 + 0.1666) / 2 = 0.5833
    card = rescored(EMPTY_MEASURE_V1, credit_floor=0.25)
    assert card.parameters.credit_floor == 0.25
    assert practice_in(card, "C2").credit == 0.1666
    assert domain_in(card).stages[2].progress == 0.5833


@pytest.mark.parametrize("floor", [0.75, 0.9], ids=["at the threshold", "above it"])
def test_a_credit_floor_not_below_the_cards_threshold_is_replaced_by_zero(floor: float) -> None:
    card = rescored(EMPTY_MEASURE_V1, credit_floor=floor)
    assert (card.parameters.credit_floor, practice_in(card, "C2").credit) == (0.0, 0.4444)


def test_an_unattained_practice_stored_at_the_threshold_gets_a_credit_below_one() -> None:
    # C2 scored 0.749975, written 0.75, was not attained: its credit is written 0.9999
    almost = copy.deepcopy(EMPTY_MEASURE_V1)
    almost["best_practices"][4]["score"] = 0.75
    almost["gaps"][0]["score"] = 0.75
    card = rescored(almost)
    c2 = practice_in(card, "C2")
    assert (c2.score, c2.attained, c2.credit) == (0.75, False, 0.9999)
    assert card.gaps[0].credit == 0.9999
    assert domain_in(card).stages[2].progress == 0.9999  # (1 + 0.9999) / 2, below 1


def test_a_cell_with_no_assessed_practice_no_longer_grants_the_level() -> None:
    # measure was achieved in version "1" (level 2, index 2.5); now it stops the level at 1,
    # and the index adds nothing for it
    project = domain_in(rescored(EMPTY_MEASURE_V1))
    assert (project.level, project.level_name, project.index) == (1, "Standardized", 1.0)
    assert project.stages[1].achieved is False
    assert project.next_level is not None
    assert project.next_level.model_dump() == {
        "level": 2,
        "stage": "measure",
        "needed": None,
        "candidates": (),
    }
    overall = rescored(EMPTY_MEASURE_V1).overall
    assert (overall.level, overall.index) == (1, 1.0)


def test_rescoring_adds_progress_from_the_credits() -> None:
    # credits 1, 1, 1 and 0.4444: progress (3 + 0.4444) / 4 = 0.8611; control (1 + 0.4444) / 2
    project = domain_in(rescored(EMPTY_MEASURE_V1))
    assert (project.progress, project.stages[2].progress, project.stages[0].progress) == (
        0.8611,
        0.7222,
        1.0,
    )


def test_a_rescored_card_is_a_current_card_over_every_domain() -> None:
    card = rescored(EMPTY_MEASURE_V1)
    assert (card.scoring_version, card.scope) == ("2", ("project",))
    assert domain_in(card).in_scope is True
    assert card.gaps[0].model_dump() == {
        "id": "C2",
        "title": "Practice C2",
        "domain": "project",
        "stage": "control",
        "enabler": None,
        "score": 0.3333,
        "credit": 0.4444,
    }


def test_a_rescored_card_keeps_respondents_completeness_and_disagreements() -> None:
    card = read_card(stored(EXAMPLE_CARD_V1))
    assert isinstance(card, ScoreCardV1)
    again = rescore(card, example_questionnaire())
    assert (again.respondents, again.completeness, again.disagreements) == (
        card.respondents,
        card.completeness,
        card.disagreements,
    )


def test_rescoring_refuses_a_questionnaire_the_card_does_not_score() -> None:
    other = questionnaire(practice("S1"), version="1.1.0")
    card = read_card(stored(EMPTY_MEASURE_V1))
    assert isinstance(card, ScoreCardV1)
    with pytest.raises(ValueError, match=r"the card scores test-q 1.0.0, not test-q 1.1.0"):
        rescore(card, other)


def test_current_rescores_a_version_1_card_and_keeps_a_version_2_card() -> None:
    old = read_card(stored(EXAMPLE_CARD_V1))
    assert json.loads(current(old, example_questionnaire()).model_dump_json()) == EXAMPLE_CARD
    new = example_card()
    assert current(new, example_questionnaire()) is new
