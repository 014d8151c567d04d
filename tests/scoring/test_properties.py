"""The properties listed at the end of scoring.md, for generated questionnaires, answers, scopes.

The rescoring property needs cards of versions "2" and "1" of generated answers: they are made
by `version_2.version_2_card` (held to the cards the version "2" code wrote, in
`test_rescore.py`) and `version_1.version_1_card`.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterator
from itertools import pairwise
from typing import Any, NamedTuple

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from questionnaires import Questionnaire
from scoring import (
    Answer,
    DomainScore,
    EnablerScore,
    InvalidAnswersError,
    Overall,
    ScoreCard,
    ScoreCardV1,
    ScoreCardV2,
    StageScore,
    compare,
    read_card,
    rescore,
    score,
)

from .version_1 import version_1_card
from .version_2 import version_2_card

PROPERTIES = settings(max_examples=150, deadline=None)
TOLERANCE = 1e-9  # scoring.md, general rules

weights = st.one_of(st.sampled_from([1, 2, 0.5]), st.floats(0.1, 10))
thresholds = st.one_of(st.sampled_from([0.5, 0.75, 0.8, 1.0]), st.floats(0.01, 1.0))


@st.composite
def questionnaire_data(draw: st.DrawFn) -> dict[str, Any]:
    """A small questionnaire as data: 1-3 domains, 1-4 stages, 0-2 enablers, scales of 2-6,
    a credit floor below the attainment threshold."""
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
    attainment_threshold = draw(thresholds)
    credit_floor = draw(
        st.one_of(
            st.just(0.0),
            st.floats(0, attainment_threshold, exclude_max=True).map(lambda f: round(f, 2)),
        ).filter(lambda floor: floor < attainment_threshold)
    )
    # Either parameter of section 2 may be left to its default.
    attainment_rules: dict[str, Any] = {}
    if draw(st.booleans()):
        attainment_rules["question_floor"] = draw(
            st.one_of(
                st.sampled_from([0.0, attainment_threshold]),
                st.floats(0, attainment_threshold).map(lambda f: round(f, 2)),
            ).filter(lambda floor: floor <= attainment_threshold)
        )
    if draw(st.booleans()):
        attainment_rules["shortfalls_allowed"] = draw(st.integers(0, 3))
    return {
        "key": "generated",
        "version": "1.0.0",
        "title": "Generated",
        "scale": {
            "options": [{"value": v, "label": f"L{v}"} for v in range(draw(st.integers(2, 6)))]
        },
        "scoring": {
            "attainment_threshold": attainment_threshold,
            "stage_threshold": draw(thresholds),
            "aggregation": draw(st.sampled_from(["mean", "median", "min"])),
            "credit_floor": credit_floor,
            **attainment_rules,
        },
        "domains": [{"id": d, "name": d} for d in domains],
        "stages": [{"id": s, "name": s, "level_name": f"{s} reached"} for s in stages],
        "enablers": [{"id": e, "name": e} for e in enablers],
        "best_practices": draw(st.permutations(practices)),
    }


def questions_in(questionnaire: Questionnaire, scope: Collection[str] | None) -> list[str]:
    """The ids of the questions of `scope` (every domain when None) and of the enablers."""
    return [
        question.id
        for practice in questionnaire.best_practices
        if practice.domain is None or scope is None or practice.domain in scope
        for question in practice.questions
    ]


@st.composite
def answer_sets(
    draw: st.DrawFn,
    questionnaire: Questionnaire,
    scope: Collection[str] | None = None,
    *,
    dont_know: bool = True,
) -> list[Answer]:
    """Answers of 1-4 respondents to the questions in `scope`: per question a value, N/A where
    allowed, "don't know" (unless `dont_know` is False), a blank, or nothing."""
    top = questionnaire.scale.max_value
    asked = questions_in(questionnaire, scope)
    given: list[Answer] = []
    for respondent in [f"r{n}" for n in range(draw(st.integers(1, 4)))]:
        for question_id in asked:
            kinds = ["value", "value", "value", "blank", "none"]
            if questionnaire.questions[question_id].allow_not_applicable:
                kinds.append("not_applicable")
            if dont_know:
                kinds.append("dont_know")
            kind = draw(st.sampled_from(kinds))
            if kind == "value":
                given.append(Answer(respondent, question_id, draw(st.integers(0, top))))
            elif kind == "blank":
                given.append(Answer(respondent, question_id, None))
            elif kind == "not_applicable":
                given.append(Answer(respondent, question_id, None, not_applicable=True))
            elif kind == "dont_know":
                given.append(Answer(respondent, question_id, None, dont_know=True))
    return given


class Scenario(NamedTuple):
    """A questionnaire, a scope (None: every domain) and answers to the questions in it."""

    questionnaire: Questionnaire
    answers: list[Answer]
    scope: list[str] | None

    def card(self) -> ScoreCard:
        return score(self.questionnaire, self.answers, self.scope)


def scopes(questionnaire: Questionnaire) -> st.SearchStrategy[list[str] | None]:
    """None, or some of the questionnaire's domains in any order."""
    domain_ids = [domain.id for domain in questionnaire.domains]
    return st.none() | st.lists(st.sampled_from(domain_ids), min_size=1, unique=True)


