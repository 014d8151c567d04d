"""scoring.md section 8: comparing two score cards."""

from __future__ import annotations

import json
from typing import Any

import pytest

from questionnaires import Questionnaire
from scoring import Comparison, ScoreCard, ScoreCardV1, ScoreCardV2, compare, read_card, score

from .examples import EXAMPLE_CARD_V1, example_answers, example_card, example_questionnaire
from .factories import NA, Values, answers, practice, questionnaire
from .stored import stored_card

STAGES = ("standardize", "measure")


def version_1_0(**parameters: Any) -> Questionnaire:
    """Version 1.0.0: A, B in standardize; C, OLD in measure; enabler practice E."""
    return questionnaire(
        practice("A", stage="standardize"),
        practice("B", stage="standardize"),
        practice("C", stage="measure"),
        practice("OLD", stage="measure"),
        practice("E", enabler="structural"),
        stages=STAGES,
        enablers=("structural",),
        **parameters,
    )


def version_1_1(**parameters: Any) -> Questionnaire:
    """Version 1.1.0: B moves to measure, OLD is gone, NEW comes; a program domain, a stage."""
    return questionnaire(
        practice("A", stage="standardize"),
        practice("NEW", stage="standardize"),
        practice("B", stage="measure"),
        practice("C", stage="measure"),
        practice("PGM", domain="program", stage="standardize"),
        practice("PGM-M", domain="program", stage="measure"),
        practice("PGM-C", domain="program", stage="control"),
        practice("CTL", stage="control"),
        practice("E", enabler="structural"),
        domains=("project", "program"),
        stages=(*STAGES, "control"),
        enablers=("structural",),
        version="1.1.0",
        **parameters,
    )


def quick_form(subset_of: tuple[str, str] = ("test-q", "1.0.0")) -> Questionnaire:
    """A short form of version 1.0.0: A (standardize), C (measure) and E only."""
    return questionnaire(
        practice("A", stage="standardize"),
        practice("C", stage="measure"),
        practice("E", enabler="structural"),
        stages=STAGES,
        enablers=("structural",),
        key="test-q-quick",
        subset_of=subset_of,
    )


def card(of: Questionnaire, values: Values) -> ScoreCard:
    """The card of one respondent answering each one-question practice P of `of` `values[P]`."""
    return score(
        of,
        answers(
            {
                "ann": {
                    f"{p}-Q1": value for p, value in values.items() if p in of.best_practice_by_id
                }
            }
        ),
    )


def compared(base: Values, target: Values) -> Comparison:
    """Two cards of version 1.0.0 compared."""
    return compare(
        card(version_1_0(), base), card(version_1_0(), target), version_1_0(), version_1_0()
    )


# Refusals


def test_cards_of_two_unrelated_questionnaires_do_not_compare() -> None:
    other = questionnaire(practice("A"), key="other-q")
    with pytest.raises(ValueError, match=r"two unrelated questionnaires: 'test-q' and 'other-q'"):
        compare(card(version_1_0(), {}), card(other, {}), version_1_0(), other)


def test_a_short_form_of_another_questionnaire_does_not_compare() -> None:
    elsewhere = quick_form(subset_of=("other-q", "1.0.0"))
    with pytest.raises(ValueError, match=r"unrelated questionnaires: 'test-q-quick' and 'test-q'"):
        compare(card(elsewhere, {}), card(version_1_0(), {}), elsewhere, version_1_0())


def test_a_card_of_an_unknown_scoring_version_does_not_compare() -> None:
    future = card(version_1_0(), {}).model_copy(update={"scoring_version": "4"})
    with pytest.raises(ValueError, match=r"unknown scoring version '4'"):
        compare(card(version_1_0(), {}), future, version_1_0(), version_1_0())


def test_a_card_must_score_the_questionnaire_given_beside_it() -> None:
    with pytest.raises(ValueError, match=r"the target card scores test-q 1.0.0"):
        compare(card(version_1_0(), {}), card(version_1_0(), {}), version_1_0(), version_1_1())


# Same version


def test_same_version_cards_compare_as_they_are() -> None:
    comparison = compared({}, {})
    assert (comparison.comparable, comparison.scoring) == ("same_version", "same")


def test_cards_of_one_scope_given_in_two_orders_compare_as_they_are() -> None:
    both = ("project", "program")
    base = score(version_1_1(), [], scope=both)
    target = score(version_1_1(), [], scope=tuple(reversed(both)))
    assert compare(base, target, version_1_1(), version_1_1()).comparable == "same_version"


