"""scoring.md section 0: an assessment's scope, the domains it covers."""

from __future__ import annotations

from collections.abc import Collection

import pytest

from scoring import InvalidAnswersError, ScoreCard, score

from .factories import BLANK, DONT_KNOW, NA, Values, answers, domain_in, practice, questionnaire

STAGES = ("standardize", "measure")

THREE_DOMAINS = questionnaire(
    practice("PRJ-S", domain="project", stage="standardize"),
    practice("PRJ-M", domain="project", stage="measure"),
    practice("PGM-S", domain="program", stage="standardize"),
    practice("PGM-M", domain="program", stage="measure"),
    practice("PFL-S", domain="portfolio", stage="standardize"),
    practice("PFL-M", domain="portfolio", stage="measure"),
    practice("ENB", enabler="structural"),
    domains=("project", "program", "portfolio"),
    stages=STAGES,
    enablers=("structural",),
)

PROJECT_ATTAINED: Values = {"PRJ-S-Q1": 4, "PRJ-M-Q1": 4}


def scored(values: Values, scope: Collection[str] | None) -> ScoreCard:
    """THREE_DOMAINS answered `values` by one respondent, over `scope`."""
    return score(THREE_DOMAINS, answers({"ann": values}), scope=scope)


# Refusals


def test_an_unknown_domain_in_the_scope_raises_naming_it() -> None:
    with pytest.raises(ValueError, match=r"unknown domain 'pmo' in the scope"):
        scored({}, ["project", "pmo"])


def test_a_domain_repeated_in_the_scope_raises_naming_it() -> None:
    with pytest.raises(ValueError, match=r"domain 'project' repeated in the scope"):
        scored({}, ["project", "program", "project"])


def test_an_empty_scope_raises() -> None:
    with pytest.raises(ValueError, match=r"the scope is empty"):
        scored({}, [])


def test_a_value_to_a_question_outside_the_scope_raises_naming_it() -> None:
    with pytest.raises(
        InvalidAnswersError,
        match=r"question 'PGM-S-Q1' is in domain 'program', outside the scope "
        r"\(respondent 'ann', question 'PGM-S-Q1'\)",
    ):
        scored({**PROJECT_ATTAINED, "PGM-S-Q1": 3}, ["project"])


def test_not_applicable_to_a_question_outside_the_scope_raises_naming_it() -> None:
    with pytest.raises(
        InvalidAnswersError, match=r"question 'PFL-M-Q1' is in domain 'portfolio', outside"
    ):
        scored({**PROJECT_ATTAINED, "PFL-M-Q1": NA}, ["project", "program"])


def test_dont_know_to_a_question_outside_the_scope_raises_naming_it() -> None:
    with pytest.raises(
        InvalidAnswersError, match=r"question 'PGM-M-Q1' is in domain 'program', outside"
    ):
        scored({**PROJECT_ATTAINED, "PGM-M-Q1": DONT_KNOW}, ["project"])


def test_one_error_names_every_answer_outside_the_scope() -> None:
    given = answers(
        {
            "ann": {"PRJ-S-Q1": 4, "PGM-S-Q1": 1},
            "bob": {"PFL-S-Q1": NA, "PGM-S-Q1": 2},
        }
    )
    with pytest.raises(InvalidAnswersError) as raised:
        score(THREE_DOMAINS, given, scope=["project"])
    assert [(p.respondent_id, p.question_id) for p in raised.value.problems] == [
        ("ann", "PGM-S-Q1"),
        ("bob", "PGM-S-Q1"),
        ("bob", "PFL-S-Q1"),
    ]


def test_a_blank_to_a_question_outside_the_scope_takes_no_part() -> None:
    # A blank is neither a value nor N/A: nothing to refuse (sections 0 and 1)
    with_blanks = answers(
        {"ann": {**PROJECT_ATTAINED, "PGM-S-Q1": BLANK}, "bob": {"PFL-S-Q1": BLANK}}
    )
    without = answers({"ann": PROJECT_ATTAINED})
    assert (
        score(THREE_DOMAINS, with_blanks, scope=["project"]).model_dump_json()
        == score(THREE_DOMAINS, without, scope=["project"]).model_dump_json()
    )


# The scope on the card


def test_the_scope_is_listed_in_questionnaire_order() -> None:
    assert scored({}, ["portfolio", "project"]).scope == ("project", "portfolio")