@st.composite
def scenarios(draw: st.DrawFn, *, scoped: bool = True, dont_know: bool = True) -> Scenario:
    """A generated questionnaire, a scope (None when not `scoped`) and answers in it ("don't
    know" among them unless `dont_know` is False)."""
    questionnaire = Questionnaire.model_validate(draw(questionnaire_data()))
    scope = draw(scopes(questionnaire)) if scoped else None
    answers = draw(answer_sets(questionnaire, scope, dont_know=dont_know))
    return Scenario(questionnaire, answers, scope)


Group = Overall | DomainScore | StageScore | EnablerScore


def groups(card: ScoreCard) -> Iterator[Group]:
    """Every group of a card: overall, domains, cells, enablers."""
    yield card.overall
    for domain in card.domains:
        yield domain
        yield from domain.stages
    yield from card.enablers


def fractions(card: ScoreCard) -> Iterator[float | None]:
    """Every fraction of a card."""
    yield card.completeness.ratio
    for group in groups(card):
        yield group.attainment
        yield group.progress
        yield group.score
    for domain in card.domains:
        yield from (cell.disputed for cell in domain.stages)
    for practice in card.best_practices:
        yield practice.score
        yield practice.credit
        for question in practice.questions:
            yield question.score
            yield question.credit
            yield question.dispersion
    for gap in card.gaps:
        yield gap.score
        yield gap.credit
    yield from (disagreement.dispersion for disagreement in card.disagreements)


def ordered_figures(card: ScoreCard) -> Iterator[tuple[str, float | None]]:
    """Every score, credit, attainment, progress, level and index of a card, named."""
    for name in ("attainment", "progress", "score", "level", "index"):
        yield f"overall.{name}", getattr(card.overall, name)
    for domain in card.domains:
        for name in ("attainment", "progress", "score", "level", "index"):
            yield f"{domain.id}.{name}", getattr(domain, name)
        for cell in domain.stages:
            for name in ("attainment", "progress", "score"):
                yield f"{domain.id}.{cell.id}.{name}", getattr(cell, name)
    for enabler in card.enablers:
        for name in ("attainment", "progress", "score"):
            yield f"{enabler.id}.{name}", getattr(enabler, name)
    for practice in card.best_practices:
        yield practice.id, practice.score
        yield f"{practice.id}.credit", practice.credit
        yield f"{practice.id}.attained", None if practice.attained is None else practice.attained
        for question in practice.questions:
            yield question.id, question.score
            yield f"{question.id}.credit", question.credit


# Bounds


@PROPERTIES
@given(scenarios())
def test_fractions_levels_and_indexes_stay_in_bounds(scenario: Scenario) -> None:
    card = scenario.card()
    assert all(0 <= fraction <= 1 for fraction in fractions(card) if fraction is not None)
    top = len(scenario.questionnaire.stages)
    leveled: list[Overall | DomainScore] = [card.overall, *card.domains]
    for figures in leveled:
        if figures.level is None:
            assert figures.index is None
            continue
        assert figures.index is not None
        assert 0 <= figures.level <= top
        assert 0 <= figures.index <= top


@PROPERTIES
@given(scenarios())
def test_the_index_of_a_domain_holding_an_unattained_practice_is_written_below_the_top(
    scenario: Scenario,
) -> None:
    card = scenario.card()
    top = len(scenario.questionnaire.stages)
    for domain in card.domains:
        if domain.assessed and domain.practices_attained < domain.practices_assessed:
            assert domain.index is not None
            assert domain.index <= top - 0.0001, domain.id