def test_figures_compare_as_base_target_and_delta() -> None:
    # base: A attained, B, C, OLD unanswered (credit 0): progress 1/4; standardize 1 of 2, so
    # level 0, index 0 + (1 + 0) / 2. target: A, B, C attained: progress 3/4, level 1,
    # index 1 + measure's progress (1 + 0) / 2
    overall = compared({"A": 4}, {"A": 4, "B": 4, "C": 4}).overall
    assert overall.model_dump() == {
        "attainment": {"base": 0.25, "target": 0.75, "delta": 0.5},
        "progress": {"base": 0.25, "target": 0.75, "delta": 0.5},
        "score": {"base": 0.25, "target": 0.75, "delta": 0.5},
        "level": {"base": 0, "target": 1, "delta": 1},
        "index": {"base": 0.5, "target": 1.5, "delta": 1.0},
    }


def test_progress_compares_before_any_practice_is_attained() -> None:
    # every practice from 0.25 (credit 1/3) to 0.5 (credit 2/3): no attainment either side;
    # the index sums both stages' progress: 2/3, then 4/3
    base = {"A": 1, "B": 1, "C": 1, "OLD": 1}
    target = {"A": 2, "B": 2, "C": 2, "OLD": 2}
    overall = compared(base, target).overall
    assert overall.attainment.model_dump() == {"base": 0.0, "target": 0.0, "delta": 0.0}
    assert overall.progress.model_dump() == {"base": 0.3333, "target": 0.6667, "delta": 0.3334}
    assert overall.index.model_dump() == {"base": 0.6667, "target": 1.3333, "delta": 0.6666}


def test_delta_is_rounded_to_four_decimals() -> None:
    thirds = questionnaire(practice("P1"), practice("P2"), practice("P3"))
    base = card(thirds, {"P1": 4})
    target = card(thirds, {"P1": 4, "P2": 4})
    attainment = compare(base, target, thirds, thirds).overall.attainment
    assert (attainment.base, attainment.target, attainment.delta) == (0.3333, 0.6667, 0.3334)


def test_delta_is_null_when_either_side_is_null() -> None:
    unassessed = {"A": NA, "B": NA, "C": NA, "OLD": NA}
    overall = compared(unassessed, {"A": 4}).overall
    assert overall.level.model_dump() == {"base": None, "target": 0, "delta": None}
    assert overall.attainment.model_dump() == {"base": None, "target": 0.25, "delta": None}


def test_domains_compare_stage_by_stage() -> None:
    # standardize: A; then A and B attained. measure: C and OLD at 0; then C at 0.5 (credit
    # 2/3), OLD at 0: attainment stays 0, progress goes from 0 to 1/3
    (project,) = compared({"A": 4}, {"A": 4, "B": 4, "C": 2}).domains
    assert [(s.id, s.attainment.delta, s.progress.delta) for s in project.stages] == [
        ("standardize", 0.5, 0.5),
        ("measure", 0.0, 0.3333),
    ]


def test_enablers_compare() -> None:
    # E from 0.5 (credit 2/3) to attained
    (structural,) = compared({"E": 2}, {"E": 4}).enablers
    assert structural.model_dump() == {
        "id": "structural",
        "attainment": {"base": 0.0, "target": 1.0, "delta": 1.0},
        "progress": {"base": 0.6667, "target": 1.0, "delta": 0.3333},
        "score": {"base": 0.5, "target": 1.0, "delta": 0.5},
    }


def test_best_practices_gained_and_lost() -> None:
    changes = compared({"A": 4, "B": 2}, {"A": 2, "B": 4}).best_practices
    assert (changes.gained, changes.lost) == (("B",), ("A",))


def test_best_practices_newly_and_no_longer_assessed() -> None:
    changes = compared({"A": NA, "B": 4}, {"A": 4, "B": NA}).best_practices
    assert (changes.newly_assessed, changes.no_longer_assessed) == (("A",), ("B",))
    assert (changes.gained, changes.lost) == ((), ())


def test_a_card_compared_with_itself_changes_nothing() -> None:
    same = card(version_1_0(), {"A": 4, "B": 1, "C": NA, "E": 3})
    comparison = compare(same, same, version_1_0(), version_1_0())
    overall = comparison.overall
    deltas = [overall.attainment.delta, overall.progress.delta, overall.index.delta]
    assert deltas == [0.0, 0.0, 0.0]
    assert all(not ids for ids in comparison.best_practices.model_dump().values())


