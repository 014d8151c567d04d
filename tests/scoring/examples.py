"""The example of the card tests, worked by hand: `tests/data/test-q-1.0.0.yaml` answered by two
respondents, as scoring version "3" scores it, as version "2" stored it (the fixture
`tests/data/cards/test-q-1.0.0-example-scoring-v2.json`, written by that version's code) and as
version "1" stored it.

    question          ann  bob   score                      dispersion  status     credit
    PRJ-STD-01-Q1      4    2    (1.0 + 0.5) / 2 = 0.75      0.25        answered   1
    PRJ-STD-01-Q2 (w2) 3    3    0.75                        0.0         answered   1
    PRJ-MEA-01-Q1      2    -    0.5 (bob left it blank)     0.0         answered   0.6667
    PGM-STD-01-Q1     N/A  N/A   null                        null        not_applicable
    PGM-MEA-01-Q1     N/A   -    null                        null        not_applicable
    ENB-STR-01-Q1      4    3    (1.0 + 0.75) / 2 = 0.875    0.125       answered   1

A question's credit is score / 0.75 below the threshold (credit floor 0 by default), 1 at or
above it: PRJ-MEA-01-Q1 earns 0.5 / 0.75 = 2/3. PRJ-STD-01-Q1 is a disagreement (two responses,
dispersion 0.25).

Best practices (threshold 0.75, question floor 0.5, one shortfall allowed but none with a
single question):
- PRJ-STD-01: both questions at 0.75, no shortfall: attained; score (1 * 0.75 + 2 * 0.75) / 3 =
  0.75, credit 1;
- PRJ-MEA-01: its one question at 0.5 is a shortfall, and a practice of one question may have
  none: not attained; score 0.5, credit 2/3, written 0.6667;
- PGM-STD-01, PGM-MEA-01: every question N/A, not assessed;
- ENB-STR-01: 0.875, attained, credit 1.
Version "2" attained the same practices here (on their mean scores), with the same credits.

Project: standardize holds PRJ-STD-01 (1 of 1 attained: achieved), measure holds PRJ-MEA-01
(0 of 1: not achieved), so level 1 "Standardized"; the index is min(1) + min(1, 2/3) = 1.6667
(version "2" wrote level + measure's progress, the same here; version "1" 1 + its attainment,
0, so 1.0). Standardize is disputed 1 of 2 answered questions (0.5), measure 0 of 1. Project
attainment 1/2 = 0.5, progress (1 + 2/3) / 2 = 0.8333, score (0.75 + 0.5) / 2 = 0.625; the next
level needs 1 of the one candidate, PRJ-MEA-01. Program: nothing assessed, so null figures; its
two cells have no assessed practice, are not achieved (version "1" counted them achieved) and
have no answered question (disputed null). Overall: the project domain's figures, the only
assessed one. Completeness: 6 questions, 4 answered, 2 N/A, none unknown.
"""

from __future__ import annotations

from typing import Any

import questionnaires
from questionnaires import Questionnaire
from scoring import Answer, ScoreCard, score

from ..samples import DATA
from .factories import BLANK, NA, answers


def example_questionnaire() -> Questionnaire:
    """`tests/data/test-q-1.0.0.yaml`: two domains, two stages, one enabler."""
    return questionnaires.load_file(DATA / "test-q-1.0.0.yaml").questionnaire


def example_answers() -> list[Answer]:
    """The answers of the example: ann and bob."""
    return answers(
        {
            "ann": {
                "PRJ-STD-01-Q1": 4,
                "PRJ-STD-01-Q2": 3,
                "PRJ-MEA-01-Q1": 2,
                "PGM-STD-01-Q1": NA,
                "PGM-MEA-01-Q1": NA,
                "ENB-STR-01-Q1": 4,
            },
            "bob": {
                "PRJ-STD-01-Q1": 2,
                "PRJ-STD-01-Q2": 3,
                "PRJ-MEA-01-Q1": BLANK,
                "PGM-STD-01-Q1": NA,
                "ENB-STR-01-Q1": 3,
            },
        }
    )


