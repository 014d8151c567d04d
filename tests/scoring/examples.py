"""The example of the card tests, worked by hand: `tests/data/test-q-1.0.0.yaml` answered by two
respondents, as scoring version "2" scores it today and as version "1" stored it.

    question          ann  bob   score                      dispersion  status
    PRJ-STD-01-Q1      4    2    (1.0 + 0.5) / 2 = 0.75      0.25        answered
    PRJ-STD-01-Q2 (w2) 3    3    0.75                        0.0         answered
    PRJ-MEA-01-Q1      2    -    0.5 (bob left it blank)     0.0         answered
    PGM-STD-01-Q1     N/A  N/A   null                        null        not_applicable
    PGM-MEA-01-Q1     N/A   -    null                        null        not_applicable
    ENB-STR-01-Q1      4    3    (1.0 + 0.75) / 2 = 0.875    0.125       answered

Best practices (threshold 0.75, credit floor 0 by default):
- PRJ-STD-01: (1 * 0.75 + 2 * 0.75) / 3 = 0.75, attained (0.75 >= 0.75), credit 1;
- PRJ-MEA-01: 0.5, not attained, credit 0.5 / 0.75 = 2/3, written 0.6667;
- PGM-STD-01, PGM-MEA-01: every question N/A, not assessed;
- ENB-STR-01: 0.875, attained, credit 1.

Project: standardize holds PRJ-STD-01 (1 of 1 attained: achieved), measure holds PRJ-MEA-01
(0 of 1: not achieved), so level 1 "Standardized"; the index is 1 + the progress of measure,
1 + 2/3 = 1.6667 (version "1": 1 + its attainment, 0, so 1.0). Project attainment 1/2 = 0.5,
progress (1 + 2/3) / 2 = 0.8333, score (0.75 + 0.5) / 2 = 0.625; the next level needs 1 of the
one candidate, PRJ-MEA-01. Program: nothing assessed, so null figures; its two cells have no
assessed practice and are not achieved (version "1" counted them achieved). Overall: the
project domain's figures, the only assessed one. Completeness: 6 questions, 4 answered, 2 N/A.
"""

from __future__ import annotations

from typing import Any

import questionnaires
from questionnaires import Questionnaire
from scoring import ScoreCard, score

from ..samples import DATA
from .factories import BLANK, NA, answers


def example_questionnaire() -> Questionnaire:
    """`tests/data/test-q-1.0.0.yaml`: two domains, two stages, one enabler."""
    return questionnaires.load_file(DATA / "test-q-1.0.0.yaml").questionnaire


def example_card() -> ScoreCard:
    """The card of the example, as scoring version "2" makes it."""
    return score(
        example_questionnaire(),
        answers(
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
        ),
    )


# Section 1 did not change between the versions: the questions read alike in both cards.
QUESTIONS: dict[str, list[dict[str, Any]]] = {
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

COMPLETENESS = {"questions": 6, "answered": 4, "not_applicable": 2, "unanswered": 0, "ratio": 1.0}
DISAGREEMENTS = [{"id": "PRJ-STD-01-Q1", "dispersion": 0.25, "responses": 2}]


# The card of scoring version "2", worked by hand (see the module docstring).
EXAMPLE_CARD: dict[str, Any] = {
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


# The same answers as scoring version "1" stored them (scoring.md, last section): no credit,
# progress, scope, in_scope or credit_floor; the index adds the next cell's attainment; a cell
# with no assessed practice was achieved.
EXAMPLE_CARD_V1: dict[str, Any] = {
    "scoring_version": "1",
    "questionnaire": {"key": "test-q", "version": "1.0.0"},
    "parameters": {"attainment_threshold": 0.75, "stage_threshold": 0.8, "aggregation": "mean"},
    "respondents": 2,
    "completeness": COMPLETENESS,
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
        }
    ],
    "disagreements": DISAGREEMENTS,
}