def test_comparison_json_has_the_agreed_shape() -> None:
    written = json.loads(compared({"A": 4}, {"B": 4}).model_dump_json())
    assert list(written) == [
        "comparable",
        "scoring",
        "questionnaire",
        "scoring_version",
        "scope",
        "overall",
        "domains",
        "enablers",
        "best_practices",
    ]
    assert written["questionnaire"] == {
        "key": "test-q",
        "base_key": "test-q",
        "base_version": "1.0.0",
        "target_key": "test-q",
        "target_version": "1.0.0",
    }
    assert (written["scoring_version"], written["scope"]) == ("3", ["project"])
    assert list(written["overall"]) == ["attainment", "progress", "score", "level", "index"]
    assert list(written["domains"][0]) == [
        "id",
        "attainment",
        "progress",
        "score",
        "level",
        "index",
        "stages",
    ]
    assert list(written["domains"][0]["stages"][0]) == ["id", "attainment", "progress"]
    assert list(written["enablers"][0]) == ["id", "attainment", "progress", "score"]
    assert list(written["best_practices"]) == [
        "gained",
        "lost",
        "newly_assessed",
        "no_longer_assessed",
        "only_in_base",
        "only_in_target",
    ]


def test_comparison_round_trips_through_its_json() -> None:
    written = compared({"A": 4}, {"B": 4}).model_dump_json()
    assert Comparison.model_validate_json(written).model_dump_json() == written


# Two versions: over the shared best practices


ALL_ATTAINED = {p: 4 for p in ("A", "B", "C", "OLD", "NEW", "PGM", "PGM-M", "PGM-C", "CTL", "E")}


def across_versions(
    base: Values,
    target: Values,
    base_parameters: dict[str, Any] | None = None,
) -> Comparison:
    """A card of questionnaire 1.0.0 (answered `base`) compared with one of 1.1.0 (`target`)."""
    old = version_1_0(**(base_parameters or {}))
    return compare(card(old, base), card(version_1_1(), target), old, version_1_1())


def test_two_versions_compare_over_their_shared_ids() -> None:
    comparison = across_versions(ALL_ATTAINED, ALL_ATTAINED)
    assert comparison.comparable == "shared_ids"
    assert comparison.questionnaire.model_dump() == {
        "key": "test-q",
        "base_key": "test-q",
        "base_version": "1.0.0",
        "target_key": "test-q",
        "target_version": "1.1.0",
    }
    changes = comparison.best_practices
    assert changes.only_in_base == ("OLD",)
    # PGM, PGM-M and PGM-C belong to the program domain, outside the base card's scope (every
    # domain version 1.0.0 has: project): they appear in no list
    assert changes.only_in_target == ("NEW", "CTL")
    assert comparison.scope == ("project",)


def test_practices_outside_the_shared_ids_leave_every_group() -> None:
    # OLD (unattained) is only in 1.0.0, NEW and CTL (unattained) only in 1.1.0
    base = {**ALL_ATTAINED, "OLD": 0}
    target = {**ALL_ATTAINED, "NEW": 0, "CTL": 0}
    overall = across_versions(base, target).overall
    assert overall.attainment.model_dump() == {"base": 1.0, "target": 1.0, "delta": 0.0}


def test_each_side_keeps_its_own_cell_placement() -> None:
    # B, unattained, sits in standardize in 1.0.0 and in measure in 1.1.0
    (project,) = across_versions({**ALL_ATTAINED, "B": 0}, {**ALL_ATTAINED, "B": 0}).domains
    assert project.level.model_dump() == {"base": 0, "target": 1, "delta": 1}


def test_each_side_keeps_its_own_stage_threshold() -> None:
    base = {**ALL_ATTAINED, "B": 0}
    (project,) = across_versions(base, ALL_ATTAINED, {"stage_threshold": 0.5}).domains
    assert project.level.base == 2  # A attained, B not: 0.5 reaches 0.5


def test_stored_attainment_is_used_never_re_thresholded() -> None:
    old = version_1_0()
    stored = json.loads(card(old, {**ALL_ATTAINED, "A": 1}).model_dump_json())
    stored["best_practices"][0]["attained"] = True  # A: score 0.25, yet stored as attained
    base = ScoreCard.model_validate(stored)
    comparison = compare(base, card(version_1_1(), ALL_ATTAINED), old, version_1_1())
    assert comparison.overall.attainment.base == 1.0
    assert "A" not in comparison.best_practices.gained


