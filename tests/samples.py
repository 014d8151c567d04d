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