@PROPERTIES
@given(questionnaire_data(), st.data())
def test_the_index_is_k_when_the_first_k_stages_are_attained_and_the_rest_earn_nothing(
    data: dict[str, Any], drawn: st.DataObject
) -> None:
    questionnaire = Questionnaire.model_validate(data)
    stages = [stage.id for stage in questionnaire.stages]
    k = drawn.draw(st.integers(0, len(stages)))
    top = questionnaire.scale.max_value
    given = [
        Answer("r0", question.id, top if practice.stage in stages[:k] else 0)
        for practice in questionnaire.best_practices
        for question in practice.questions
    ]
    card = score(questionnaire, given)
    assert [(domain.level, domain.index) for domain in card.domains] == [(k, float(k))] * len(
        card.domains
    )


@PROPERTIES
@given(scenarios())
def test_level_and_index_follow_from_the_cells(scenario: Scenario) -> None:
    card = scenario.card()
    stage_threshold = scenario.questionnaire.scoring.stage_threshold
    top = len(scenario.questionnaire.stages)
    for domain in card.domains:
        for cell in domain.stages:
            # a cell with no assessed practice is not achieved (section 3)
            assert cell.achieved == (
                cell.practices_assessed > 0
                and cell.practices_attained / cell.practices_assessed >= stage_threshold - TOLERANCE
            )
        if domain.level is None:
            continue
        assert domain.index is not None
        achieved = [cell.achieved for cell in domain.stages]
        assert all(achieved[: domain.level])
        assert domain.level == len(achieved) or not achieved[domain.level]
        # the index sums the running minimum of the cells' progress (0 for an empty cell); the
        # written figures each differ from theirs by at most 0.0001
        lowest, running = 1.0, 0.0
        for cell in domain.stages:
            lowest = min(lowest, cell.progress or 0.0)
            running += lowest
        assert abs(domain.index - running) <= (top + 1) * 1e-4 + TOLERANCE
    assessed = [domain for domain in card.domains if domain.assessed]
    if assessed:
        assert card.overall.level == min(domain.level or 0 for domain in assessed)
        assert card.overall.index == min(domain.index or 0.0 for domain in assessed)


@PROPERTIES
@given(scenarios(), st.data())
def test_one_answer_moves_a_domains_index_by_at_most_stages_over_its_cells_practices(
    scenario: Scenario, data: st.DataObject
) -> None:
    questionnaire, given_answers, scope = scenario
    top = questionnaire.scale.max_value
    valued = [i for i, a in enumerate(given_answers) if a.value is not None]
    assume(valued)
    index = data.draw(st.sampled_from(valued))
    before = given_answers[index]
    value = data.draw(st.integers(0, top).filter(lambda v: v != before.value))
    changed = [*given_answers]
    changed[index] = Answer(before.respondent_id, before.question_id, value)
    old, new = scenario.card(), score(questionnaire, changed, scope)

    practice = next(
        p
        for p in questionnaire.best_practices
        if any(question.id == before.question_id for question in p.questions)
    )
    stages = len(questionnaire.stages)
    for old_domain, new_domain in zip(old.domains, new.domains, strict=True):
        if old_domain.id != practice.domain:
            assert new_domain.index == old_domain.index, old_domain.id
            continue
        assert old_domain.index is not None and new_domain.index is not None
        (cell,) = [c for c in old_domain.stages if c.id == practice.stage]
        bound = stages / cell.practices_assessed
        # each written index is within 0.0001 of its unrounded value
        assert abs(new_domain.index - old_domain.index) <= bound + 2e-4 + TOLERANCE


# Credit and progress


@PROPERTIES
@given(scenarios())
def test_a_practices_credit_is_1_exactly_when_it_is_attained(scenario: Scenario) -> None:
    card = scenario.card()
    for practice in card.best_practices:
        if not practice.assessed:
            assert (practice.credit, practice.attained) == (None, None)
            continue
        assert practice.credit is not None
        assert (practice.credit == 1.0) == practice.attained, practice.id
    assert all(gap.credit < 1.0 for gap in card.gaps)


@PROPERTIES
@given(scenarios())
def test_a_questions_credit_never_decreases_as_its_score_rises(scenario: Scenario) -> None:
    # Within one card, every question has the same floor and threshold
    scored = sorted(
        (question.score, question.credit)
        for practice in scenario.card().best_practices
        for question in practice.questions
        if question.score is not None and question.credit is not None
    )
    for (lower, lower_credit), (higher, higher_credit) in pairwise(scored):
        if lower < higher:
            assert lower_credit <= higher_credit, (lower, higher)