def example_card() -> ScoreCard:
    """The card of the example, as scoring version "3" makes it."""
    return score(example_questionnaire(), example_answers())


# Section 1 wrote the same questions in versions "1" and "2"; version "3" adds their credit.
QUESTIONS_V2: dict[str, list[dict[str, Any]]] = {
    "PRJ-STD-01": [
        {
            "id": "PRJ-STD-01-Q1",
            "status": "answered",
            "score": 0.75,
            "dispersion": 0.25,
            "responses": 2,
        },
        {
            "id": "PRJ-STD-01-Q2",
            "status": "answered",
            "score": 0.75,
            "dispersion": 0.0,
            "responses": 2,
        },
    ],
    "PRJ-MEA-01": [
        {
            "id": "PRJ-MEA-01-Q1",
            "status": "answered",
            "score": 0.5,
            "dispersion": 0.0,
            "responses": 1,
        }
    ],
    "PGM-STD-01": [
        {
            "id": "PGM-STD-01-Q1",
            "status": "not_applicable",
            "score": None,
            "dispersion": None,
            "responses": 0,
        }
    ],
    "PGM-MEA-01": [
        {
            "id": "PGM-MEA-01-Q1",
            "status": "not_applicable",
            "score": None,
            "dispersion": None,
            "responses": 0,
        }
    ],
    "ENB-STR-01": [
        {
            "id": "ENB-STR-01-Q1",
            "status": "answered",
            "score": 0.875,
            "dispersion": 0.125,
            "responses": 2,
        }
    ],
}
CREDITS = {
    "PRJ-STD-01-Q1": 1.0,
    "PRJ-STD-01-Q2": 1.0,
    "PRJ-MEA-01-Q1": 0.6667,
    "PGM-STD-01-Q1": None,
    "PGM-MEA-01-Q1": None,
    "ENB-STR-01-Q1": 1.0,
}
QUESTIONS: dict[str, list[dict[str, Any]]] = {
    practice_id: [
        {
            "id": question["id"],
            "status": question["status"],
            "score": question["score"],
            "credit": CREDITS[question["id"]],
            "dispersion": question["dispersion"],
            "responses": question["responses"],
        }
        for question in questions
    ]
    for practice_id, questions in QUESTIONS_V2.items()
}

COMPLETENESS_V2 = {
    "questions": 6,
    "answered": 4,
    "not_applicable": 2,
    "unanswered": 0,
    "ratio": 1.0,
}
COMPLETENESS = {
    "questions": 6,
    "answered": 4,
    "not_applicable": 2,
    "unknown": 0,
    "unanswered": 0,
    "ratio": 1.0,
}
DISAGREEMENTS = [{"id": "PRJ-STD-01-Q1", "dispersion": 0.25, "responses": 2}]


