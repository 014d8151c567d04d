"""scoring.md section 8, "Rescoring", and the last section: cards of versions "2" and "1" read
back as stored and recomputed under version "3" from their stored questions."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from scoring import (
    ScoreCard,
    ScoreCardV1,
    ScoreCardV2,
    current,
    read_card,
    rescore,
    score,
)

from ..samples import DATA
from .examples import (
    EXAMPLE_CARD,
    EXAMPLE_CARD_V1,
    EXAMPLE_CARD_V2,
    example_card,
    example_questionnaire,
)
from .factories import NA, answers, domain_in, practice, practice_in, question_in, questionnaire
from .stored import STORED_VERSION_2, stored_card
from .version_1 import version_1_card
from .version_2 import version_2_card


def stored(card: dict[str, Any]) -> str:
    """A card as the database holds it: its JSON, as pydantic wrote it."""
    return json.dumps(card, separators=(",", ":"))


def read_v1(text: str) -> ScoreCardV1:
    card = read_card(text)
    assert isinstance(card, ScoreCardV1)
    return card


def read_v2(text: str) -> ScoreCardV2:
    card = read_card(text)
    assert isinstance(card, ScoreCardV2)
    return card


def answered(question_id: str, value: float) -> dict[str, Any]:
    """A question one respondent answered, as a card of version "1" or "2" shows it."""
    return {
        "id": question_id,
        "status": "answered",
        "score": value,
        "dispersion": 0.0,
        "responses": 1,
    }


def staged_practice(practice_id: str, stage: str, value: float | None) -> dict[str, Any]:
    """A one-question practice of the project domain as version "1" stored it."""
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
        "assessed": value is not None,
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

EMPTY_MEASURE_ANSWERS = answers(
    {"ann": {"S1-Q1": 3, "S2-Q1": 3, "M1-Q1": NA, "C1-Q1": 3, "C2-Q1": 1}}
)


def empty_measure(**parameters: Any) -> Any:
    """The questionnaire of EMPTY_MEASURE_V1, with `parameters` as its scoring."""
    return questionnaire(
        practice("S1", stage="standardize"),
        practice("S2", stage="standardize"),
        practice("M1", stage="measure"),
        practice("C1", stage="control"),
        practice("C2", stage="control"),
        stages=STAGES,
        scale_top=3,
        **parameters,
    )


EMPTY_MEASURE = empty_measure()


def rescored(card: dict[str, Any], **parameters: Any) -> ScoreCard:
    """The stored version "1" `card` of EMPTY_MEASURE, rescored with `parameters`."""
    return rescore(read_v1(stored(card)), empty_measure(**parameters))


# Reading stored cards


def test_a_stored_version_1_card_is_read_back_as_one_and_served_byte_for_byte() -> None:
    text = (DATA / "cards" / "test-q-1.0.0-scoring-v1.json").read_text()
    assert read_v1(text).model_dump_json() == text


@pytest.mark.parametrize("name", STORED_VERSION_2)
def test_a_stored_version_2_card_is_read_back_as_one_and_served_byte_for_byte(name: str) -> None:
    text = stored_card(name).text
    assert read_v2(text).model_dump_json() == text


def test_a_version_3_card_is_read_back_as_one() -> None:
    text = example_card().model_dump_json()
    card = read_card(text)
    assert isinstance(card, ScoreCard)
    assert card.model_dump_json() == text


def test_a_card_of_an_unknown_scoring_version_is_refused() -> None:
    with pytest.raises(ValueError, match=r"scoring_version"):
        read_card(stored({**EXAMPLE_CARD, "scoring_version": "4"}))


def test_rescoring_leaves_the_stored_card_as_it_was() -> None:
    text = stored_card("test-q-1.0.0-example").text
    card = read_v2(text)
    rescore(card, example_questionnaire())
    assert card.model_dump_json() == text


# Rescoring equals scoring the same answers


@pytest.mark.parametrize("name", STORED_VERSION_2)
def test_a_version_2_card_rescored_is_the_version_3_card_of_its_answers(name: str) -> None:
    """Each card the version "2" code wrote, rescored from its stored questions, is byte for byte
    the card version "3" makes of the answers that made it, in its scope."""
    fixture = stored_card(name)
    fresh = score(fixture.questionnaire, fixture.answers, fixture.scope)
    again = rescore(read_v2(fixture.text), fixture.questionnaire)
    assert again.model_dump_json() == fresh.model_dump_json()


@pytest.mark.parametrize(
    "name", [name for name in STORED_VERSION_2 if stored_card(name).scope is None]
)
def test_a_version_1_card_rescored_is_the_version_3_card_of_its_answers(name: str) -> None:
    """The version "1" card of the same answers (every domain: version "1" had no scope),
    rescored, is byte for byte the version "3" card of those answers."""
    fixture = stored_card(name)
    old = read_v1(version_1_card(read_v2(fixture.text), fixture.questionnaire).model_dump_json())
    fresh = score(fixture.questionnaire, fixture.answers)
    assert rescore(old, fixture.questionnaire).model_dump_json() == fresh.model_dump_json()


def test_the_example_rescored_from_version_1_is_the_example_card() -> None:
    card = read_v1(stored(EXAMPLE_CARD_V1))
    assert json.loads(rescore(card, example_questionnaire()).model_dump_json()) == EXAMPLE_CARD


def test_a_version_2_card_is_rescored_from_its_questions_not_its_practices() -> None:
    """ "Largely" everywhere with "Partially" on each practice's first question: version "2"
    attained no practice (each mean below 0.75), level 0 in every domain with an index of 0.875,
    0.8542 and 0.8611; rescored, every practice has one shortfall, allowed: attained, level 4
    and index 4."""
    fixture = stored_card("opm3-style-2.0.0-largely-one-partially")
    old = read_v2(fixture.text)
    assert [(d.level, d.index) for d in old.domains] == [(0, 0.875), (0, 0.8542), (0, 0.8611)]
    again = rescore(old, fixture.questionnaire)
    assert [(d.level, d.index) for d in again.domains] == [(4, 4.0)] * 3
    assert again.gaps == ()


# Rescoring: the rules of section 8


def test_a_rescored_card_is_a_version_3_card() -> None:
    again = rescore(read_v2(stored_card("test-q-1.0.0-example").text), example_questionnaire())
    assert (again.scoring_version, again.basis, again.indicative) == ("3", "self", False)


def test_rescoring_uses_the_parameters_of_the_cards_own_questionnaire() -> None:
    # With a credit floor of 0.25, C2 at 0.3333 earns (0.3333 - 0.25) / 0.5 = 0.1666 (read as
    # written: 1/3 would give 0.1667); without one, 0.3333 / 0.75 = 0.4444
    assert practice_in(rescored(EMPTY_MEASURE_V1), "C2").credit == 0.4444
    with_floor = rescored(EMPTY_MEASURE_V1, credit_floor=0.25)
    assert practice_in(with_floor, "C2").credit == 0.1666
    assert question_in(with_floor, "C2-Q1").credit == 0.1666


def test_a_rescored_card_lists_all_six_parameters() -> None:
    assert rescored(EMPTY_MEASURE_V1).parameters.model_dump() == {
        "attainment_threshold": 0.75,
        "stage_threshold": 0.8,
        "aggregation": "mean",
        "credit_floor": 0.0,
        "question_floor": 0.5,
        "shortfalls_allowed": 1,
    }


def test_rescoring_reads_the_stored_question_scores_as_written() -> None:
    # C2's question is stored 0.3333: control's score is (1 + 0.3333) / 2 = 0.66665, written
    # 0.6666 (version "1" wrote 0.6667 from 1/3); the card version "3" makes reads it so too
    again = rescored(EMPTY_MEASURE_V1)
    assert domain_in(again).stages[2].score == 0.6666
    assert again == score(EMPTY_MEASURE, EMPTY_MEASURE_ANSWERS)


def test_a_cell_with_no_assessed_practice_no_longer_grants_the_level() -> None:
    # measure was achieved in version "1" (level 2, index 2.5); now it stops the level at 1,
    # and it and control add nothing to the index (running minimum 0 from measure on)
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


def test_a_version_1_card_is_rescored_over_every_domain() -> None:
    card = rescore(read_v1(stored(EXAMPLE_CARD_V1)), example_questionnaire())
    assert card.scope == ("project", "program")
    assert [domain.in_scope for domain in card.domains] == [True, True]


def test_a_version_2_card_keeps_its_scope() -> None:
    fixture = stored_card("opm3-style-2.0.0-program-portfolio")
    again = rescore(read_v2(fixture.text), fixture.questionnaire)
    assert again.scope == ("program", "portfolio")
    assert [domain.in_scope for domain in again.domains] == [False, True, True]


def test_a_rescored_card_keeps_the_stored_respondents_and_counts_no_unknown() -> None:
    card = read_v2(stored_card("opm3-style-2.0.0-mixed").text)
    again = rescore(card, stored_card("opm3-style-2.0.0-mixed").questionnaire)
    assert again.respondents == card.respondents == 4
    assert again.completeness.unknown == 0
    assert again.completeness.model_dump(exclude={"unknown"}) == card.completeness.model_dump()


def test_a_rescored_card_of_a_short_form_is_indicative() -> None:
    fixture = stored_card("opm3-quick-2.0.0-mixed")
    assert rescore(read_v2(fixture.text), fixture.questionnaire).indicative is True


def test_a_rescored_card_finds_disputed_cells_from_the_stored_dispersions() -> None:
    # PRJ-STD-01-Q1 (dispersion 0.25, two responses) is one of standardize's two answered
    # questions
    again = rescore(read_v1(stored(EXAMPLE_CARD_V1)), example_questionnaire())
    assert [stage.disputed for stage in domain_in(again).stages] == [0.5, 0.0]
    assert [d.id for d in again.disagreements] == ["PRJ-STD-01-Q1"]


def test_an_unattained_practice_stored_at_the_threshold_is_recomputed_from_its_question() -> None:
    # Version "1" stored C2 unattained at 0.75 (0.749975 unrounded); its question, stored at
    # 0.75, reaches the threshold as written: attained, credit 1, no gap any more
    almost = copy.deepcopy(EMPTY_MEASURE_V1)
    almost["best_practices"][4]["score"] = 0.75
    almost["best_practices"][4]["questions"][0]["score"] = 0.75
    almost["gaps"][0]["score"] = 0.75
    card = rescored(almost)
    c2 = practice_in(card, "C2")
    assert (c2.score, c2.attained, c2.credit) == (0.75, True, 1.0)
    assert card.gaps == ()


def test_rescoring_refuses_a_questionnaire_the_card_does_not_score() -> None:
    other = questionnaire(practice("S1"), version="1.1.0")
    with pytest.raises(ValueError, match=r"the card scores test-q 1.0.0, not test-q 1.1.0"):
        rescore(read_v1(stored(EMPTY_MEASURE_V1)), other)


def test_rescoring_refuses_a_card_whose_questions_are_not_the_questionnaires() -> None:
    renamed = copy.deepcopy(EMPTY_MEASURE_V1)
    renamed["best_practices"][0]["questions"][0]["id"] = "S1-Q9"
    with pytest.raises(ValueError, match=r"best practices and questions are not those"):
        rescore(read_v1(stored(renamed)), EMPTY_MEASURE)


def test_current_rescores_cards_of_versions_1_and_2_and_keeps_a_version_3_card() -> None:
    example = example_questionnaire()
    for old in (read_v1(stored(EXAMPLE_CARD_V1)), read_v2(stored(EXAMPLE_CARD_V2))):
        assert json.loads(current(old, example).model_dump_json()) == EXAMPLE_CARD
    new = example_card()
    assert current(new, example) is new


# The test helpers that make older cards, held to the cards those versions wrote


@pytest.mark.parametrize("name", STORED_VERSION_2)
def test_the_version_2_helper_makes_the_card_version_2_wrote(name: str) -> None:
    fixture = stored_card(name)
    made = version_2_card(fixture.questionnaire, fixture.answers, fixture.scope)
    assert ScoreCardV2.model_validate(made).model_dump_json() == fixture.text


def test_the_version_1_helper_makes_the_example_version_1_card() -> None:
    made = version_1_card(read_v2(stored(EXAMPLE_CARD_V2)), example_questionnaire())
    assert json.loads(made.model_dump_json()) == EXAMPLE_CARD_V1


def test_the_version_1_helper_makes_the_version_1_card_of_an_empty_cell() -> None:
    """`version_1_card` counts an empty cell achieved and adds attainment to the index."""
    old = ScoreCardV2.model_validate(version_2_card(EMPTY_MEASURE, EMPTY_MEASURE_ANSWERS))
    made = version_1_card(old, EMPTY_MEASURE)
    assert json.loads(made.model_dump_json()) == EMPTY_MEASURE_V1
