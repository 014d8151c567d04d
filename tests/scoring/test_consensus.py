"""scoring.md section 9: consensus ratings and the validated card."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scoring import Answer, ConsensusRating, InvalidAnswersError, score, validated_card

from .factories import answers, practice, question_in, questionnaire
from .test_properties import PROPERTIES, Scenario, questions_in, scenarios

TWO_PRACTICES = questionnaire(practice("P1", "Q1", "Q2"), practice("P2", "Q3"))

# ann and bob disagree on Q1 (0 and 4: dispersion 0.5); they agree on Q2 and Q3.
SPLIT = answers({"ann": {"Q1": 0, "Q2": 3, "Q3": 2}, "bob": {"Q1": 4, "Q2": 3, "Q3": 2}})


def test_the_validated_card_has_basis_validated() -> None:
    card = validated_card(TWO_PRACTICES, SPLIT, [ConsensusRating("Q1", 3)])
    assert card.basis == "validated"


def test_a_consensus_rating_replaces_the_respondents_answers_to_its_question() -> None:
    card = validated_card(TWO_PRACTICES, SPLIT, [ConsensusRating("Q1", 3)])
    assert question_in(card, "Q1").model_dump() == {
        "id": "Q1",
        "status": "answered",
        "score": 0.75,
        "credit": 1.0,
        "dispersion": 0.0,
        "responses": 1,
    }


def test_a_question_decided_by_consensus_is_no_longer_a_disagreement() -> None:
    assert [d.id for d in score(TWO_PRACTICES, SPLIT).disagreements] == ["Q1"]
    assert validated_card(TWO_PRACTICES, SPLIT, [ConsensusRating("Q1", 3)]).disagreements == ()


def test_questions_without_a_consensus_rating_are_scored_from_the_respondents() -> None:
    card = validated_card(TWO_PRACTICES, SPLIT, [ConsensusRating("Q1", 3)])
    assert question_in(card, "Q2") == question_in(score(TWO_PRACTICES, SPLIT), "Q2")


def test_a_consensus_rating_may_be_not_applicable() -> None:
    card = validated_card(TWO_PRACTICES, SPLIT, [ConsensusRating("Q1", None, not_applicable=True)])
    assert (question_in(card, "Q1").status, question_in(card, "Q1").score) == (
        "not_applicable",
        None,
    )


def test_the_respondents_count_consensus_as_one() -> None:
    assert validated_card(TWO_PRACTICES, SPLIT, [ConsensusRating("Q1", 3)]).respondents == 3


def test_a_consensus_equal_to_every_answer_changes_no_figure_but_responses() -> None:
    self_card = score(TWO_PRACTICES, SPLIT)
    validated = validated_card(TWO_PRACTICES, SPLIT, [ConsensusRating("Q2", 3)])
    for part in ("overall", "enablers", "gaps"):
        assert getattr(validated, part) == getattr(self_card, part), part
    assert question_in(validated, "Q2").responses == 1
    assert [(p.score, p.credit, p.attained) for p in validated.best_practices] == [
        (p.score, p.credit, p.attained) for p in self_card.best_practices
    ]


def test_a_consensus_rating_with_neither_value_nor_not_applicable_is_refused() -> None:
    with pytest.raises(ValueError, match=r"a consensus rating gives a value or N/A.*'Q1'"):
        validated_card(TWO_PRACTICES, SPLIT, [ConsensusRating("Q1", None)])


def test_two_consensus_ratings_of_one_question_are_refused() -> None:
    with pytest.raises(InvalidAnswersError, match=r"'consensus' answered question 'Q1' 2 times"):
        validated_card(TWO_PRACTICES, SPLIT, [ConsensusRating("Q1", 3), ConsensusRating("Q1", 2)])


def test_a_consensus_rating_outside_the_scope_is_refused() -> None:
    two_domains = questionnaire(
        practice("P1"), practice("G1", domain="program"), domains=("project", "program")
    )
    with pytest.raises(InvalidAnswersError, match=r"'G1-Q1' is in domain 'program'"):
        validated_card(two_domains, [], [ConsensusRating("G1-Q1", 3)], scope=["project"])


def test_a_consensus_rating_of_not_applicable_needs_a_question_that_allows_it() -> None:
    strict = questionnaire(practice("P1", {"id": "Q1", "text": "In place?"}))
    with pytest.raises(InvalidAnswersError, match=r"does not allow not_applicable"):
        validated_card(strict, [], [ConsensusRating("Q1", None, not_applicable=True)])


def test_the_validated_card_is_the_card_of_the_answers_with_the_rating_in_place() -> None:
    replaced = answers(
        {"ann": {"Q2": 3, "Q3": 2}, "bob": {"Q2": 3, "Q3": 2}, "consensus": {"Q1": 3}}
    )
    expected = score(TWO_PRACTICES, replaced, basis="validated")
    assert validated_card(TWO_PRACTICES, SPLIT, [ConsensusRating("Q1", 3)]) == expected


# Properties (scoring.md section 9), on generated questionnaires and answers

_FIGURES = ("score", "credit", "attained")


@PROPERTIES
@given(scenarios(), st.data())
def test_a_consensus_equal_to_every_respondents_value_changes_no_score_credit_level_or_index(
    scenario: Scenario, data: st.DataObject
) -> None:
    values: dict[str, set[int]] = {}
    for answer in scenario.answers:
        if answer.value is not None:
            values.setdefault(answer.question_id, set()).add(answer.value)
    agreed = {
        question_id: next(iter(given))
        for question_id, given in values.items()
        if len(given) == 1
        and all(
            a.value is not None
            for a in scenario.answers
            if a.question_id == question_id and (a.value is not None or a.not_applicable)
        )
    }
    assume(agreed)
    chosen = data.draw(st.lists(st.sampled_from(sorted(agreed)), min_size=1, unique=True))
    ratings = [ConsensusRating(question_id, agreed[question_id]) for question_id in chosen]
    self_card = scenario.card()
    validated = validated_card(scenario.questionnaire, scenario.answers, ratings, scenario.scope)
    assert [(p.id, *(getattr(p, f) for f in _FIGURES)) for p in validated.best_practices] == [
        (p.id, *(getattr(p, f) for f in _FIGURES)) for p in self_card.best_practices
    ]
    assert [(d.level, d.index, d.attainment, d.progress) for d in validated.domains] == [
        (d.level, d.index, d.attainment, d.progress) for d in self_card.domains
    ]
    assert validated.overall == self_card.overall


@PROPERTIES
@given(scenarios(), st.data())
def test_consensus_on_every_question_gives_the_card_of_one_respondent_answering_the_ratings(
    scenario: Scenario, data: st.DataObject
) -> None:
    questionnaire, scope = scenario.questionnaire, scenario.scope
    top = questionnaire.scale.max_value
    ratings = []
    for question_id in questions_in(questionnaire, scope):
        allow = questionnaire.questions[question_id].allow_not_applicable
        if allow and data.draw(st.booleans()):
            ratings.append(ConsensusRating(question_id, None, not_applicable=True))
        else:
            ratings.append(ConsensusRating(question_id, data.draw(st.integers(0, top))))
    one = [
        Answer("consensus", r.question_id, r.value, not_applicable=r.not_applicable)
        for r in ratings
    ]
    assert validated_card(questionnaire, scenario.answers, ratings, scope) == score(
        questionnaire, one, scope, basis="validated"
    )