# The card of scoring version "3", worked by hand (see the module docstring).
EXAMPLE_CARD: dict[str, Any] = {
    "scoring_version": "3",
    "questionnaire": {"key": "test-q", "version": "1.0.0"},
    "basis": "self",
    "indicative": False,
    "parameters": {
        "attainment_threshold": 0.75,
        "stage_threshold": 0.8,
        "aggregation": "mean",
        "credit_floor": 0.0,
        "question_floor": 0.5,
        "shortfalls_allowed": 1,
    },
    "scope": ["project", "program"],
    "respondents": 2,
    "completeness": COMPLETENESS,
    "overall": {
        "attainment": 0.5,
        "progress": 0.8333,
        "score": 0.625,
        "level": 1,
        "level_name": "Standardized",
        "index": 1.6667,
        "practices_assessed": 2,
        "practices_attained": 1,
    },
    "domains": [
        {
            "id": "project",
            "name": "Project",
            "in_scope": True,
            "assessed": True,
            "attainment": 0.5,
            "progress": 0.8333,
            "score": 0.625,
            "level": 1,
            "level_name": "Standardized",
            "index": 1.6667,
            "practices_assessed": 2,
            "practices_attained": 1,
            "next_level": {
                "level": 2,
                "stage": "measure",
                "needed": 1,
                "candidates": ["PRJ-MEA-01"],
            },
            "stages": [
                {
                    "id": "standardize",
                    "practices_assessed": 1,
                    "practices_attained": 1,
                    "attainment": 1.0,
                    "progress": 1.0,
                    "score": 0.75,
                    "achieved": True,
                    "disputed": 0.5,
                },
                {
                    "id": "measure",
                    "practices_assessed": 1,
                    "practices_attained": 0,
                    "attainment": 0.0,
                    "progress": 0.6667,
                    "score": 0.5,
                    "achieved": False,
                    "disputed": 0.0,
                },
            ],
        },
        {
            "id": "program",
            "name": "Program",
            "in_scope": True,
            "assessed": False,
            "attainment": None,
            "progress": None,
            "score": None,
            "level": None,
            "level_name": None,
            "index": None,
            "practices_assessed": 0,
            "practices_attained": 0,
            "next_level": None,
            "stages": [
                {
                    "id": stage,
                    "practices_assessed": 0,
                    "practices_attained": 0,
                    "attainment": None,
                    "progress": None,
                    "score": None,
                    "achieved": False,
                    "disputed": None,
                }
                for stage in ("standardize", "measure")
            ],
        },
    ],
    "enablers": [
        {
            "id": "structural",
            "name": "Structural",
            "practices_assessed": 1,
            "practices_attained": 1,
            "attainment": 1.0,
            "progress": 1.0,
            "score": 0.875,
        }
    ],
    "best_practices": [
        {
            "id": "PRJ-STD-01",
            "title": "Project method standardized",
            "domain": "project",
            "stage": "standardize",
            "enabler": None,
            "assessed": True,
            "score": 0.75,
            "attained": True,
            "credit": 1.0,
            "questions": QUESTIONS["PRJ-STD-01"],
        },
        {
            "id": "PRJ-MEA-01",
            "title": "Project measures collected",
            "domain": "project",
            "stage": "measure",
            "enabler": None,
            "assessed": True,
            "score": 0.5,
            "attained": False,
            "credit": 0.6667,
            "questions": QUESTIONS["PRJ-MEA-01"],
        },
        {
            "id": "PGM-STD-01",
            "title": "Program method standardized",
            "domain": "program",
            "stage": "standardize",
            "enabler": None,
            "assessed": False,
            "score": None,
            "attained": None,
            "credit": None,
            "questions": QUESTIONS["PGM-STD-01"],
        },
        {
            "id": "PGM-MEA-01",
            "title": "Program benefits measured",
            "domain": "program",
            "stage": "measure",
            "enabler": None,
            "assessed": False,
            "score": None,
            "attained": None,
            "credit": None,
            "questions": QUESTIONS["PGM-MEA-01"],
        },
        {
            "id": "ENB-STR-01",
            "title": "An office owns the method",
            "domain": None,
            "stage": None,
            "enabler": "structural",
            "assessed": True,
            "score": 0.875,
            "attained": True,
            "credit": 1.0,
            "questions": QUESTIONS["ENB-STR-01"],
        },
    ],
    "gaps": [
        {
            "id": "PRJ-MEA-01",
            "title": "Project measures collected",
            "domain": "project",
            "stage": "measure",
            "enabler": None,
            "score": 0.5,
            "credit": 0.6667,
        }
    ],
    "disagreements": DISAGREEMENTS,
}


