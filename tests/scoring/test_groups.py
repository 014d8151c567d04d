"""scoring.md sections 3 to 5: cells, domains, levels, indexes, overall and enablers."""

from __future__ import annotations

from typing import Any

import pytest

from scoring import Answer, ScoreCard, score

from .factories import NA, Values, answers, domain_in, practice, questionnaire

STAGES = ("standardize", "measure", "control")
LEVEL_NAMES = ["Initial", "Standardized", "Measured", "Controlled"]
ATTAINED, UNATTAINED = 4, 0  # a one-question practice answered so


def one_respondent(values: Values) -> list[Answer]:
    """One respondent answering each one-question practice `P` with `values[P]`."""
    return answers({"ann": {f"{p}-Q1": value for p, value in values.items()}})


def staged(*per_stage: int, **parameters: Any) -> ScoreCard:
    """One domain over STAGES; `per_stage[i]` one-question practices in stage i, all unattained."""
    practices = [
        practice(f"{stage[0].upper()}{n}", stage=stage)
        for stage, count in zip(STAGES, per_stage, strict=True)
        for n in range(1, count + 1)
    ]
    return score(questionnaire(*practices, stages=STAGES, **parameters), [])


FOUR_PRACTICES = questionnaire(
    practice("S1", stage="standardize"),
    practice("S2", stage="standardize"),
    practice("M1", stage="measure"),
    practice("C1", stage="control"),
    stages=STAGES,
)


def scored(values: Values, **parameters: Any) -> ScoreCard:
    """Practices S1, S2 (standardize), M1 (measure), C1 (control) of domain project, scored."""
    three_stages = questionnaire(
        practice("S1", stage="standardize"),
        practice("S2", stage="standardize"),
        practice("M1", stage="measure"),
        practice("C1", stage="control"),
        stages=STAGES,
        **parameters,
    )
    return score(three_stages, one_respondent(values))


# Section 3: cells and groups


def test_cell_attainment_is_the_share_of_its_assessed_practices_attained() -> None:
    cell = domain_in(scored({"S1": ATTAINED, "S2": UNATTAINED})).stages[0]
    assert (cell.practices_assessed, cell.practices_attained, cell.attainment) == (2, 1, 0.5)


def test_cell_score_is_the_mean_of_its_practice_scores() -> None:
    cell = domain_in(scored({"S1": 4, "S2": 1})).stages[0]
    assert cell.score == 0.625


def test_cell_leaves_out_practices_that_are_not_assessed() -> None:
    cell = domain_in(scored({"S1": ATTAINED, "S2": NA})).stages[0]
    assert (cell.practices_assessed, cell.attainment) == (1, 1.0)


def test_cell_reaching_the_stage_threshold_is_achieved() -> None:
    cell = domain_in(scored({"S1": ATTAINED, "S2": UNATTAINED}, stage_threshold=0.5)).stages[0]
    assert cell.achieved is True


def test_cell_below_the_stage_threshold_is_not_achieved() -> None:
    cell = domain_in(scored({"S1": ATTAINED, "S2": UNATTAINED})).stages[0]
    assert cell.achieved is False  # 0.5 < 0.8


def test_cell_with_no_assessed_practice_is_not_achieved_and_has_null_figures() -> None:
    cell = domain_in(scored({"S1": NA, "S2": NA})).stages[0]
    assert cell.model_dump() == {
        "id": "standardize",
        "practices_assessed": 0,
        "practices_attained": 0,
        "attainment": None,
        "progress": None,
        "score": None,
        "achieved": False,
        "disputed": None,
    }


def test_cell_progress_is_the_mean_credit_of_its_assessed_practices() -> None:
    # S1 attained: credit 1; S2 scored 0.5: credit 0.5 / 0.75 = 2/3; (1 + 2/3) / 2 = 5/6
    cell = domain_in(scored({"S1": 4, "S2": 2})).stages[0]
    assert (cell.attainment, cell.progress) == (0.5, 0.8333)


def test_cell_progress_shows_improvement_before_any_practice_is_attained() -> None:
    # credits 0.25 / 0.75 = 1/3 and 0.5 / 0.75 = 2/3: progress 1/2, attainment still 0
    cell = domain_in(scored({"S1": 1, "S2": 2})).stages[0]
    assert (cell.attainment, cell.progress) == (0.0, 0.5)