def test_no_scope_means_every_domain() -> None:
    assert scored({}, None).scope == ("project", "program", "portfolio")


def test_a_scope_naming_every_domain_gives_the_card_of_no_scope() -> None:
    every = {"portfolio", "program", "project"}
    assert scored(PROJECT_ATTAINED, every) == scored(PROJECT_ATTAINED, None)


def test_an_out_of_scope_domain_keeps_its_entry_with_null_figures() -> None:
    program = domain_in(scored(PROJECT_ATTAINED, ["project"]), "program")
    assert program.model_dump() == {
        "id": "program",
        "name": "Program",
        "in_scope": False,
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
        "stages": (),
    }


def test_an_in_scope_domain_says_so() -> None:
    project = domain_in(scored(PROJECT_ATTAINED, ["project"]), "project")
    assert (project.in_scope, project.assessed, project.level) == (True, True, 2)


def test_an_in_scope_domain_nobody_assessed_lists_its_stages() -> None:
    program = domain_in(scored({"PGM-S-Q1": NA, "PGM-M-Q1": NA}, ["program"]), "program")
    assert (program.in_scope, program.assessed) == (True, False)
    assert [stage.id for stage in program.stages] == list(STAGES)


def test_out_of_scope_practices_are_left_out_of_best_practices() -> None:
    card = scored(PROJECT_ATTAINED, ["project"])
    assert [p.id for p in card.best_practices] == ["PRJ-S", "PRJ-M", "ENB"]


def test_enabler_practices_are_always_in_scope() -> None:
    card = scored({"ENB-Q1": 4}, ["portfolio"])
    assert "ENB" in [p.id for p in card.best_practices]
    assert card.enablers[0].practices_attained == 1


def test_out_of_scope_practices_are_no_gaps() -> None:
    # unanswered, PGM-* and PFL-* would score 0 and be gaps were they in scope
    everything = scored({**PROJECT_ATTAINED, "ENB-Q1": 4}, None)
    assert [gap.id for gap in everything.gaps] == ["PGM-S", "PFL-S", "PGM-M", "PFL-M"]
    assert scored({**PROJECT_ATTAINED, "ENB-Q1": 4}, ["project"]).gaps == ()


def test_disagreements_cover_in_scope_questions_only() -> None:
    split = {"ann": {"PRJ-S-Q1": 0, "PGM-S-Q1": 0}, "bob": {"PRJ-S-Q1": 4, "PGM-S-Q1": 4}}
    everything = score(THREE_DOMAINS, answers(split))
    assert [d.id for d in everything.disagreements] == ["PRJ-S-Q1", "PGM-S-Q1"]
    project_only = {respondent: {"PRJ-S-Q1": v["PRJ-S-Q1"]} for respondent, v in split.items()}
    scoped = score(THREE_DOMAINS, answers(project_only), scope=["project"])
    assert [d.id for d in scoped.disagreements] == ["PRJ-S-Q1"]


def test_completeness_counts_in_scope_questions_only() -> None:
    # PRJ-S-Q1, PRJ-M-Q1 and ENB-Q1: the 4 questions of program and portfolio are not asked
    card = scored({"PRJ-S-Q1": 4, "PRJ-M-Q1": NA}, ["project"])
    assert card.completeness.model_dump() == {
        "questions": 3,
        "answered": 1,
        "not_applicable": 1,
        "unknown": 0,
        "unanswered": 1,
        "ratio": 0.6667,
    }


def test_overall_covers_in_scope_domains_only() -> None:
    # Unanswered, program and portfolio would be level 0, and the overall level with them
    assert scored(PROJECT_ATTAINED, None).overall.level == 0
    overall = scored(PROJECT_ATTAINED, ["project"]).overall
    assert overall.model_dump() == {
        "attainment": 1.0,
        "progress": 1.0,
        "score": 1.0,
        "level": 2,
        "level_name": "Measured",
        "index": 2.0,
        "practices_assessed": 2,
        "practices_attained": 2,
    }


def test_overall_is_the_weakest_in_scope_domain() -> None:
    # project level 2; program: PGM-S attained, PGM-M at 0.5 (credit 2/3): level 1, index 1.6667
    values = {**PROJECT_ATTAINED, "PGM-S-Q1": 4, "PGM-M-Q1": 2}
    overall = scored(values, ["project", "program"]).overall
    assert (overall.level, overall.index, overall.practices_assessed) == (1, 1.6667, 4)
