"""Write the scoring version "2" fixture cards of `tests/data/cards` and the answers that made them.

Run once, from the project root, with the version "2" code of `scoring` (commit 5118171, before
version "3"): `.venv/bin/python tests/data/cards/make_version_2.py`. It refuses to run under any
other scoring version, so the fixtures stay what version "2" wrote: each `<name>-scoring-v2.json`
holds a card byte for byte as `ScoreCard.model_dump_json()` wrote it (as the database stores
it), and `<name>-scoring-v2.answers.json` the questionnaire, the scope and the answers that made
it. The rescoring tests read both: a stored card rescored must equal, byte for byte, the card
the current version makes of the same answers (scoring.md section 8).

The answers are drawn from a seeded random generator, so running it again gives the same files.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

import questionnaires  # noqa: E402
from questionnaires import BestPractice, Question, Questionnaire  # noqa: E402
from scoring import SCORING_VERSION, Answer, score  # noqa: E402

CARDS = Path(__file__).resolve().parent
DATA = CARDS.parent

# How one respondent answers one question: a scale value, "N/A", or None for a blank.
Answering = Callable[[random.Random, BestPractice, Question], int | str | None]


def load(name: str) -> Questionnaire:
    """A questionnaire file of `tests/data`, or else a built-in one."""
    path = DATA / name
    if not path.exists():
        path = questionnaires.builtin_directory() / name
    return questionnaires.load_file(path).questionnaire


def answered(
    questionnaire: Questionnaire,
    respondents: int,
    answering: Answering,
    *,
    seed: int,
    scope: Collection[str] | None = None,
) -> list[Answer]:
    """Every respondent's answers to every question of the enablers and of `scope`."""
    rng = random.Random(seed)
    answers = []
    for number in range(1, respondents + 1):
        for practice in questionnaire.best_practices:
            if practice.domain is not None and scope is not None and practice.domain not in scope:
                continue
            for question in practice.questions:
                given = answering(rng, practice, question)
                if given == "N/A" and not question.allow_not_applicable:
                    given = None
                respondent = f"r{number}"
                if given == "N/A":
                    answers.append(Answer(respondent, question.id, None, not_applicable=True))
                elif isinstance(given, int):
                    answers.append(Answer(respondent, question.id, given))
                elif rng.random() < 0.5:  # a blank: written, or never written
                    answers.append(Answer(respondent, question.id, None))
    return answers


def mixed(rng: random.Random, _: BestPractice, __: Question) -> int | str | None:
    """Any value, now and then N/A or a blank."""
    draw = rng.random()
    if draw < 0.08:
        return "N/A"
    if draw < 0.14:
        return None
    return rng.randint(0, 4)


def mostly_in_place(rng: random.Random, _: BestPractice, __: Question) -> int | str | None:
    """An organization well on its way: mostly "Largely" and "Fully", some "Partially"."""
    draw = rng.random()
    if draw < 0.04:
        return "N/A"
    if draw < 0.07:
        return None
    return rng.choice([2, 3, 3, 3, 4, 4])


def largely_one_partially(_: random.Random, practice: BestPractice, question: Question) -> int:
    """ "Largely" everywhere, with "Partially" on each practice's first question."""
    return 2 if question is practice.questions[0] else 3


EXAMPLE = {  # tests/scoring/examples.py, the example worked by hand
    "ann": {
        "PRJ-STD-01-Q1": 4,
        "PRJ-STD-01-Q2": 3,
        "PRJ-MEA-01-Q1": 2,
        "PGM-STD-01-Q1": "N/A",
        "PGM-MEA-01-Q1": "N/A",
        "ENB-STR-01-Q1": 4,
    },
    "bob": {
        "PRJ-STD-01-Q1": 2,
        "PRJ-STD-01-Q2": 3,
        "PRJ-MEA-01-Q1": None,
        "PGM-STD-01-Q1": "N/A",
        "ENB-STR-01-Q1": 3,
    },
}


def example_answers() -> list[Answer]:
    return [
        Answer(respondent, question_id, None, not_applicable=True)
        if value == "N/A"
        else Answer(respondent, question_id, value if isinstance(value, int) else None)
        for respondent, by_question in EXAMPLE.items()
        for question_id, value in by_question.items()
    ]


def fixtures() -> list[tuple[str, str, list[Answer], list[str] | None]]:
    """(name, questionnaire file, answers, scope) of every fixture."""
    test_q = load("test-q-1.0.0.yaml")
    full = load("opm3-style-2.0.0.yaml")
    quick = load("opm3-quick-2.0.0.yaml")
    project = ["project"]
    return [
        ("test-q-1.0.0-example", "test-q-1.0.0.yaml", example_answers(), None),
        ("test-q-1.0.0-mixed", "test-q-1.0.0.yaml", answered(test_q, 3, mixed, seed=1), None),
        (
            "test-q-1.0.0-project",
            "test-q-1.0.0.yaml",
            answered(test_q, 3, mostly_in_place, seed=2, scope=project),
            project,
        ),
        ("test-q-1.0.0-nothing", "test-q-1.0.0.yaml", [], None),
        ("opm3-style-2.0.0-mixed", "opm3-style-2.0.0.yaml", answered(full, 4, mixed, seed=3), None),
        (
            "opm3-style-2.0.0-mostly",
            "opm3-style-2.0.0.yaml",
            answered(full, 5, mostly_in_place, seed=4),
            None,
        ),
        (
            "opm3-style-2.0.0-project",
            "opm3-style-2.0.0.yaml",
            answered(full, 3, mostly_in_place, seed=5, scope=project),
            project,
        ),
        (
            "opm3-style-2.0.0-program-portfolio",
            "opm3-style-2.0.0.yaml",
            answered(full, 2, mixed, seed=6, scope=["portfolio", "program"]),
            ["portfolio", "program"],
        ),
        (
            "opm3-style-2.0.0-largely-one-partially",
            "opm3-style-2.0.0.yaml",
            answered(full, 1, largely_one_partially, seed=7),
            None,
        ),
        (
            "opm3-quick-2.0.0-mixed",
            "opm3-quick-2.0.0.yaml",
            answered(quick, 3, mixed, seed=8),
            None,
        ),
    ]


def answers_json(questionnaire_file: str, answers: list[Answer], scope: list[str] | None) -> str:
    """The inputs of a card as JSON, one answer a line."""
    lines = [
        json.dumps(
            {
                "respondent_id": answer.respondent_id,
                "question_id": answer.question_id,
                "value": answer.value,
                "not_applicable": answer.not_applicable,
            }
        )
        for answer in answers
    ]
    head = {"questionnaire_file": questionnaire_file, "scope": scope}
    body = ",\n    ".join(lines)
    opening = json.dumps(head)[:-1]
    if not lines:
        return f'{opening}, "answers": []}}\n'
    return f'{opening}, "answers": [\n    {body}\n]}}\n'


def main() -> None:
    if SCORING_VERSION != "2":
        raise SystemExit(f"the fixtures are version 2's; this code is version {SCORING_VERSION}")
    for name, questionnaire_file, answers, scope in fixtures():
        card = score(load(questionnaire_file), answers, scope)
        (CARDS / f"{name}-scoring-v2.json").write_text(card.model_dump_json(), encoding="utf-8")
        (CARDS / f"{name}-scoring-v2.answers.json").write_text(
            answers_json(questionnaire_file, answers, scope), encoding="utf-8"
        )
        data: dict[str, Any] = json.loads(card.model_dump_json())
        print(name, data["overall"]["level"], data["overall"]["index"], len(answers))


if __name__ == "__main__":
    main()