def test_only_domains_and_stages_present_in_both_compare() -> None:
    domains = across_versions(ALL_ATTAINED, ALL_ATTAINED).domains
    assert [domain.id for domain in domains] == ["project"]
    assert [stage.id for stage in domains[0].stages] == ["standardize", "measure"]


# A short form and its full questionnaire: over the shared best practices


def test_a_short_form_compares_with_its_full_questionnaire_on_shared_ids() -> None:
    quick, full = quick_form(), version_1_0()
    comparison = compare(card(quick, {}), card(full, {}), quick, full)
    assert comparison.comparable == "shared_ids"
    assert comparison.questionnaire.model_dump() == {
        "key": "test-q",
        "base_key": "test-q-quick",
        "base_version": "1.0.0",
        "target_key": "test-q",
        "target_version": "1.0.0",
    }
    changes = comparison.best_practices
    assert (changes.only_in_base, changes.only_in_target) == ((), ("B", "OLD"))


def test_a_full_questionnaire_compares_with_its_short_form_too() -> None:
    quick, full = quick_form(), version_1_0()
    comparison = compare(card(full, {}), card(quick, {}), full, quick)
    assert (comparison.comparable, comparison.questionnaire.key) == ("shared_ids", "test-q-quick")
    assert comparison.best_practices.only_in_base == ("B", "OLD")


def test_a_short_form_and_its_full_questionnaire_compare_over_the_shared_practices_only() -> None:
    # Over A, C and E. quick: A attained, C at 0.5 (credit 2/3): level 1, index 1.6667;
    # E attained. full: A, C attained (B and OLD left out: with OLD at 0 the full card
    # itself is level 1): level 2, index 2; E at 0.5
    quick, full = quick_form(), version_1_0()
    comparison = compare(
        card(quick, {"A": 4, "C": 2, "E": 4}),
        card(full, {"A": 4, "B": 4, "C": 4, "OLD": 0, "E": 2}),
        quick,
        full,
    )
    overall = comparison.overall
    assert overall.attainment.model_dump() == {"base": 0.5, "target": 1.0, "delta": 0.5}
    assert overall.level.model_dump() == {"base": 1, "target": 2, "delta": 1}
    assert overall.index.model_dump() == {"base": 1.6667, "target": 2.0, "delta": 0.3333}
    (project,) = comparison.domains
    assert [(s.id, s.progress.base, s.progress.target) for s in project.stages] == [
        ("standardize", 1.0, 1.0),
        ("measure", 0.6667, 1.0),
    ]
    (structural,) = comparison.enablers
    assert structural.progress.model_dump() == {"base": 1.0, "target": 0.6667, "delta": -0.3333}
    assert (comparison.best_practices.gained, comparison.best_practices.lost) == (("C",), ("E",))


# Two scopes: over the domains both cover


TWO_DOMAINS = questionnaire(
    practice("PA", domain="project", stage="standardize"),
    practice("PB", domain="project", stage="measure"),
    practice("GA", domain="program", stage="standardize"),
    practice("GB", domain="program", stage="measure"),
    practice("E", enabler="structural"),
    domains=("project", "program"),
    stages=STAGES,
    enablers=("structural",),
)


def scoped(values: Values, scope: tuple[str, ...] | None) -> ScoreCard:
    """TWO_DOMAINS answered `values` by one respondent, over `scope`."""
    answered = {f"{p}-Q1": value for p, value in values.items()}
    return score(TWO_DOMAINS, answers({"ann": answered}), scope=scope)


def across_scopes() -> Comparison:
    """Every domain (program unanswered, so level 0) compared with the project domain alone.

    base: PA, PB attained. target: PA attained, PB at 0.5 (credit 2/3): level 1, index 1.6667.
    """
    base = scoped({"PA": 4, "PB": 4, "E": 4}, None)
    target = scoped({"PA": 4, "PB": 2, "E": 4}, ("project",))
    return compare(base, target, TWO_DOMAINS, TWO_DOMAINS)


def test_cards_of_two_scopes_compare_over_the_domains_both_cover() -> None:
    comparison = across_scopes()
    assert (comparison.comparable, comparison.scope) == ("shared_ids", ("project",))
    assert [domain.id for domain in comparison.domains] == ["project"]


def test_a_domain_outside_one_scope_leaves_the_others_figures() -> None:
    # On its own, the base card is level 0 overall: its program domain is unanswered
    assert scoped({"PA": 4, "PB": 4, "E": 4}, None).overall.level == 0
    overall = across_scopes().overall
    assert overall.level.model_dump() == {"base": 2, "target": 1, "delta": -1}
    assert overall.index.model_dump() == {"base": 2.0, "target": 1.6667, "delta": -0.3333}
    assert overall.attainment.model_dump() == {"base": 1.0, "target": 0.5, "delta": -0.5}