def test_cell_progress_counts_credit_from_the_questionnaires_floor() -> None:
    # floor 0.25: S1 at 0.25 earns 0, S2 at 0.5 earns (0.5 - 0.25) / 0.5 = 1/2; mean 1/4
    cell = domain_in(scored({"S1": 1, "S2": 2}, credit_floor=0.25)).stages[0]
    assert cell.progress == 0.25


def test_cell_progress_leaves_out_practices_that_are_not_assessed() -> None:
    cell = domain_in(scored({"S1": 2, "S2": NA})).stages[0]
    assert (cell.practices_assessed, cell.progress) == (1, 0.6667)


def test_progress_of_a_group_holding_an_unattained_practice_is_written_at_most_0_9999() -> None:
    # P1 attained; P2 at 2 of 3, written 0.6667, short of a threshold of 0.66671: unattained,
    # credit 0.99998; progress 0.99999 would round to 1.0, and is written 0.9999
    near = questionnaire(practice("P1"), practice("P2"), scale_top=3, attainment_threshold=0.66671)
    cell = domain_in(score(near, answers({"ann": {"P1-Q1": 3, "P2-Q1": 2}}))).stages[0]
    assert (cell.attainment, cell.progress) == (0.5, 0.9999)


def test_cell_disputed_is_the_share_of_its_answered_questions_that_are_disagreements() -> None:
    # S1-Q1: 0 and 4, dispersion 0.5, a disagreement; S2-Q1: 4 and 4, none
    two = answers({"ann": {"S1-Q1": 0, "S2-Q1": 4}, "bob": {"S1-Q1": 4, "S2-Q1": 4}})
    cell = domain_in(score(FOUR_PRACTICES, two)).stages[0]
    assert cell.disputed == 0.5


def test_cell_disputed_counts_only_its_answered_questions() -> None:
    # S2-Q1 marked N/A and M1-Q1 left blank are not answered: 1 of 1 answered is disputed
    two = answers({"ann": {"S1-Q1": 0, "S2-Q1": NA}, "bob": {"S1-Q1": 4, "S2-Q1": NA}})
    cells = domain_in(score(FOUR_PRACTICES, two)).stages
    assert (cells[0].disputed, cells[1].disputed) == (1.0, None)


def test_cell_disputed_is_zero_when_its_respondents_agree() -> None:
    two = answers({"ann": {"S1-Q1": 1, "S2-Q1": 4}, "bob": {"S1-Q1": 2, "S2-Q1": 4}})
    assert domain_in(score(FOUR_PRACTICES, two)).stages[0].disputed == 0.0


# Section 4: domains, levels, indexes, next level


@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_level_counts_the_achieved_stages_from_the_first(level: int) -> None:
    reached = ["S1", "S2", "M1", "C1"][: [0, 2, 3, 4][level]]
    values = {p: ATTAINED if p in reached else UNATTAINED for p in ("S1", "S2", "M1", "C1")}
    domain = domain_in(scored(values))
    assert (domain.level, domain.level_name) == (level, LEVEL_NAMES[level])


def test_level_stops_at_the_first_stage_not_achieved() -> None:
    domain = domain_in(scored({"S1": UNATTAINED, "S2": UNATTAINED, "M1": 4, "C1": 4}))
    assert domain.level == 0


def test_a_stage_with_no_assessed_practice_stops_the_level() -> None:
    # Standardize could not be assessed: nothing can be claimed from it on (section 3)
    domain = domain_in(scored({"S1": NA, "S2": NA, "M1": ATTAINED, "C1": ATTAINED}))
    assert (domain.level, domain.level_name) == (0, "Initial")


def test_a_stage_with_no_assessed_practice_adds_nothing_to_the_index_from_it_on() -> None:
    # progress 1, then 0 (nothing assessed), so control counts min(1, 0, 1) = 0
    domain = domain_in(scored({"S1": ATTAINED, "S2": ATTAINED, "M1": NA, "C1": ATTAINED}))
    assert (domain.level, domain.index) == (1, 1.0)


def test_next_level_of_a_stage_with_no_assessed_practice_asks_for_it_to_be_assessed() -> None:
    next_level = domain_in(scored({"S1": ATTAINED, "S2": ATTAINED, "M1": NA})).next_level
    assert next_level is not None
    assert next_level.model_dump() == {
        "level": 2,
        "stage": "measure",
        "needed": None,
        "candidates": (),
    }


def test_index_sums_the_progress_of_every_stage() -> None:
    # S1, S2, M1 attained (progress 1, 1), C1 at 0.5 (credit 2/3): 1 + 1 + 2/3
    domain = domain_in(scored({"S1": 4, "S2": 4, "M1": 4, "C1": 2}))
    assert (domain.level, domain.index) == (2, 2.6667)