def raised(scenario: Scenario, data: st.DataObject) -> tuple[Answer, list[Answer]]:
    """One existing value of `scenario` raised (the answer raised, and the answers after)."""
    top = scenario.questionnaire.scale.max_value
    given_answers = scenario.answers
    raisable = [i for i, a in enumerate(given_answers) if a.value is not None and a.value < top]
    assume(raisable)
    index = data.draw(st.sampled_from(raisable))
    lower = given_answers[index]
    assert lower.value is not None
    higher = Answer(
        lower.respondent_id, lower.question_id, data.draw(st.integers(lower.value + 1, top))
    )
    return higher, [*given_answers[:index], higher, *given_answers[index + 1 :]]


@PROPERTIES
@given(scenarios(), st.data())
def test_a_practices_credit_never_decreases_as_its_scores_rise(
    scenario: Scenario, data: st.DataObject
) -> None:
    higher, after = raised(scenario, data)
    card = score(scenario.questionnaire, after, scenario.scope)
    for before, now in zip(scenario.card().best_practices, card.best_practices, strict=True):
        if any(question.id == higher.question_id for question in before.questions):
            assert before.credit is not None and now.credit is not None
            assert now.credit >= before.credit


@PROPERTIES
@given(scenarios())
def test_a_groups_progress_is_at_least_its_attainment(scenario: Scenario) -> None:
    for group in groups(scenario.card()):
        if group.attainment is None:
            assert group.progress is None
        else:
            assert group.progress is not None
            assert group.progress >= group.attainment, group


# Scope


@PROPERTIES
@given(scenarios(scoped=False), st.data())
def test_answers_outside_the_scope_are_refused(scenario: Scenario, data: st.DataObject) -> None:
    questionnaire, given_answers, _ = scenario
    domain_ids = [domain.id for domain in questionnaire.domains]
    scope = data.draw(st.lists(st.sampled_from(domain_ids), min_size=1, unique=True))
    inside = set(questions_in(questionnaire, scope))
    outside = sorted(
        (answer.respondent_id, answer.question_id)
        for answer in given_answers
        if answer.question_id not in inside
        and (answer.value is not None or answer.not_applicable or answer.dont_know)
    )
    if not outside:
        score(questionnaire, given_answers, scope)  # blanks outside take no part
        return
    try:
        score(questionnaire, given_answers, scope)
    except InvalidAnswersError as refused:
        named = sorted((p.respondent_id, p.question_id) for p in refused.problems)
        assert named == outside
    else:
        raise AssertionError(f"answers outside {scope} were scored: {outside}")


@PROPERTIES
@given(scenarios(scoped=False), st.data())
def test_a_card_with_a_smaller_scope_has_the_same_figures_for_the_domains_it_keeps(
    scenario: Scenario, data: st.DataObject
) -> None:
    questionnaire, given_answers, _ = scenario
    domain_ids = [domain.id for domain in questionnaire.domains]
    scope = data.draw(st.lists(st.sampled_from(domain_ids), min_size=1, unique=True))
    inside = set(questions_in(questionnaire, scope))
    everything = score(questionnaire, given_answers)
    smaller = score(questionnaire, [a for a in given_answers if a.question_id in inside], scope)

    for whole, part in zip(everything.domains, smaller.domains, strict=True):
        if whole.id in scope:
            assert part == whole, whole.id
        else:
            assert (part.in_scope, part.assessed, part.stages) == (False, False, ())
    kept = [p for p in everything.best_practices if p.domain is None or p.domain in scope]
    assert list(smaller.best_practices) == kept
    assert smaller.enablers == everything.enablers
    kept_gaps = [gap for gap in everything.gaps if gap.domain is None or gap.domain in scope]
    assert list(smaller.gaps) == kept_gaps
    assert smaller.overall.practices_assessed == sum(
        domain.practices_assessed for domain in smaller.domains
    )


# Monotonicity, order, N/A


@PROPERTIES
@given(scenarios(), st.data())
def test_raising_one_value_never_lowers_a_score_credit_attainment_progress_level_or_index(
    scenario: Scenario, data: st.DataObject
) -> None:
    _, after = raised(scenario, data)
    questionnaire, scope = scenario.questionnaire, scenario.scope
    raised_card = score(questionnaire, after, scope)
    before = dict(ordered_figures(scenario.card()))
    now = dict(ordered_figures(raised_card))
    for name, figure in before.items():
        if figure is None:
            assert now[name] is None, name
        else:
            assert now[name] is not None, name
            assert now[name] >= figure, name  # type: ignore[operator]


@PROPERTIES
@given(scenarios(), st.randoms(use_true_random=False))
def test_the_order_of_answers_and_respondents_does_not_change_the_card(
    scenario: Scenario, random: Any
) -> None:
    shuffled = list(scenario.answers)
    random.shuffle(shuffled)
    assert (
        score(scenario.questionnaire, shuffled, scenario.scope).model_dump_json()
        == scenario.card().model_dump_json()
    )


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
    assert (completeness.answered, completeness.unknown, completeness.unanswered) == (
        expected.answered,
        expected.unknown,
        expected.unanswered,
    )