def test_practices_of_a_domain_outside_either_scope_are_in_no_list() -> None:
    changes = across_scopes().best_practices
    assert changes.model_dump() == {
        "gained": (),
        "lost": ("PB",),
        "newly_assessed": (),
        "no_longer_assessed": (),
        "only_in_base": (),
        "only_in_target": (),
    }


def test_cards_of_one_smaller_scope_compare_its_domains_only() -> None:
    base = scoped({"PA": 4}, ("project",))
    target = scoped({"PA": 4, "PB": 4}, ("project",))
    comparison = compare(base, target, TWO_DOMAINS, TWO_DOMAINS)
    assert (comparison.comparable, comparison.scope) == ("same_version", ("project",))
    assert [domain.id for domain in comparison.domains] == ["project"]


def test_enablers_compare_whatever_the_scopes() -> None:
    (structural,) = across_scopes().enablers
    assert structural.attainment.model_dump() == {"base": 1.0, "target": 1.0, "delta": 0.0}


# Cards of versions "1" and "2": rescored first


def stored_example_v1() -> ScoreCardV1:
    """The example of tests/scoring/examples.py as version "1" stored it."""
    card = read_card(json.dumps(EXAMPLE_CARD_V1))
    assert isinstance(card, ScoreCardV1)
    return card


def stored_example_v2() -> ScoreCardV2:
    """The example of tests/scoring/examples.py as the version "2" code stored it."""
    card = read_card(stored_card("test-q-1.0.0-example").text)
    assert isinstance(card, ScoreCardV2)
    return card


def test_a_version_2_card_compares_with_a_version_3_card_once_rescored() -> None:
    example = example_questionnaire()
    comparison = compare(stored_example_v2(), example_card(), example, example)
    assert (comparison.scoring, comparison.comparable) == ("rescored", "same_version")
    assert comparison.overall.index.model_dump() == {"base": 1.6667, "target": 1.6667, "delta": 0.0}


def test_a_version_2_card_rescored_from_its_questions_compares_on_version_3_figures() -> None:
    """Version "2" attained no practice of this organization; rescored, every one."""
    fixture = stored_card("opm3-style-2.0.0-largely-one-partially")
    old = read_card(fixture.text)
    fresh = score(fixture.questionnaire, fixture.answers)
    comparison = compare(old, fresh, fixture.questionnaire, fixture.questionnaire)
    assert comparison.overall.level.model_dump() == {"base": 4, "target": 4, "delta": 0}
    assert comparison.best_practices.gained == ()


def test_a_version_1_card_compares_with_a_version_3_card_once_rescored() -> None:
    # The same answers on both sides: once rescored, the version "1" card reads as the
    # version "3" one (index 1.6667, not the 1.0 it stored)
    example = example_questionnaire()
    comparison = compare(stored_example_v1(), example_card(), example, example)
    assert (comparison.scoring, comparison.comparable) == ("rescored", "same_version")
    assert comparison.overall.index.model_dump() == {"base": 1.6667, "target": 1.6667, "delta": 0.0}
    assert comparison.overall.progress.base == 0.8333


def test_two_version_1_cards_compare_rescored() -> None:
    example = example_questionnaire()
    comparison = compare(stored_example_v1(), stored_example_v1(), example, example)
    assert comparison.scoring == "rescored"


def test_an_older_card_is_rescored_with_its_own_questionnaires_parameters() -> None:
    # test-q 1.0.0 with a credit floor of 0.25: PRJ-MEA-01 at 0.5 earns (0.5 - 0.25) / 0.5
    example = example_questionnaire()
    floored = Questionnaire.model_validate(
        {**example.model_dump(), "scoring": {"credit_floor": 0.25}}
    )
    comparison = compare(stored_example_v1(), score(floored, example_answers()), floored, floored)
    project = comparison.domains[0]
    assert [stage.progress.base for stage in project.stages] == [1.0, 0.5]
    assert comparison.overall.index.base == 1.5


def test_a_version_1_card_compares_with_a_card_of_a_smaller_scope_on_shared_ids() -> None:
    example = example_questionnaire()
    project_only = score(example, [], scope=["project"])
    comparison = compare(stored_example_v1(), project_only, example, example)
    assert (comparison.scoring, comparison.comparable) == ("rescored", "shared_ids")
    assert comparison.scope == ("project",)
