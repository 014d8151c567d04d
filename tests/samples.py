"""Sample questionnaires under `tests/data`, shared by the scoring, questionnaire and API tests."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
GOOD = DATA / "test-q-1.0.0.yaml"

# Questions of `test-q` 1.0.0 spread over two domains, two stages and an enabler: what the
# concurrency and statement-count tests write.
TEST_Q_QUESTIONS = [
    "PRJ-STD-01-Q1",
    "PRJ-STD-01-Q2",
    "PRJ-MEA-01-Q1",
    "PGM-STD-01-Q1",
    "PGM-MEA-01-Q1",
    "ENB-STR-01-Q1",
]

# A questionnaire file with a problem in nearly every field.

BROKEN = """\
key: Bad Key
version: "1.0"
title: Broken
colour: blue
scale:
  options:
    - {value: 0, label: Never}
    - {value: 2, label: Always}
scoring: {attainment_threshold: 1.5, aggregation: mode}
domains: [{id: project, name: Project}]
stages: [{id: standardize, name: Standardize, level_name: Standardized}]
best_practices:
  - id: PRJ-STD-01
    domain: project
    stage: standardize
    title: T
    questions: [{id: Q1, text: A question., weight: -1}]
"""

# A short form of `test-q` 1.0.0 that keeps its promise (`questionnaire-format.md`, "Short
# forms"): every cell and the enabler, one question fewer, other titles, help and weights.
SHORT_FORM = """\
key: test-q-short
version: "1.0.0"
title: Test questionnaire, short form
subset_of: {key: test-q, version: "1.0.0"}
scale:
  options:
    - {value: 0, label: Not yet}
    - {value: 1, label: Started}
    - {value: 2, label: Partly}
    - {value: 3, label: Mostly}
    - {value: 4, label: Fully}
domains:
  - {id: project, name: Project}
  - {id: program, name: Program}
stages:
  - {id: standardize, name: Standardize, level_name: Standardized}
  - {id: measure, name: Measure, level_name: Measured}
enablers:
  - {id: structural, name: Structural}
best_practices:
  - id: PRJ-STD-01
    domain: project
    stage: standardize
    title: A project method
    questions:
      - {id: PRJ-STD-01-Q2, text: Projects follow the method., help: Look at plans.}
  - id: PRJ-MEA-01
    domain: project
    stage: measure
    title: Project measures
    questions:
      - {id: PRJ-MEA-01-Q1, text: Schedule variance is recorded., weight: 3}
  - id: PGM-STD-01
    domain: program
    stage: standardize
    title: Program method
    questions:
      - {id: PGM-STD-01-Q1, text: Programs follow a documented method., allow_not_applicable: true}
  - id: PGM-MEA-01
    domain: program
    stage: measure
    title: Program benefits
    questions:
      - {id: PGM-MEA-01-Q1, text: Benefits are measured., allow_not_applicable: true}
  - id: ENB-STR-01
    enabler: structural
    title: An office
    questions:
      - {id: ENB-STR-01-Q1, text: A named office owns the method.}
"""
