"""The short-form promise (`questionnaire-format.md`, "Short forms"): `short_form_problems`."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from questionnaires import Questionnaire, load_file, short_form_problems

from ..samples import GOOD, SHORT_FORM

FULL = load_file(GOOD).questionnaire


def _short_form(edit: Any = None) -> Questionnaire:
    data = yaml.safe_load(SHORT_FORM)
    if edit is not None:
        edit(data)
    return Questionnaire.model_validate(data)


def _messages(short_form: Questionnaire) -> list[str]:
    return [f"{where}: {message}" for where, message in short_form_problems(short_form, FULL)]


def _practice(data: dict[str, Any], practice_id: str) -> dict[str, Any]:
    [practice] = [bp for bp in data["best_practices"] if bp["id"] == practice_id]
    return practice


def test_a_short_form_that_keeps_its_promise_has_no_problem() -> None:
    assert _messages(_short_form()) == []


def test_titles_help_weights_and_scale_labels_may_differ() -> None:
    short_form = _short_form()
    assert (
        short_form.best_practice_by_id["PRJ-STD-01"].title
        != FULL.best_practice_by_id["PRJ-STD-01"].title
    )
    assert short_form.questions["PRJ-MEA-01-Q1"].weight != FULL.questions["PRJ-MEA-01-Q1"].weight
    assert short_form_problems(short_form, FULL) == []


def test_a_questionnaire_without_subset_of_is_not_a_short_form() -> None:
    short_form = _short_form(lambda data: data.pop("subset_of"))
    assert _messages(short_form) == [
        "subset_of: the questionnaire names no full questionnaire, not test-q 1.0.0"
    ]


@pytest.mark.parametrize(
    "promise", [{"key": "test-q", "version": "1.10.0"}, {"key": "other", "version": "1.0.0"}]
)
def test_a_short_form_checked_against_another_key_or_version_is_refused(
    promise: dict[str, str],
) -> None:
    short_form = _short_form(lambda data: data.update(subset_of=promise))
    [message] = _messages(short_form)
    assert message.startswith("subset_of: names ")
    assert "checked against test-q 1.0.0" in message


def test_other_scale_values_break_the_promise() -> None:
    short_form = _short_form(lambda data: data["scale"]["options"].pop())
    [message] = _messages(short_form)
    assert message.startswith("scale.options: values [0, 1, 2, 3] differ")


def test_a_best_practice_missing_from_the_full_questionnaire_is_named() -> None:
    def rename(data: dict[str, Any]) -> None:
        _practice(data, "PRJ-MEA-01")["id"] = "PRJ-MEA-09"

    assert _messages(_short_form(rename)) == [
        "best_practices.1.id: best practice 'PRJ-MEA-09' is not in test-q 1.0.0",
        "best_practices.1.questions.0.id: question 'PRJ-MEA-01-Q1' belongs to best practice "
        "'PRJ-MEA-09' here but to 'PRJ-MEA-01' in test-q 1.0.0",
    ]


def test_a_question_missing_from_the_full_questionnaire_is_named() -> None:
    def add(data: dict[str, Any]) -> None:
        _practice(data, "PRJ-STD-01")["questions"].append({"id": "PRJ-STD-01-Q9", "text": "New."})

    assert _messages(_short_form(add)) == [
        "best_practices.0.questions.1.id: question 'PRJ-STD-01-Q9' is not in test-q 1.0.0"
    ]


def test_a_best_practice_in_another_cell_is_named() -> None:
    def move(data: dict[str, Any]) -> None:
        _practice(data, "PRJ-MEA-01")["stage"] = "standardize"
        _practice(data, "PRJ-STD-01")["stage"] = "measure"

    messages = _messages(_short_form(move))
    assert len(messages) == 2
    assert messages[0] == (
        "best_practices.0: best practice 'PRJ-STD-01' is in domain 'project', stage 'measure' "
        "here but in domain 'project', stage 'standardize' in test-q 1.0.0"
    )
    assert "'PRJ-MEA-01'" in messages[1]


def test_a_best_practice_swapped_between_a_cell_and_an_enabler_is_named() -> None:
    def swap(data: dict[str, Any]) -> None:
        _practice(data, "PGM-MEA-01").update(domain=None, stage=None, enabler="structural")
        _practice(data, "ENB-STR-01").update(domain="program", stage="measure", enabler=None)

    assert _messages(_short_form(swap)) == [
        "best_practices.3: best practice 'PGM-MEA-01' is in enabler 'structural' here but in "
        "domain 'program', stage 'measure' in test-q 1.0.0",
        "best_practices.4: best practice 'ENB-STR-01' is in domain 'program', stage 'measure' "
        "here but in enabler 'structural' in test-q 1.0.0",
    ]


def test_a_question_under_another_best_practice_is_named() -> None:
    def move(data: dict[str, Any]) -> None:
        question = {"id": "PRJ-STD-01-Q1", "text": "A documented method exists."}
        _practice(data, "PRJ-MEA-01")["questions"].append(question)

    assert _messages(_short_form(move)) == [
        "best_practices.1.questions.1.id: question 'PRJ-STD-01-Q1' belongs to best practice "
        "'PRJ-MEA-01' here but to 'PRJ-STD-01' in test-q 1.0.0"
    ]


def test_another_question_text_breaks_the_promise() -> None:
    def reword(data: dict[str, Any]) -> None:
        _practice(data, "ENB-STR-01")["questions"][0]["text"] = "An office owns the method."

    assert _messages(_short_form(reword)) == [
        "best_practices.4.questions.0.text: question 'ENB-STR-01-Q1' has another text than in "
        "test-q 1.0.0"
    ]


def test_another_allow_not_applicable_breaks_the_promise() -> None:
    def refuse_na(data: dict[str, Any]) -> None:
        _practice(data, "PGM-MEA-01")["questions"][0]["allow_not_applicable"] = False

    assert _messages(_short_form(refuse_na)) == [
        "best_practices.3.questions.0.allow_not_applicable: question 'PGM-MEA-01-Q1' has "
        "allow_not_applicable false but true in test-q 1.0.0"
    ]


def test_every_broken_promise_is_reported_in_one_call() -> None:
    def break_all(data: dict[str, Any]) -> None:
        data["subset_of"]["version"] = "1.9.0"
        _practice(data, "PRJ-MEA-01")["questions"][0]["text"] = "Cost variance is recorded."
        _practice(data, "PGM-MEA-01")["questions"][0]["allow_not_applicable"] = False
        _practice(data, "PRJ-STD-01")["questions"][0]["id"] = "PRJ-STD-01-Q7"

    where = [where for where, _ in short_form_problems(_short_form(break_all), FULL)]
    assert where == [
        "subset_of",
        "best_practices.0.questions.0.id",
        "best_practices.1.questions.0.text",
        "best_practices.3.questions.0.allow_not_applicable",
    ]
