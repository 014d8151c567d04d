"""scoring.md section 7: the worked example and its abridged card, reproduced exactly.

Threshold 0.75, stage threshold 0.8, credit floor 0.25, question floor 0.5, one shortfall
allowed; the assessment is scoped to the project domain (a program domain stays out), so the
overall figures are the project's. A scale of 0 to 20 makes every score of the example one
answer (17 of 20 = 0.85). Three respondents, ann, bob and carl, give every question the same
value, except where the table says otherwise; a question's credit is `(score - 0.25) / 0.5`
below the threshold, 1 at or above it.

    practice     questions (score each)           score   attained  credit
    PRJ-STD-01   4 x 0.9                          0.9     yes       1
    PRJ-STD-02   4 x 0.85                         0.85    yes       1
    PRJ-STD-03   4 x 0.8                          0.8     yes       1
    PRJ-MEA-01   4 x 0.8                          0.8     yes       1
    PRJ-MEA-02   2 x 0.8, Q3 N/A                  0.8     yes       1
    PRJ-MEA-03   4 x 0.75                         0.75    yes       1
    PRJ-CTL-01   3 x 0.9                          0.9     yes       1
    PRJ-CTL-02   0.75; 0.5 (0, 10, 20);           0.5833  no: two shortfalls,
                 0.5 (5, 15, carl blank)                  credit (1 + 0.5 + 0.5) / 3 = 0.6667
    PRJ-CTL-03   1.0, 1.0; 0.25 (0, 10,           0.75    no: 0.25 below the question floor,
                 carl "don't know")                       credit (1 + 1 + 0) / 3 = 0.6667
    PRJ-IMP-01   4 x 0.8                          0.8     yes       1
    PRJ-IMP-02   0.5, 0.5                         0.5     no        0.5
    PRJ-IMP-03   0.25; unknown (all "don't know") 0.125   no        0
    ENB-STR-01   4 x 0.8                          0.8     yes       1
    ENB-STR-02   0.5, 0.5                         0.5     no        0.5
    ENB-STR-03   0.5, 0.5                         0.5     no        0.5

Control: attainment 1/3, progress (1 + 2/3 + 2/3) / 3 = 0.7778, score (0.9 + 0.5833 + 0.75) / 3
= 0.7444, not achieved: level 2. Continuously improve: progress (1 + 0.5 + 0) / 3 = 0.5. Index
1 + 1 + min(1, 1, 0.7778) + min(1, 1, 0.7778, 0.5) = 3.2778. Three of control's nine answered
questions are disagreements (PRJ-CTL-02-Q2, dispersion 0.4082; PRJ-CTL-02-Q3 and
PRJ-CTL-03-Q3, 0.25): disputed 0.3333. Completeness: 48 questions in scope (40 of the project
domain, 8 of the enabler), 46 answered, PRJ-MEA-02-Q3 not applicable, PRJ-IMP-03-Q2 unknown.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from scoring import Answer, ScoreCard, score

from .factories import BLANK, DONT_KNOW, NA, answer, practice, questionnaire

STAGE_OF = {"STD": "standardize", "MEA": "measure", "CTL": "control", "IMP": "improve"}
RESPONDENTS = ("ann", "bob", "carl")

# Each practice's questions: one value (of 20) every respondent gives, or each respondent's.
QUESTIONS: dict[str, list[Any]] = {
    "PRJ-STD-01": [18] * 4,
    "PRJ-STD-02": [17] * 4,
    "PRJ-STD-03": [16] * 4,
    "PRJ-MEA-01": [16] * 4,
    "PRJ-MEA-02": [16, 16, NA],
    "PRJ-MEA-03": [15] * 4,
    "PRJ-CTL-01": [18] * 3,
    "PRJ-CTL-02": [15, (0, 10, 20), (5, 15, BLANK)],
    "PRJ-CTL-03": [20, 20, (0, 10, DONT_KNOW)],
    "PRJ-IMP-01": [16] * 4,
    "PRJ-IMP-02": [10, 10],
    "PRJ-IMP-03": [5, DONT_KNOW],
    "ENB-STR-01": [16] * 4,
    "ENB-STR-02": [10, 10],
    "ENB-STR-03": [10, 10],
}


def worked_example() -> tuple[Any, list[Answer]]:
    """The questionnaire of the example (a program domain beside project) and the answers."""
    practices = [
        practice(
            practice_id,
            *(f"{practice_id}-Q{n}" for n in range(1, len(values) + 1)),
            **(
                {"enabler": "structural"}
                if practice_id.startswith("ENB")
                else {"stage": STAGE_OF[practice_id.split("-")[1]]}
            ),
        )
        for practice_id, values in QUESTIONS.items()
    ]
    practices += [practice(f"PGM-{key}", domain="program", stage=s) for key, s in STAGE_OF.items()]
    example = questionnaire(
        *practices,
        domains=("project", "program"),
        stages=tuple(STAGE_OF.values()),
        enablers=("structural",),
        scale_top=20,
        attainment_threshold=0.75,
        stage_threshold=0.8,
        credit_floor=0.25,
        question_floor=0.5,
        shortfalls_allowed=1,
    )
    given = [
        answer(respondent, f"{practice_id}-Q{n}", each[k] if isinstance(each, tuple) else each)
        for practice_id, values in QUESTIONS.items()
        for n, each in enumerate(values, start=1)
        for k, respondent in enumerate(RESPONDENTS)
    ]
    return example, given


@pytest.fixture(scope="module")
def card() -> ScoreCard:
    example, given = worked_example()
    return score(example, given, scope=["project"])


@pytest.fixture(scope="module")
def written(card: ScoreCard) -> dict[str, Any]:
    """The card's JSON, read back."""
    return json.loads(card.model_dump_json())


