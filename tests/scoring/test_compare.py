"""scoring.md section 8: comparing two score cards."""

from __future__ import annotations

import json
from typing import Any

import pytest

from questionnaires import Questionnaire
from scoring import Comparison, ScoreCard, compare, score

from .factories import NA, Values, answers, practice, questionnaire

STAGES = ("standardize", "measure")


def v1(**parameters: Any) -> Questionnaire:
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


def v2(**parameters: Any) -> Questionnaire:
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
    """Two cards of version 1 compared."""
    return compare(card(v1(), base), card(v1(), target), v1(), v1())


# Refusals


def test_cards_of_two_questionnaires_do_not_compare() -> None:
    other = questionnaire(practice("A"), key="other-q")
    with pytest.raises(ValueError, match=r"two questionnaires: 'test-q' and 'other-q'"):
        compare(card(v1(), {}), card(other, {}), v1(), other)


def test_cards_of_two_scoring_versions_do_not_compare() -> None:
    future = card(v1(), {}).model_copy(update={"scoring_version": "2"})
    with pytest.raises(ValueError, match=r"two scoring versions: '1' and '2'"):
        compare(card(v1(), {}), future, v1(), v1())


def test_a_card_must_score_the_questionnaire_given_beside_it() -> None:
    with pytest.raises(ValueError, match=r"the target card scores test-q 1.0.0"):
        compare(card(v1(), {}), card(v1(), {}), v1(), v2())


# Same version


def test_same_version_cards_compare_as_they_are() -> None:
    assert compared({}, {}).comparable == "same_version"


def test_figures_compare_as_base_target_and_delta() -> None:
    overall = compared({"A": 4}, {"A": 4, "B": 4, "C": 4}).overall
    assert overall.model_dump() == {
        "attainment": {"base": 0.25, "target": 0.75, "delta": 0.5},
        "score": {"base": 0.25, "target": 0.75, "delta": 0.5},
        "level": {"base": 0, "target": 1, "delta": 1},
        "index": {"base": 0.5, "target": 1.5, "delta": 1.0},
    }


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
    (project,) = compared({"A": 4}, {"A": 4, "B": 4, "C": 2}).domains
    assert [(s.id, s.attainment.delta) for s in project.stages] == [
        ("standardize", 0.5),
        ("measure", 0.0),
    ]


def test_enablers_compare() -> None:
    (structural,) = compared({"E": 2}, {"E": 4}).enablers
    assert structural.model_dump() == {
        "id": "structural",
        "attainment": {"base": 0.0, "target": 1.0, "delta": 1.0},
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
    same = card(v1(), {"A": 4, "B": 1, "C": NA, "E": 3})
    comparison = compare(same, same, v1(), v1())
    deltas = [comparison.overall.attainment.delta, comparison.overall.index.delta]
    assert deltas == [0.0, 0.0]
    assert all(not ids for ids in comparison.best_practices.model_dump().values())


def test_comparison_json_has_the_agreed_shape() -> None:
    written = json.loads(compared({"A": 4}, {"B": 4}).model_dump_json())
    assert list(written) == [
        "comparable",
        "questionnaire",
        "scoring_version",
        "overall",
        "domains",
        "enablers",
        "best_practices",
    ]
    assert written["questionnaire"] == {
        "key": "test-q",
        "base_version": "1.0.0",
        "target_version": "1.0.0",
    }
    assert list(written["domains"][0]) == ["id", "attainment", "score", "level", "index", "stages"]
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
    """A card of version 1 (answered `base`) compared with one of version 2 (`target`)."""
    old = v1(**(base_parameters or {}))
    return compare(card(old, base), card(v2(), target), old, v2())


def test_two_versions_compare_over_their_shared_ids() -> None:
    comparison = across_versions(ALL_ATTAINED, ALL_ATTAINED)
    assert comparison.comparable == "shared_ids"
    assert comparison.questionnaire.model_dump() == {
        "key": "test-q",
        "base_version": "1.0.0",
        "target_version": "1.1.0",
    }
    changes = comparison.best_practices
    assert changes.only_in_base == ("OLD",)
    assert changes.only_in_target == ("NEW", "PGM", "PGM-M", "PGM-C", "CTL")


def test_practices_outside_the_shared_ids_leave_every_group() -> None:
    # OLD (unattained) is only in version 1, NEW and CTL (unattained) only in version 2
    base = {**ALL_ATTAINED, "OLD": 0}
    target = {**ALL_ATTAINED, "NEW": 0, "CTL": 0}
    overall = across_versions(base, target).overall
    assert overall.attainment.model_dump() == {"base": 1.0, "target": 1.0, "delta": 0.0}


def test_each_side_keeps_its_own_cell_placement() -> None:
    # B, unattained, sits in standardize in version 1 and in measure in version 2
    (project,) = across_versions({**ALL_ATTAINED, "B": 0}, {**ALL_ATTAINED, "B": 0}).domains
    assert project.level.model_dump() == {"base": 0, "target": 1, "delta": 1}


def test_each_side_keeps_its_own_stage_threshold() -> None:
    base = {**ALL_ATTAINED, "B": 0}
    (project,) = across_versions(base, ALL_ATTAINED, {"stage_threshold": 0.5}).domains
    assert project.level.base == 2  # A attained, B not: 0.5 reaches 0.5


def test_stored_attainment_is_used_never_re_thresholded() -> None:
    old = v1()
    stored = json.loads(card(old, {**ALL_ATTAINED, "A": 1}).model_dump_json())
    stored["best_practices"][0]["attained"] = True  # A: score 0.25, yet stored as attained
    base = ScoreCard.model_validate(stored)
    comparison = compare(base, card(v2(), ALL_ATTAINED), old, v2())
    assert comparison.overall.attainment.base == 1.0
    assert "A" not in comparison.best_practices.gained


def test_only_domains_and_stages_present_in_both_compare() -> None:
    domains = across_versions(ALL_ATTAINED, ALL_ATTAINED).domains
    assert [domain.id for domain in domains] == ["project"]
    assert [stage.id for stage in domains[0].stages] == ["standardize", "measure"]
