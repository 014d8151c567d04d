"""Forms of the pages read into the use cases' inputs, and their errors put back by field.

An answers form names each field after its question: `value:<id>` (a scale value, `na`, `dk`, or
empty), `comment:<id>`, `evidence:<id>` (one entry a line), with `question` listing the section's
question ids, so that a question left blank is saved blank (an item replaces the whole answer,
as in `PATCH .../answers`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import ValidationError
from starlette.datastructures import FormData

from api.core.errors import AppError, Invalid, field_problem
from api.schemas import AnswerItem, Input
from api.storage.tables import AnswerRow

__all__ = [
    "DONT_KNOW",
    "FORM_INTEGER",
    "NOT_APPLICABLE",
    "FieldErrors",
    "TypedAnswer",
    "answer_items",
    "errors_by_field",
    "errors_by_question",
    "form_integer",
    "text_of",
    "typed_answers",
    "typed_from_saved",
    "validated",
]

NOT_APPLICABLE = "na"
DONT_KNOW = "dk"
# An integer as a form writes one: ASCII digits only. `str.isdigit()` also takes "²" and other
# digits `int()` refuses, and `int()` refuses more than 4,300 digits: both were a 500.
FORM_INTEGER = re.compile(r"[0-9]{1,9}")
_InputModel = TypeVar("_InputModel", bound=Input)


@dataclass
class TypedAnswer:
    """An answer as the form shows it: what was saved, or what was just typed."""

    value: str = ""  # "0".."4", "na" or ""
    comment: str = ""
    evidence: str = ""  # one entry a line


def text_of(form: FormData | None, name: str) -> str:
    value = form.get(name) if form is not None else None
    return value if isinstance(value, str) else ""


def form_integer(text: str) -> int | str:
    """The integer a form field holds, or the text as typed for the request model to refuse.

    The request models take `StrictInt`: a text they are given answers 422 naming the field,
    as the JSON API answers a string where a number belongs.
    """
    stripped = text.strip()
    return int(stripped) if FORM_INTEGER.fullmatch(stripped) else stripped


def typed_answers(form: FormData, question_ids: list[str]) -> dict[str, TypedAnswer]:
    return {
        question_id: TypedAnswer(
            value=text_of(form, f"value:{question_id}"),
            comment=text_of(form, f"comment:{question_id}"),
            evidence=text_of(form, f"evidence:{question_id}"),
        )
        for question_id in question_ids
    }


def typed_from_saved(answers: dict[str, AnswerRow]) -> dict[str, TypedAnswer]:
    return {
        question_id: TypedAnswer(
            value=(
                NOT_APPLICABLE
                if row.not_applicable
                else DONT_KNOW
                if row.dont_know
                else ("" if row.value is None else str(row.value))
            ),
            comment=row.comment or "",
            evidence="\n".join(row.evidence),
        )
        for question_id, row in answers.items()
    }


def answer_items(typed: dict[str, TypedAnswer]) -> list[AnswerItem]:
    """The answer items of the form; 422 (`Invalid`) naming each item that cannot be one."""
    items: list[AnswerItem] = []
    problems: list[dict[str, Any]] = []
    for index, (question_id, answer) in enumerate(typed.items()):
        value: int | None = None
        if answer.value not in ("", NOT_APPLICABLE, DONT_KNOW):
            if not FORM_INTEGER.fullmatch(answer.value):
                problems.append(
                    field_problem(
                        f"answers.{index}.value",
                        "choose one of the options",
                        question_id=question_id,
                    )
                )
                continue
            value = int(answer.value)
        evidence = [line.strip() for line in answer.evidence.splitlines() if line.strip()]
        try:
            items.append(
                AnswerItem(
                    question_id=question_id,
                    value=value,
                    not_applicable=answer.value == NOT_APPLICABLE,
                    dont_know=answer.value == DONT_KNOW,
                    comment=answer.comment.strip() or None,
                    evidence=evidence,
                )
            )
        except ValidationError as wrong:
            for error in wrong.errors():
                part = str(error["loc"][0]) if error["loc"] else "comment"
                problems.append(
                    field_problem(f"answers.{index}.{part}", error["msg"], question_id=question_id)
                )
    if problems:
        raise Invalid(f"{len(problems)} answer(s) cannot be saved.", errors=problems)
    return items


def validated(model: type[_InputModel], fields: dict[str, Any]) -> _InputModel:
    """A form's fields read by the JSON API's request model: one validation for both edges.

    422 (`Invalid`) naming each field the model refuses, as the JSON API would.
    """
    try:
        return model.model_validate(fields)
    except ValidationError as wrong:
        problems = [
            field_problem(".".join(str(part) for part in error["loc"]) or "body", error["msg"])
            for error in wrong.errors()
        ]
        raise Invalid(
            f"Invalid: {', '.join(p['field'] for p in problems)}.", errors=problems
        ) from None


def errors_by_question(error: AppError) -> dict[str, dict[str, str]]:
    """The messages of an answers error by question id, then by part (value, comment, evidence)."""
    found: dict[str, dict[str, str]] = {}
    for problem in error.errors:
        question_id = problem.get("question_id")
        if not question_id:
            continue
        parts = str(problem.get("field", "")).split(".")
        part = parts[2] if len(parts) > 2 else "value"
        if part in ("not_applicable", "dont_know"):
            part = "value"
        messages = found.setdefault(question_id, {})
        messages[part] = "; ".join(filter(None, [messages.get(part), problem["message"]]))
    return found


@dataclass
class FieldErrors:
    by_field: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)


def errors_by_field(error: AppError) -> FieldErrors:
    """The messages of a use case's error by the top field they name (`scope`, `title`, ...)."""
    found = FieldErrors()
    for problem in error.errors:
        name = str(problem.get("field", "")).split(".")[0]
        if name:
            found.by_field[name] = "; ".join(
                filter(None, [found.by_field.get(name), problem["message"]])
            )
    if not found.by_field:
        found.general.append(error.detail)
    return found
