"""The version "2" cards the version "2" code wrote, with the answers that made them.

`tests/data/cards/<name>-scoring-v2.json` holds a card byte for byte as stored;
`<name>-scoring-v2.answers.json` the questionnaire file, the scope and the answers
(`tests/data/cards/make_version_2.py` wrote both).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import NamedTuple

import questionnaires
from questionnaires import Questionnaire
from scoring import Answer

from ..samples import DATA

CARDS = DATA / "cards"


class StoredCard(NamedTuple):
    """A stored version "2" card and what made it."""

    name: str
    text: str  # the card's JSON, as stored
    questionnaire: Questionnaire
    answers: list[Answer]
    scope: list[str] | None


@cache
def load_questionnaire(file_name: str) -> Questionnaire:
    """A questionnaire file of `tests/data`, or else a built-in one."""
    path = DATA / file_name
    if not path.exists():
        path = questionnaires.builtin_directory() / file_name
    return questionnaires.load_file(path).questionnaire


def stored_card(name: str) -> StoredCard:
    """The stored version "2" card `name` (`<name>-scoring-v2.json`) and its inputs."""
    inputs = json.loads((CARDS / f"{name}-scoring-v2.answers.json").read_text(encoding="utf-8"))
    return StoredCard(
        name=name,
        text=(CARDS / f"{name}-scoring-v2.json").read_text(encoding="utf-8"),
        questionnaire=load_questionnaire(inputs["questionnaire_file"]),
        answers=[
            Answer(
                answer["respondent_id"],
                answer["question_id"],
                answer["value"],
                not_applicable=answer["not_applicable"],
            )
            for answer in inputs["answers"]
        ],
        scope=inputs["scope"],
    )


STORED_VERSION_2 = sorted(
    path.name.removesuffix("-scoring-v2.json") for path in Path(CARDS).glob("*-scoring-v2.json")
)