@PROPERTIES
@given(scenarios(), st.data())
def test_dont_know_scores_a_question_like_a_blank_and_counts_it_unknown(
    scenario: Scenario, data: st.DataObject
) -> None:
    questionnaire, given_answers, scope = scenario
    asked = questions_in(questionnaire, scope)
    target = data.draw(st.sampled_from(asked))
    others = [a for a in given_answers if a.question_id != target]
    respondents = sorted({a.respondent_id for a in given_answers} | {"r0"})
    unsure = [Answer(r, target, None, dont_know=True) for r in respondents]
    blank = [Answer(r, target, None) for r in respondents]
    unknown_card = score(questionnaire, [*others, *unsure], scope)
    blank_card = score(questionnaire, [*others, *blank], scope)

    for part in ("overall", "domains", "enablers", "gaps", "disagreements"):
        assert getattr(unknown_card, part) == getattr(blank_card, part), part
    for with_unknown, with_blank in zip(
        unknown_card.best_practices, blank_card.best_practices, strict=True
    ):
        for asked_unknown, asked_blank in zip(
            with_unknown.questions, with_blank.questions, strict=True
        ):
            if asked_unknown.id == target:
                assert (asked_unknown.status, asked_blank.status) == ("unknown", "unanswered")
                asked_unknown = asked_unknown.model_copy(update={"status": "unanswered"})
            assert asked_unknown == asked_blank
        assert with_unknown.model_dump(exclude={"questions"}) == with_blank.model_dump(
            exclude={"questions"}
        )
    counted, expected = unknown_card.completeness, blank_card.completeness
    assert (counted.unknown, counted.unanswered) == (expected.unknown + 1, expected.unanswered - 1)
    assert (counted.answered, counted.not_applicable, counted.ratio) == (
        expected.answered,
        expected.not_applicable,
        expected.ratio,
    )


# Rescoring versions "2" and "1" cards


@PROPERTIES
@given(scenarios(dont_know=False))
def test_a_version_2_card_rescored_equals_the_version_3_card_byte_for_byte(
    scenario: Scenario,
) -> None:
    questionnaire, given_answers, scope = scenario
    stored = version_2_card(questionnaire, given_answers, scope)
    old = read_card(ScoreCardV2.model_validate(stored).model_dump_json())
    assert isinstance(old, ScoreCardV2)
    assert rescore(old, questionnaire).model_dump_json() == scenario.card().model_dump_json()


@PROPERTIES
@given(scenarios(scoped=False, dont_know=False))
def test_a_version_1_card_rescored_equals_the_version_3_card_byte_for_byte(
    scenario: Scenario,
) -> None:
    questionnaire, given_answers, _ = scenario
    version_2 = ScoreCardV2.model_validate(version_2_card(questionnaire, given_answers))
    old = read_card(version_1_card(version_2, questionnaire).model_dump_json())
    assert isinstance(old, ScoreCardV1)
    assert rescore(old, questionnaire).model_dump_json() == scenario.card().model_dump_json()


# Determinism and comparison


@PROPERTIES
@given(scenarios())
def test_the_same_inputs_give_the_same_card_byte_for_byte(scenario: Scenario) -> None:
    questionnaire, given_answers, scope = scenario
    again = Questionnaire.model_validate(questionnaire.model_dump())
    written = scenario.card().model_dump_json()
    assert score(again, list(given_answers), scope).model_dump_json() == written
    assert read_card(written).model_dump_json() == written


@PROPERTIES
@given(scenarios())
def test_a_card_compared_with_itself_changes_nothing(scenario: Scenario) -> None:
    card = scenario.card()
    questionnaire = scenario.questionnaire
    comparison = compare(card, card, questionnaire, questionnaire)
    overall = comparison.overall
    changes = [overall.attainment, overall.progress, overall.score, overall.index]
    for domain in comparison.domains:
        changes += [domain.attainment, domain.progress, domain.score, domain.index]
        changes += [stage.attainment for stage in domain.stages]
        changes += [stage.progress for stage in domain.stages]
    assert all(change.delta in (None, 0.0) for change in changes)
    assert all(not ids for ids in comparison.best_practices.model_dump().values())
    assert comparison.scope == card.scope
    assert [domain.id for domain in comparison.domains] == list(card.scope)