def by_id(entries: list[dict[str, Any]], entry_id: str) -> dict[str, Any]:
    return next(entry for entry in entries if entry["id"] == entry_id)


def test_the_head_of_the_card_is_the_examples(written: dict[str, Any]) -> None:
    head = {key: written[key] for key in ("scoring_version", "basis", "indicative", "scope")}
    assert head == {
        "scoring_version": "3",
        "basis": "self",
        "indicative": False,
        "scope": ["project"],
    }


def test_the_parameters_are_the_examples(written: dict[str, Any]) -> None:
    assert written["parameters"] == {
        "attainment_threshold": 0.75,
        "stage_threshold": 0.8,
        "aggregation": "mean",
        "credit_floor": 0.25,
        "question_floor": 0.5,
        "shortfalls_allowed": 1,
    }


def test_respondents_and_completeness_are_the_examples(written: dict[str, Any]) -> None:
    assert written["respondents"] == 3
    assert written["completeness"] == {
        "questions": 48,
        "answered": 46,
        "not_applicable": 1,
        "unknown": 1,
        "unanswered": 0,
        "ratio": 0.9792,
    }


def test_the_overall_figures_are_the_examples(written: dict[str, Any]) -> None:
    assert written["overall"] == {
        "attainment": 0.6667,
        "progress": 0.8194,
        "score": 0.7132,
        "level": 2,
        "level_name": "Measured",
        "index": 3.2778,
        "practices_assessed": 12,
        "practices_attained": 8,
    }


def test_the_project_domain_is_the_examples(written: dict[str, Any]) -> None:
    project = {key: value for key, value in written["domains"][0].items() if key != "stages"}
    assert project == {
        "id": "project",
        "name": "Project",
        "in_scope": True,
        "assessed": True,
        "attainment": 0.6667,
        "progress": 0.8194,
        "score": 0.7132,
        "level": 2,
        "level_name": "Measured",
        "index": 3.2778,
        "practices_assessed": 12,
        "practices_attained": 8,
        "next_level": {
            "level": 3,
            "stage": "control",
            "needed": 2,
            "candidates": ["PRJ-CTL-02", "PRJ-CTL-03"],
        },
    }