# The card of scoring version "2" (as tests/data/cards/test-q-1.0.0-example-scoring-v2.json
# holds it, written by that version's code): no credit on questions, no disputed cells.
EXAMPLE_CARD_V2: dict[str, Any] = {
    "scoring_version": "2",
    "questionnaire": {"key": "test-q", "version": "1.0.0"},
    "parameters": {
        "attainment_threshold": 0.75,
        "stage_threshold": 0.8,
        "aggregation": "mean",
        "credit_floor": 0.0,
    },
    "scope": ["project", "program"],
    "respondents": 2,
    "completeness": COMPLETENESS_V2,
    "overall": {
        "attainment": 0.5,
        "progress": 0.8333,
        "score": 0.625,
        "level": 1,
        "level_name": "Standardized",
        "index": 1.6667,
        "practices_assessed": 2,
        "practices_attained": 1,
    },
    "domains": [
        {
            "id": "project",
            "name": "Project",
            "in_scope": True,
            "assessed": True,
            "attainment": 0.5,
            "progress": 0.8333,
            "score": 0.625,
            "level": 1,
            "level_name": "Standardized",
            "index": 1.6667,
            "practices_assessed": 2,
            "practices_attained": 1,
            "next_level": {
                "level": 2,
                "stage": "measure",
                "needed": 1,
                "candidates": ["PRJ-MEA-01"],
            },
            "stages": [
                {
                    "id": "standardize",
                    "practices_assessed": 1,
                    "practices_attained": 1,
                    "attainment": 1.0,
                    "progress": 1.0,
                    "score": 0.75,
                    "achieved": True,
                },
                {
                    "id": "measure",
                    "practices_assessed": 1,
                    "practices_attained": 0,
                    "attainment": 0.0,
                    "progress": 0.6667,
                    "score": 0.5,
                    "achieved": False,
                },
            ],
        },
        {
            "id": "program",
            "name": "Program",
            "in_scope": True,
            "assessed": False,
            "attainment": None,
            "progress": None,
            "score": None,
            "level": None,
            "level_name": None,
            "index": None,
            "practices_assessed": 0,
            "practices_attained": 0,
            "next_level": None,
            "stages": [
                {
                    "id": stage,
                    "practices_assessed": 0,
                    "practices_attained": 0,
                    "attainment": None,
                    "progress": None,
                    "score": None,
                    "achieved": False,
                }
                for stage in ("standardize", "measure")
            ],
        },
    ],
    "enablers": [
        {
            "id": "structural",
            "name": "Structural",
            "practices_assessed": 1,
            "practices_attained": 1,
            "attainment": 1.0,
            "progress": 1.0,
            "score": 0.875,
        }
    ],
    "best_practices": [
        {
            "id": "PRJ-STD-01",
            "title": "Project method standardized",
            "domain": "project",
            "stage": "standardize",
            "enabler": None,
            "assessed": True,
            "score": 0.75,
            "attained": True,
            "credit": 1.0,
            "questions": QUESTIONS_V2["PRJ-STD-01"],
        },
        {
            "id": "PRJ-MEA-01",
            "title": "Project measures collected",
            "domain": "project",
            "stage": "measure",
            "enabler": None,
            "assessed": True,
            "score": 0.5,
            "attained": False,
            "credit": 0.6667,
            "questions": QUESTIONS_V2["PRJ-MEA-01"],
        },
        {
            "id": "PGM-STD-01",
            "title": "Program method standardized",
            "domain": "program",
            "stage": "standardize",
            "enabler": None,
            "assessed": False,
            "score": None,
            "attained": None,
            "credit": None,
            "questions": QUESTIONS_V2["PGM-STD-01"],
        },
        {
            "id": "PGM-MEA-01",
            "title": "Program benefits measured",
            "domain": "program",
            "stage": "measure",
            "enabler": None,
            "assessed": False,
            "score": None,
            "attained": None,
            "credit": None,
            "questions": QUESTIONS_V2["PGM-MEA-01"],
        },
        {
            "id": "ENB-STR-01",
            "title": "An office owns the method",
            "domain": None,
            "stage": None,
            "enabler": "structural",
            "assessed": True,
            "score": 0.875,
            "attained": True,
            "credit": 1.0,
            "questions": QUESTIONS_V2["ENB-STR-01"],
        },
    ],
    "gaps": [
        {
            "id": "PRJ-MEA-01",
            "title": "Project measures collected",
            "domain": "project",
            "stage": "measure",
            "enabler": None,
            "score": 0.5,
            "credit": 0.6667,
        }
    ],
    "disagreements": DISAGREEMENTS,
}