def test_a_stage_counts_in_the_index_no_further_than_a_stage_below_it() -> None:
    # measure at 2/3 caps control, though C1 is attained: 1 + 2/3 + min(2/3, 1)
    domain = domain_in(scored({"S1": 4, "S2": 4, "M1": 2, "C1": 4}))
    assert (domain.level, domain.index) == (1, 2.3333)


def test_the_index_and_the_level_are_separate_readings() -> None:
    # standardize misses 0.8 by one practice: level 0; its progress (1 + 2/3) / 2 = 5/6 caps
    # measure and control, attained: 3 x 5/6 = 2.5, whole part 2
    domain = domain_in(scored({"S1": 4, "S2": 2, "M1": 4, "C1": 4}))
    assert (domain.level, domain.index) == (0, 2.5)


def test_index_is_k_when_the_first_k_stages_are_attained_and_the_others_earn_nothing() -> None:
    domain = domain_in(scored({"S1": 4, "S2": 4, "M1": 4, "C1": 0}))
    assert (domain.level, domain.index) == (2, 2.0)


def test_index_moves_before_any_practice_is_attained() -> None:
    # every practice at 0.5 with a credit floor of 0.25: half its credit in each of the three
    # stages, 0.5 + 0.5 + 0.5, while nothing is attained
    domain = domain_in(scored({"S1": 2, "S2": 2, "M1": 2, "C1": 2}, credit_floor=0.25))
    assert (domain.level, domain.attainment, domain.index) == (0, 0.0, 1.5)


def test_index_of_a_domain_holding_an_unattained_practice_is_written_below_the_top() -> None:
    # M1 at 2 of 3, written 0.6667, short of a threshold of 0.66671: credit 0.99998, so the
    # index 1 + 0.99998 would round to 2.0, the number of stages, and is written 1.9999
    near = questionnaire(
        practice("S1", stage="standardize"),
        practice("M1", stage="measure"),
        stages=("standardize", "measure"),
        scale_top=3,
        attainment_threshold=0.66671,
    )
    domain = domain_in(score(near, answers({"ann": {"S1-Q1": 3, "M1-Q1": 2}})))
    assert (domain.level, domain.index) == (1, 1.9999)


def test_index_is_the_number_of_stages_at_the_top_level() -> None:
    domain = domain_in(scored({"S1": 4, "S2": 4, "M1": 4, "C1": 4}))
    assert (domain.level, domain.index) == (3, 3.0)


def test_domain_figures_cover_all_its_assessed_practices() -> None:
    # credits 1, 2/3 and 0: progress (1 + 2/3) / 3 = 5/9
    domain = domain_in(scored({"S1": 4, "S2": 2, "M1": 0, "C1": NA}))
    assert (
        domain.practices_assessed,
        domain.practices_attained,
        domain.attainment,
        domain.progress,
        domain.score,
    ) == (3, 1, 0.3333, 0.5556, 0.5)


def test_domain_with_no_assessed_practice_has_null_figures() -> None:
    domain = domain_in(scored({"S1": NA, "S2": NA, "M1": NA, "C1": NA}))
    assert domain.model_dump(exclude={"stages"}) == {
        "id": "project",
        "name": "Project",
        "in_scope": True,
        "assessed": False,
        "attainment": None,
        "progress": None,
        "score": None,
        "level": None,
        "level_name": None,
        "index": None,
        "practices_assessed": 0,
        "practices_attained": 0,
        "next_level": None,
    }


def test_next_level_is_null_at_the_top_level() -> None:
    assert domain_in(scored({"S1": 4, "S2": 4, "M1": 4, "C1": 4})).next_level is None


def test_next_level_names_the_next_stage_and_its_unattained_practices_lowest_score_first() -> None:
    next_level = domain_in(scored({"S1": 2, "S2": 1, "M1": 4, "C1": 4})).next_level
    assert next_level is not None
    assert next_level.model_dump() == {
        "level": 1,
        "stage": "standardize",
        "needed": 2,
        "candidates": ("S2", "S1"),
    }


def test_next_level_needed_is_the_fewest_practices_to_reach_the_stage_threshold() -> None:
    card = staged(5, 1, 1)  # five practices in standardize, none attained
    next_level = domain_in(card).next_level
    assert next_level is not None
    assert next_level.needed == 4  # 4 / 5 = 0.8


