"""scoring.md section 7: the abridged example card, reproduced with a questionnaire built for it.

Threshold 0.75, credit floor 0.25, stage threshold 0.8; a scale of 0 to 40, so that every score
of the example is one answer (24 of 40 = 0.6). A credit is `(score - 0.25) / 0.5` below the
threshold, 1 at or above it.

    project     practice     answers        score   attained  credit
    standardize PRJ-STD-01   30, 40         0.875   yes       1
                PRJ-STD-02   36             0.9     yes       1
                PRJ-STD-03   37             0.925   yes       1
    measure     PRJ-MEA-01..04  36 each     0.9     yes       1
    control     PRJ-CTL-01   36             0.9     yes       1
                PRJ-CTL-02   24             0.6     no        0.7
    improve     PRJ-IMP-01   36             0.9     yes       1
                PRJ-IMP-02   22             0.55    no        0.6
                PRJ-IMP-03   14             0.35    no        0.2

Project: 9 of 12 attained (attainment 0.75); progress (9 + 0.7 + 0.6 + 0.2) / 12 = 0.875; score
(2.7 + 6 * 0.9 + 0.6 + 0.55 + 0.35) / 12 = 9.6 / 12 = 0.8. Standardize (3 of 3, score
2.7 / 3 = 0.9) and measure (4 of 4) are achieved; control holds PRJ-CTL-01 and PRJ-CTL-02:
attainment 0.5 < 0.8, progress (1 + 0.7) / 2 = 0.85, so level 2 "Measured" and index
2 + 0.85 = 2.85; one more attained practice gives 2 / 2 >= 0.8: `needed` 1, PRJ-CTL-02.

Structural enabler: ENB-STR-01 at 32 of 40 = 0.8 (attained), ENB-STR-02 and -03 at 0.5 (credit
0.5 each): attainment 1/3, progress (1 + 0.5 + 0.5) / 3 = 2/3, score 1.8 / 3 = 0.6.
"""

from __future__ import annotations

from typing import Any

import pytest

from scoring import ScoreCard, score

from .factories import answers, domain_in, practice, practice_in, questionnaire

ONE_VALUE = {
    "PRJ-STD-02": 36,
    "PRJ-STD-03": 37,
    "PRJ-MEA-01": 36,
    "PRJ-MEA-02": 36,
    "PRJ-MEA-03": 36,
    "PRJ-MEA-04": 36,
    "PRJ-CTL-01": 36,
    "PRJ-CTL-02": 24,
    "PRJ-IMP-01": 36,
    "PRJ-IMP-02": 22,
    "PRJ-IMP-03": 14,
    "ENB-STR-01": 32,
    "ENB-STR-02": 20,
    "ENB-STR-03": 20,
}
STAGE_OF = {"STD": "standardize", "MEA": "measure", "CTL": "control", "IMP": "improve"}


@pytest.fixture(scope="module")
def card() -> ScoreCard:
    """The card of the example: ann answers every question, bob only PRJ-STD-01-Q1."""
    practices = [
        practice(practice_id, stage=STAGE_OF[practice_id.split("-")[1]])
        for practice_id in ["PRJ-STD-01", *ONE_VALUE]
        if practice_id.startswith("PRJ-")
    ]
    practices += [practice(f"ENB-STR-0{n}", enabler="structural") for n in (1, 2, 3)]
    example = questionnaire(
        *practices,
        stages=tuple(STAGE_OF.values()),
        enablers=("structural",),
        scale_top=40,
        attainment_threshold=0.75,
        stage_threshold=0.8,
        credit_floor=0.25,
    )
    ann = {f"{practice_id}-Q1": value for practice_id, value in ONE_VALUE.items()}
    return score(
        example, answers({"ann": {"PRJ-STD-01-Q1": 30, **ann}, "bob": {"PRJ-STD-01-Q1": 40}})
    )


def test_the_project_domain_is_the_examples(card: ScoreCard) -> None:
    project = domain_in(card).model_dump(mode="json", exclude={"stages"})
    assert project == {
        "id": "project",
        "name": "Project",
        "in_scope": True,
        "assessed": True,
        "attainment": 0.75,
        "progress": 0.875,
        "score": 0.8,
        "level": 2,
        "level_name": "Measured",
        "index": 2.85,
        "practices_assessed": 12,
        "practices_attained": 9,
        "next_level": {"level": 3, "stage": "control", "needed": 1, "candidates": ["PRJ-CTL-02"]},
    }


def test_the_standardize_cell_is_the_examples(card: ScoreCard) -> None:
    assert domain_in(card).stages[0].model_dump() == {
        "id": "standardize",
        "practices_assessed": 3,
        "practices_attained": 3,
        "attainment": 1.0,
        "progress": 1.0,
        "score": 0.9,
        "achieved": True,
    }


def test_the_control_cell_holds_one_attained_practice_of_two(card: ScoreCard) -> None:
    control = domain_in(card).stages[2]
    assert (control.id, control.attainment, control.progress, control.achieved) == (
        "control",
        0.5,
        0.85,
        False,
    )


def test_the_unattained_practices_have_the_examples_credits(card: ScoreCard) -> None:
    credits = {p.id: p.credit for p in card.best_practices if p.attained is False}
    assert credits == {
        "PRJ-CTL-02": 0.7,
        "PRJ-IMP-02": 0.6,
        "PRJ-IMP-03": 0.2,
        "ENB-STR-02": 0.5,
        "ENB-STR-03": 0.5,
    }


def test_the_structural_enabler_is_the_examples(card: ScoreCard) -> None:
    assert card.enablers[0].model_dump() == {
        "id": "structural",
        "name": "Structural",
        "practices_assessed": 3,
        "practices_attained": 1,
        "attainment": 0.3333,
        "progress": 0.6667,
        "score": 0.6,
    }


def test_the_first_best_practice_is_the_examples(card: ScoreCard) -> None:
    expected: dict[str, Any] = {
        "id": "PRJ-STD-01",
        "title": "Practice PRJ-STD-01",
        "domain": "project",
        "stage": "standardize",
        "enabler": None,
        "assessed": True,
        "score": 0.875,
        "attained": True,
        "credit": 1.0,
        "questions": [
            {
                "id": "PRJ-STD-01-Q1",
                "status": "answered",
                "score": 0.875,
                "dispersion": 0.125,
                "responses": 2,
            }
        ],
    }
    assert practice_in(card, "PRJ-STD-01").model_dump(mode="json") == expected


def test_the_first_gap_is_the_examples(card: ScoreCard) -> None:
    assert card.gaps[0].model_dump() == {
        "id": "PRJ-CTL-02",
        "title": "Practice PRJ-CTL-02",
        "domain": "project",
        "stage": "control",
        "enabler": None,
        "score": 0.6,
        "credit": 0.7,
    }


def test_the_parameters_are_the_examples(card: ScoreCard) -> None:
    assert card.parameters.model_dump() == {
        "attainment_threshold": 0.75,
        "stage_threshold": 0.8,
        "aggregation": "mean",
        "credit_floor": 0.25,
    }