def test_the_control_cell_is_the_examples(written: dict[str, Any]) -> None:
    assert by_id(written["domains"][0]["stages"], "control") == {
        "id": "control",
        "practices_assessed": 3,
        "practices_attained": 1,
        "attainment": 0.3333,
        "progress": 0.7778,
        "score": 0.7444,
        "achieved": False,
        "disputed": 0.3333,
    }


def test_every_stages_progress_makes_the_index(written: dict[str, Any]) -> None:
    # 1 + 1 + min(1, 1, 0.7778) + min(1, 1, 0.7778, 0.5) = 3.2778
    stages = written["domains"][0]["stages"]
    assert [(stage["id"], stage["progress"]) for stage in stages] == [
        ("standardize", 1.0),
        ("measure", 1.0),
        ("control", 0.7778),
        ("improve", 0.5),
    ]


def test_the_structural_enabler_is_the_examples(written: dict[str, Any]) -> None:
    assert written["enablers"] == [
        {
            "id": "structural",
            "name": "Structural",
            "practices_assessed": 3,
            "practices_attained": 1,
            "attainment": 0.3333,
            "progress": 0.6667,
            "score": 0.6,
        }
    ]


def test_prj_ctl_03_and_two_of_its_questions_are_the_examples(written: dict[str, Any]) -> None:
    practice_card = by_id(written["best_practices"], "PRJ-CTL-03")
    questions = practice_card.pop("questions")
    assert practice_card == {
        "id": "PRJ-CTL-03",
        "title": "Practice PRJ-CTL-03",
        "domain": "project",
        "stage": "control",
        "enabler": None,
        "assessed": True,
        "score": 0.75,
        "attained": False,
        "credit": 0.6667,
    }
    assert [by_id(questions, "PRJ-CTL-03-Q1"), by_id(questions, "PRJ-CTL-03-Q3")] == [
        {
            "id": "PRJ-CTL-03-Q1",
            "status": "answered",
            "score": 1.0,
            "credit": 1.0,
            "dispersion": 0.0,
            "responses": 3,
        },
        {
            "id": "PRJ-CTL-03-Q3",
            "status": "answered",
            "score": 0.25,
            "credit": 0.0,
            "dispersion": 0.25,
            "responses": 2,
        },
    ]


def test_prj_ctl_02_has_two_shortfalls(written: dict[str, Any]) -> None:
    ctl_02 = by_id(written["best_practices"], "PRJ-CTL-02")
    assert (ctl_02["score"], ctl_02["attained"], ctl_02["credit"]) == (0.5833, False, 0.6667)
    assert [q["score"] for q in ctl_02["questions"]] == [0.75, 0.5, 0.5]


def test_the_improve_practices_are_the_examples(written: dict[str, Any]) -> None:
    improve = [by_id(written["best_practices"], f"PRJ-IMP-0{n}") for n in (1, 2, 3)]
    assert [(p["score"], p["attained"], p["credit"]) for p in improve] == [
        (0.8, True, 1.0),
        (0.5, False, 0.5),
        (0.125, False, 0.0),
    ]
    assert improve[2]["questions"][1]["status"] == "unknown"


def test_the_first_gap_is_the_examples(written: dict[str, Any]) -> None:
    assert written["gaps"][0] == {
        "id": "PRJ-CTL-02",
        "title": "Practice PRJ-CTL-02",
        "domain": "project",
        "stage": "control",
        "enabler": None,
        "score": 0.5833,
        "credit": 0.6667,
    }


def test_the_disagreements_hold_the_examples(written: dict[str, Any]) -> None:
    assert {"id": "PRJ-CTL-03-Q3", "dispersion": 0.25, "responses": 2} in written["disagreements"]
    assert [d["id"] for d in written["disagreements"]] == [
        "PRJ-CTL-02-Q2",
        "PRJ-CTL-02-Q3",
        "PRJ-CTL-03-Q3",
    ]