def test_next_level_needed_counts_practices_already_attained() -> None:
    practices = [practice(f"S{n}") for n in range(1, 6)]
    five = questionnaire(*practices, stage_threshold=0.6)
    card = score(five, answers({"ann": {"S1-Q1": 4, "S2-Q1": 1}}))
    next_level = domain_in(card).next_level
    assert next_level is not None
    assert (next_level.needed, next_level.candidates) == (2, ("S3", "S4", "S5", "S2"))


def test_next_level_candidates_with_equal_scores_keep_questionnaire_order() -> None:
    next_level = domain_in(scored({"S1": 1, "S2": 1})).next_level
    assert next_level is not None
    assert next_level.candidates == ("S1", "S2")


def test_stage_threshold_comes_from_the_questionnaire() -> None:
    lenient = scored({"S1": ATTAINED, "S2": UNATTAINED}, stage_threshold=0.5)
    assert domain_in(lenient).level == 1


# Section 5: overall and enablers


TWO_DOMAINS = questionnaire(
    practice("A1", domain="project", stage="standardize"),
    practice("A2", domain="project", stage="measure"),
    practice("B1", domain="program", stage="standardize"),
    practice("B2", domain="program", stage="measure"),
    practice("E1", enabler="structural"),
    practice("E2", enabler="structural"),
    practice("E3", enabler="cultural"),
    domains=("project", "program"),
    stages=("standardize", "measure"),
    enablers=("structural", "cultural"),
)


def test_overall_level_and_index_are_those_of_the_weakest_domain() -> None:
    card = score(TWO_DOMAINS, one_respondent({"A1": 4, "A2": 4, "B1": 4, "B2": 0}))
    overall = card.overall
    assert (overall.level, overall.level_name, overall.index) == (1, "Standardized", 1.0)


def test_overall_level_and_index_are_each_the_lowest_and_may_be_two_domains() -> None:
    # project: A1 at 0.5 (credit 2/3), A2 attained: level 0, index 2/3 + 2/3 = 1.3333;
    # program: B1 attained, B2 at 0: level 1, index 1.0
    card = score(TWO_DOMAINS, one_respondent({"A1": 2, "A2": 4, "B1": 4, "B2": 0}))
    assert [(domain.level, domain.index) for domain in card.domains] == [(0, 1.3333), (1, 1.0)]
    assert (card.overall.level, card.overall.index) == (0, 1.0)


def test_overall_attainment_covers_every_domain_practice_but_no_enabler() -> None:
    # B2 at 0.5: credit 2/3; progress (3 + 2/3) / 4 = 11/12; score (3 + 0.5) / 4
    values = {"A1": 4, "A2": 4, "B1": 4, "B2": 2, "E1": 0, "E2": 0, "E3": 0}
    overall = score(TWO_DOMAINS, one_respondent(values)).overall
    assert (
        overall.practices_assessed,
        overall.practices_attained,
        overall.attainment,
        overall.progress,
        overall.score,
    ) == (4, 3, 0.75, 0.9167, 0.875)


def test_overall_leaves_out_domains_that_are_not_assessed() -> None:
    values: Values = {"A1": NA, "A2": NA, "B1": 4, "B2": 4}
    overall = score(TWO_DOMAINS, one_respondent(values)).overall
    assert (overall.level, overall.index) == (2, 2.0)


def test_overall_is_null_when_no_domain_is_assessed() -> None:
    values: Values = {"A1": NA, "A2": NA, "B1": NA, "B2": NA, "E1": 4}
    overall = score(TWO_DOMAINS, one_respondent(values)).overall
    assert overall.model_dump() == {
        "attainment": None,
        "progress": None,
        "score": None,
        "level": None,
        "level_name": None,
        "index": None,
        "practices_assessed": 0,
        "practices_attained": 0,
    }


def test_enabler_category_is_the_group_of_its_practices() -> None:
    card = score(TWO_DOMAINS, one_respondent({"E1": 4, "E2": 2, "E3": NA}))
    structural, cultural = card.enablers
    # E1 attained (credit 1), E2 at 0.5 (credit 2/3): progress 5/6
    assert structural.model_dump() == {
        "id": "structural",
        "name": "Structural",
        "practices_assessed": 2,
        "practices_attained": 1,
        "attainment": 0.5,
        "progress": 0.8333,
        "score": 0.75,
    }
    assert (
        cultural.practices_assessed,
        cultural.attainment,
        cultural.progress,
        cultural.score,
    ) == (0, None, None, None)
