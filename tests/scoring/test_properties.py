"""The properties listed at the end of scoring.md, for generated questionnaires and answers."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from questionnaires import Questionnaire
from scoring import Answer, DomainScore, EnablerScore, Overall, ScoreCard, compare, score

PROPERTIES = settings(max_examples=150, deadline=None)

weights = st.one_of(st.sampled_from([1, 2, 0.5]), st.floats(0.1, 10))
thresholds = st.one_of(st.sampled_from([0.5, 0.75, 0.8, 1.0]), st.floats(0.01, 1.0))


@st.composite
def questionnaire_data(draw: st.DrawFn) -> dict[str, Any]:
    """A small questionnaire as data: 1-3 domains, 1-4 stages, 0-2 enablers, scales of 2-6."""
    domains = [f"d{n}" for n in range(draw(st.integers(1, 3)))]
    stages = [f"s{n}" for n in range(draw(st.integers(1, 4)))]
    enablers = [f"e{n}" for n in range(draw(st.integers(0, 2)))]
    places = [{"domain": d, "stage": s} for d in domains for s in stages]
    places += [{"enabler": e} for e in enablers]
    practices: list[dict[str, Any]] = []
    for place in places:
        for _ in range(draw(st.integers(1, 3))):
            practice_id = f"P{len(practices)}"
            questions = [
                {
                    "id": f"{practice_id}-Q{n}",
                    "text": "In place?",
                    "weight": draw(weights),
                    "allow_not_applicable": draw(st.booleans()),
                }
                for n in range(draw(st.integers(1, 3)))
            ]
            practices.append({"id": practice_id, "title": "T", **place, "questions": questions})
    return {
        "key": "generated",
        "version": "1.0.0",
        "title": "Generated",
        "scale": {
            "options": [{"value": v, "label": f"L{v}"} for v in range(draw(st.integers(2, 6)))]
        },
        "scoring": {
            "attainment_threshold": draw(thresholds),
            "stage_threshold": draw(thresholds),
            "aggregation": draw(st.sampled_from(["mean", "median", "min"])),
        },
        "domains": [{"id": d, "name": d} for d in domains],
        "stages": [{"id": s, "name": s, "level_name": f"{s} reached"} for s in stages],
        "enablers": [{"id": e, "name": e} for e in enablers],
        "best_practices": draw(st.permutations(practices)),
    }


@st.composite
def answer_sets(draw: st.DrawFn, questionnaire: Questionnaire) -> list[Answer]:
    """Answers of 1-4 respondents: per question a value, N/A where allowed, a blank, or nothing."""
    top = questionnaire.scale.max_value
    given: list[Answer] = []
    for respondent in [f"r{n}" for n in range(draw(st.integers(1, 4)))]:
        for question in questionnaire.questions.values():
            kinds = ["value", "value", "blank", "none"]
            if question.allow_not_applicable:
                kinds.append("not_applicable")
            kind = draw(st.sampled_from(kinds))
            if kind == "value":
                given.append(Answer(respondent, question.id, draw(st.integers(0, top))))
            elif kind == "blank":
                given.append(Answer(respondent, question.id, None))
            elif kind == "not_applicable":
                given.append(Answer(respondent, question.id, None, not_applicable=True))
    return given


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Questionnaire, list[Answer]]:
    """A generated questionnaire and answers to it."""
    questionnaire = Questionnaire.model_validate(draw(questionnaire_data()))
    return questionnaire, draw(answer_sets(questionnaire))


def fractions(card: ScoreCard) -> Iterator[float | None]:
    """Every fraction of a card."""
    yield card.completeness.ratio
    groups: list[Overall | EnablerScore | DomainScore] = [card.overall, *card.enablers]
    for group in [*groups, *card.domains]:
        yield group.attainment
        yield group.score
    for domain in card.domains:
        for cell in domain.stages:
            yield cell.attainment
            yield cell.score
    for practice in card.best_practices:
        yield practice.score
        for question in practice.questions:
            yield question.score
            yield question.dispersion
    yield from (gap.score for gap in card.gaps)
    yield from (disagreement.dispersion for disagreement in card.disagreements)


def ordered_figures(card: ScoreCard) -> Iterator[tuple[str, float | None]]:
    """Every score, attainment, level and index of a card, named."""
    for name in ("attainment", "score", "level", "index"):
        yield f"overall.{name}", getattr(card.overall, name)
    for domain in card.domains:
        for name in ("attainment", "score", "level", "index"):
            yield f"{domain.id}.{name}", getattr(domain, name)
        for cell in domain.stages:
            yield f"{domain.id}.{cell.id}.attainment", cell.attainment
            yield f"{domain.id}.{cell.id}.score", cell.score
    for enabler in card.enablers:
        yield f"{enabler.id}.attainment", enabler.attainment
        yield f"{enabler.id}.score", enabler.score
    for practice in card.best_practices:
        yield practice.id, practice.score
        yield f"{practice.id}.attained", None if practice.attained is None else practice.attained
        for question in practice.questions:
            yield question.id, question.score


@PROPERTIES
@given(scenarios())
def test_fractions_levels_and_indexes_stay_in_bounds(
    scenario: tuple[Questionnaire, list[Answer]],
) -> None:
    questionnaire, given_answers = scenario
    card = score(questionnaire, given_answers)
    assert all(0 <= fraction <= 1 for fraction in fractions(card) if fraction is not None)
    top = len(questionnaire.stages)
    leveled: list[Overall | DomainScore] = [card.overall, *card.domains]
    for figures in leveled:
        if figures.level is None:
            assert figures.index is None
            continue
        assert figures.index is not None
        assert 0 <= figures.level <= top
        if figures.level == top:
            assert figures.index == top
        else:
            assert figures.level <= figures.index < figures.level + 1


@PROPERTIES
@given(scenarios())
def test_level_and_index_follow_from_the_cells(
    scenario: tuple[Questionnaire, list[Answer]],
) -> None:
    questionnaire, given_answers = scenario
    card = score(questionnaire, given_answers)
    for domain in card.domains:
        if domain.level is None:
            continue
        assert domain.index is not None
        achieved = [cell.achieved for cell in domain.stages]
        assert all(achieved[: domain.level])
        if domain.level < len(achieved):
            blocking = domain.stages[domain.level]
            assert not blocking.achieved
            assert blocking.attainment is not None
            assert abs(domain.index - domain.level - blocking.attainment) <= 1e-4
    assessed = [domain for domain in card.domains if domain.assessed]
    if assessed:
        assert card.overall.level == min(domain.level or 0 for domain in assessed)


@PROPERTIES
@given(scenarios(), st.data())
def test_raising_one_value_never_lowers_a_score_attainment_level_or_index(
    scenario: tuple[Questionnaire, list[Answer]], data: st.DataObject
) -> None:
    questionnaire, given_answers = scenario
    top = questionnaire.scale.max_value
    raisable = [i for i, a in enumerate(given_answers) if a.value is not None and a.value < top]
    assume(raisable)
    index = data.draw(st.sampled_from(raisable))
    lower = given_answers[index]
    assert lower.value is not None
    higher = Answer(
        lower.respondent_id, lower.question_id, data.draw(st.integers(lower.value + 1, top))
    )
    raised = [*given_answers[:index], higher, *given_answers[index + 1 :]]
    before = dict(ordered_figures(score(questionnaire, given_answers)))
    after = dict(ordered_figures(score(questionnaire, raised)))
    for name, figure in before.items():
        if figure is None:
            assert after[name] is None, name
        else:
            assert after[name] is not None, name
            assert after[name] >= figure, name  # type: ignore[operator]


@PROPERTIES
@given(scenarios(), st.randoms(use_true_random=False))
def test_the_order_of_answers_and_respondents_does_not_change_the_card(
    scenario: tuple[Questionnaire, list[Answer]], random: Any
) -> None:
    questionnaire, given_answers = scenario
    shuffled = list(given_answers)
    random.shuffle(shuffled)
    assert (
        score(questionnaire, shuffled).model_dump_json()
        == score(questionnaire, given_answers).model_dump_json()
    )


@PROPERTIES
@given(scenarios())
def test_the_same_inputs_give_the_same_card_byte_for_byte(
    scenario: tuple[Questionnaire, list[Answer]],
) -> None:
    questionnaire, given_answers = scenario
    again = Questionnaire.model_validate(questionnaire.model_dump())
    written = score(questionnaire, given_answers).model_dump_json()
    assert score(again, list(given_answers)).model_dump_json() == written
    assert ScoreCard.model_validate_json(written).model_dump_json() == written


def _removable(data: dict[str, Any]) -> list[tuple[int, int]]:
    """(practice, question) positions whose removal leaves a valid questionnaire."""
    practices = data["best_practices"]
    place_sizes: dict[tuple[Any, ...], int] = {}
    for practice in practices:
        place = (practice.get("domain"), practice.get("stage"), practice.get("enabler"))
        place_sizes[place] = place_sizes.get(place, 0) + 1
    return [
        (p, q)
        for p, practice in enumerate(practices)
        for q in range(len(practice["questions"]))
        if len(practice["questions"]) > 1
        or place_sizes[(practice.get("domain"), practice.get("stage"), practice.get("enabler"))] > 1
    ]


@PROPERTIES
@given(questionnaire_data(), st.data())
def test_a_question_everyone_marks_not_applicable_leaves_every_denominator(
    data: dict[str, Any], drawn: st.DataObject
) -> None:
    removable = _removable(data)
    assume(removable)
    p, q = drawn.draw(st.sampled_from(removable))
    with_it = copy.deepcopy(data)
    target = with_it["best_practices"][p]["questions"][q]
    target["allow_not_applicable"] = True
    without = copy.deepcopy(data)
    del without["best_practices"][p]["questions"][q]
    removed_practice = not without["best_practices"][p]["questions"]
    if removed_practice:
        del without["best_practices"][p]
    questionnaire = Questionnaire.model_validate(with_it)
    reduced = Questionnaire.model_validate(without)

    others = [a for a in drawn.draw(answer_sets(reduced)) if a.question_id != target["id"]]
    respondents = sorted({a.respondent_id for a in others} or {"r0"})
    marked = [Answer(r, target["id"], None, not_applicable=True) for r in respondents]
    card = score(questionnaire, [*others, *marked])
    reference = score(reduced, others)

    for part in ("overall", "domains", "enablers", "gaps", "disagreements"):
        assert getattr(card, part) == getattr(reference, part), part
    kept = [
        practice.model_copy(
            update={"questions": tuple(qu for qu in practice.questions if qu.id != target["id"])}
        )
        for practice in card.best_practices
        if not (removed_practice and practice.id == data["best_practices"][p]["id"])
    ]
    assert kept == list(reference.best_practices)
    completeness, expected = card.completeness, reference.completeness
    assert completeness.questions == expected.questions + 1
    assert completeness.not_applicable == expected.not_applicable + 1
    assert (completeness.answered, completeness.unanswered) == (
        expected.answered,
        expected.unanswered,
    )


@PROPERTIES
@given(scenarios())
def test_a_card_compared_with_itself_changes_nothing(
    scenario: tuple[Questionnaire, list[Answer]],
) -> None:
    questionnaire, given_answers = scenario
    card = score(questionnaire, given_answers)
    comparison = compare(card, card, questionnaire, questionnaire)
    changes = [comparison.overall.attainment, comparison.overall.score, comparison.overall.index]
    for domain in comparison.domains:
        changes += [domain.attainment, domain.score, domain.index]
        changes += [stage.attainment for stage in domain.stages]
    assert all(change.delta in (None, 0.0) for change in changes)
    assert all(not ids for ids in comparison.best_practices.model_dump().values())