# The same answers as scoring version "1" stored them (scoring.md, last section): no credit,
# progress, scope, in_scope or credit_floor; the index adds the next cell's attainment; a cell
# with no assessed practice was achieved.
EXAMPLE_CARD_V1: dict[str, Any] = {
    "scoring_version": "1",
    "questionnaire": {"key": "test-q", "version": "1.0.0"},
    "parameters": {"attainment_threshold": 0.75, "stage_threshold": 0.8, "aggregation": "mean"},
    "respondents": 2,
    "completeness": COMPLETENESS_V2,
    "overall": {
        "attainment": 0.5,
        "score": 0.625,
        "level": 1,
        "level_name": "Standardized",
        "index": 1.0,
        "practices_assessed": 2,
        "practices_attained": 1,
    },
    "domains": [
        {
            "id": "project",
            "name": "Project",
            "assessed": True,
            "attainment": 0.5,
            "score": 0.625,
            "level": 1,
            "level_name": "Standardized",
            "index": 1.0,
            "practices_assessed": 2,
            "practices_attained": 1,
            "next_level": {
                "level": 2,
                "stage": "measure",
                "needed": 1,
                "candidates": ["PRJ-MEA-01"],
            },
            "stages": [
                {
                    "id": "standardize",
                    "practices_assessed": 1,
                    "practices_attained": 1,
                    "attainment": 1.0,
                    "score": 0.75,
                    "achieved": True,
                },
                {
                    "id": "measure",
                    "practices_assessed": 1,
                    "practices_attained": 0,
                    "attainment": 0.0,
                    "score": 0.5,
                    "achieved": False,
                },
            ],
        },
        {
            "id": "program",
            "name": "Program",
            "assessed": False,
            "attainment": None,
            "score": None,
            "level": None,
            "level_name": None,
            "index": None,
            "practices_assessed": 0,
            "practices_attained": 0,
            "next_level": None,
            "stages": [
                {
                    "id": stage,
                    "practices_assessed": 0,
                    "practices_attained": 0,
                    "attainment": None,
                    "score": None,
                    "achieved": True,
                }
                for stage in ("standardize", "measure")
            ],
        },
    ],
    "enablers": [
        {
            "id": "structural",
            "name": "Structural",
            "practices_assessed": 1,
            "practices_attained": 1,
            "attainment": 1.0,
            "score": 0.875,
        }
    ],
    "best_practices": [
        {
            "id": "PRJ-STD-01",
            "title": "Project method standardized",
            "domain": "project",
            "stage": "standardize",
            "enabler": None,
            "assessed": True,
            "score": 0.75,
            "attained": True,
            "questions": QUESTIONS_V2["PRJ-STD-01"],
        },
        {
            "id": "PRJ-MEA-01",
            "title": "Project measures collected",
            "domain": "project",
            "stage": "measure",
            "enabler": None,
            "assessed": True,
            "score": 0.5,
            "attained": False,
            "questions": QUESTIONS_V2["PRJ-MEA-01"],
        },
        {
            "id": "PGM-STD-01",
            "title": "Program method standardized",
            "domain": "program",
            "stage": "standardize",
            "enabler": None,
            "assessed": False,
            "score": None,
            "attained": None,
            "questions": QUESTIONS_V2["PGM-STD-01"],
        },
        {
            "id": "PGM-MEA-01",
            "title": "Program benefits measured",
            "domain": "program",
            "stage": "measure",
            "enabler": None,
            "assessed": False,
            "score": None,
            "attained": None,
            "questions": QUESTIONS_V2["PGM-MEA-01"],
        },
        {
            "id": "ENB-STR-01",
            "title": "An office owns the method",
            "domain": None,
            "stage": None,
            "enabler": "structural",
            "assessed": True,
            "score": 0.875,
            "attained": True,
            "questions": QUESTIONS_V2["ENB-STR-01"],
        },
    ],
    "gaps": [
        {
            "id": "PRJ-MEA-01",
            "title": "Project measures collected",
            "domain": "project",
            "stage": "measure",
            "enabler": None,
            "score": 0.5,
        }
    ],
    "disagreements": DISAGREEMENTS,
}
