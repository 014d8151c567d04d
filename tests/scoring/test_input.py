"""scoring.md section 0: `score` refuses answers that do not fit the questionnaire."""

from __future__ import annotations

import pytest

from scoring import Answer, InvalidAnswersError, score

from .factories import BLANK, DONT_KNOW, NA, answers, practice, question, questionnaire

QUESTIONNAIRE = questionnaire(
    practice("P1", question("P1-Q1"), question("P1-Q2", allow_not_applicable=True))
)


def test_unknown_question_id_raises_naming_it() -> None:
    with pytest.raises(ValueError, match=r"unknown question id 'P9-Q1'.*respondent 'ann'"):
        score(QUESTIONNAIRE, answers({"ann": {"P9-Q1": 2}}))


def test_value_above_the_scale_raises_naming_value_question_and_respondent() -> None:
    with pytest.raises(ValueError, match=r"value 5 is off the scale 0\.\.4.*'ann'.*'P1-Q1'"):
        score(QUESTIONNAIRE, answers({"ann": {"P1-Q1": 5}}))


def test_negative_value_raises() -> None:
    with pytest.raises(ValueError, match=r"value -1 is off the scale"):
        score(QUESTIONNAIRE, answers({"ann": {"P1-Q1": -1}}))


@pytest.mark.parametrize("value", [2.5, 2.0])
def test_value_that_is_not_an_integer_raises(value: float) -> None:
    with pytest.raises(ValueError, match=rf"value {value} is off the scale"):
        score(QUESTIONNAIRE, [Answer("ann", "P1-Q1", value)])  # type: ignore[arg-type]


def test_value_together_with_not_applicable_raises() -> None:
    with pytest.raises(ValueError, match=r"value 3 given together with not_applicable"):
        score(QUESTIONNAIRE, [Answer("ann", "P1-Q2", 3, not_applicable=True)])


def test_value_together_with_dont_know_raises() -> None:
    with pytest.raises(InvalidAnswersError, match=r"value 3 given together with dont_know"):
        score(QUESTIONNAIRE, [Answer("ann", "P1-Q1", 3, dont_know=True)])


def test_not_applicable_together_with_dont_know_raises() -> None:
    marked_twice = Answer("ann", "P1-Q2", None, not_applicable=True, dont_know=True)
    with pytest.raises(InvalidAnswersError, match=r"not_applicable given together with dont_know"):
        score(QUESTIONNAIRE, [marked_twice])


def test_value_not_applicable_and_dont_know_together_raise() -> None:
    everything = Answer("ann", "P1-Q2", 2, not_applicable=True, dont_know=True)
    with pytest.raises(
        InvalidAnswersError, match=r"value 2 given together with not_applicable and dont_know"
    ):
        score(QUESTIONNAIRE, [everything])


def test_dont_know_is_allowed_on_a_question_that_refuses_not_applicable() -> None:
    card = score(QUESTIONNAIRE, answers({"ann": {"P1-Q1": DONT_KNOW}}))
    assert card.best_practices[0].questions[0].status == "unknown"


def test_dont_know_and_a_value_of_one_respondent_to_one_question_raise() -> None:
    twice = [Answer("ann", "P1-Q1", None, dont_know=True), Answer("ann", "P1-Q1", 3)]
    with pytest.raises(ValueError, match=r"respondent 'ann' answered question 'P1-Q1' 2 times"):
        score(QUESTIONNAIRE, twice)


def test_not_applicable_on_a_question_that_refuses_it_raises() -> None:
    with pytest.raises(ValueError, match=r"question 'P1-Q1' does not allow not_applicable"):
        score(QUESTIONNAIRE, answers({"ann": {"P1-Q1": NA}}))


def test_two_answers_of_one_respondent_to_one_question_raise() -> None:
    twice = [Answer("ann", "P1-Q1", 1), Answer("ann", "P1-Q1", 3)]
    with pytest.raises(ValueError, match=r"respondent 'ann' answered question 'P1-Q1' 2 times"):
        score(QUESTIONNAIRE, twice)


def test_a_blank_and_a_value_of_one_respondent_to_one_question_raise() -> None:
    twice = [Answer("ann", "P1-Q1", None), Answer("ann", "P1-Q1", 3)]
    with pytest.raises(ValueError, match=r"respondent 'ann' answered question 'P1-Q1' 2 times"):
        score(QUESTIONNAIRE, twice)


def test_one_error_names_every_problem() -> None:
    wrong = [
        Answer("ann", "P9-Q1", 1),
        Answer("bob", "P1-Q1", 7),
        Answer("carl", "P1-Q1", None, not_applicable=True),
    ]
    with pytest.raises(InvalidAnswersError) as raised:
        score(QUESTIONNAIRE, wrong)
    assert [(p.respondent_id, p.question_id) for p in raised.value.problems] == [
        ("bob", "P1-Q1"),  # value off the scale
        ("carl", "P1-Q1"),  # N/A refused
        ("ann", "P9-Q1"),  # unknown ids come last
    ]
    assert str(raised.value).startswith("3 invalid answer(s): ")


def test_invalid_answers_error_is_a_value_error() -> None:
    assert issubclass(InvalidAnswersError, ValueError)


def test_dont_know_to_an_unknown_question_raises_naming_it() -> None:
    with pytest.raises(ValueError, match=r"unknown question id 'P9-Q1'"):
        score(QUESTIONNAIRE, answers({"ann": {"P9-Q1": DONT_KNOW}}))


def test_blank_answers_are_allowed_and_change_nothing() -> None:
    with_blanks = answers({"ann": {"P1-Q1": 3, "P1-Q2": BLANK}, "bob": {"P1-Q1": BLANK}})
    without = answers({"ann": {"P1-Q1": 3}})
    assert (
        score(QUESTIONNAIRE, with_blanks).model_dump_json()
        == score(QUESTIONNAIRE, without).model_dump_json()
    )


def test_answers_may_come_from_any_iterable() -> None:
    given = answers({"ann": {"P1-Q1": 3}})
    assert score(QUESTIONNAIRE, iter(given)) == score(QUESTIONNAIRE, given)
