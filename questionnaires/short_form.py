"""The short-form promise (`questionnaire-format.md`, "Short forms").

A questionnaire that names `subset_of: {key, version}` promises that each of its best practice
ids and question ids exists in that version of the full questionnaire, in the same place, with
the same wording, and that both share the scale values. Keeping that promise is what lets a
quick scan's results compare with the full assessment's on shared ids and seed one.
"""

from __future__ import annotations

from collections.abc import Iterator

from questionnaires.model import BestPractice, Questionnaire

__all__ = ["short_form_problems"]


def short_form_problems(short_form: Questionnaire, full: Questionnaire) -> list[tuple[str, str]]:
    """Return every broken promise of `short_form` toward `full`, as `(path, message)` pairs.

    The rule (`questionnaire-format.md`, "Short forms"): `short_form.subset_of` names `full`'s
    key and version; both scales have the same values; each best practice of the short form is
    a best practice of `full` with the same domain and stage, or the same enabler; each question
    is a question of the same best practice in `full`, with the same text and the same
    `allow_not_applicable`. Titles, descriptions, help texts and weights may differ. Paths are
    inside the short form's file; each message names the id concerned. An empty list means the
    promise holds.
    """
    return list(_problems(short_form, full))


def _problems(short_form: Questionnaire, full: Questionnaire) -> Iterator[tuple[str, str]]:
    full_name = f"{full.key} {full.version}"
    promise = short_form.subset_of
    if promise is None:
        yield "subset_of", f"the questionnaire names no full questionnaire, not {full_name}"
    elif (promise.key, promise.version) != (full.key, full.version):
        yield (
            "subset_of",
            f"names {promise.key} {promise.version} but was checked against {full_name}",
        )

    short_values = [option.value for option in short_form.scale.options]
    full_values = [option.value for option in full.scale.options]
    if short_values != full_values:
        yield "scale.options", f"values {short_values} differ from {full_name}'s {full_values}"

    owner = {q.id: bp for bp in full.best_practices for q in bp.questions}
    for index, practice in enumerate(short_form.best_practices):
        path = f"best_practices.{index}"
        counterpart = full.best_practice_by_id.get(practice.id)
        if counterpart is None:
            yield f"{path}.id", f"best practice {practice.id!r} is not in {full_name}"
        elif _placement(practice) != _placement(counterpart):
            yield (
                path,
                f"best practice {practice.id!r} is in {_placement(practice)} here but in "
                f"{_placement(counterpart)} in {full_name}",
            )
        for q_index, question in enumerate(practice.questions):
            q_path = f"{path}.questions.{q_index}"
            full_question = full.questions.get(question.id)
            if full_question is None:
                yield f"{q_path}.id", f"question {question.id!r} is not in {full_name}"
                continue
            if owner[question.id].id != practice.id:
                yield (
                    f"{q_path}.id",
                    f"question {question.id!r} belongs to best practice {practice.id!r} here but "
                    f"to {owner[question.id].id!r} in {full_name}",
                )
            if question.text != full_question.text:
                yield (
                    f"{q_path}.text",
                    f"question {question.id!r} has another text than in {full_name}",
                )
            if question.allow_not_applicable != full_question.allow_not_applicable:
                yield (
                    f"{q_path}.allow_not_applicable",
                    f"question {question.id!r} has allow_not_applicable "
                    f"{str(question.allow_not_applicable).lower()} but "
                    f"{str(full_question.allow_not_applicable).lower()} in {full_name}",
                )


def _placement(practice: BestPractice) -> str:
    if practice.enabler is not None:
        return f"enabler {practice.enabler!r}"
    return f"domain {practice.domain!r}, stage {practice.stage!r}"
