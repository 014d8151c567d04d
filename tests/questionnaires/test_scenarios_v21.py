"""Realistic organizations answering the built-in 2.1.0 questionnaires (issue 22, "Proof").

Each test is one organization as an assessor would meet it, scored with scoring version 3; its
docstring says what an assessor would expect to read on the card. When one fails, the content
is what needs fixing, not the expectation.

On the scale, 2 is "Partially in place" (0.5, the question floor), 3 "Largely in place" (0.75,
the attainment threshold); "Initial" (0.25) is the credit floor.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import pytest

from questionnaires import BestPractice, Question, Questionnaire, builtin_directory, load_file
from scoring import Answer, ScoreCard, score

from .test_builtin_v21 import BINDS_A_FORM, EVENT_NA

NOT_IN_PLACE, INITIAL, PARTIALLY, LARGELY, FULLY = range(5)

# How an organization answers one question of one practice: a scale value, or None for N/A.
Answering = Callable[[BestPractice, Question], int | None]


@pytest.fixture(scope="module")
def full() -> Questionnaire:
    return load_file(builtin_directory() / "opm3-style-2.1.0.yaml").questionnaire


@pytest.fixture(scope="module")
def full_2() -> Questionnaire:
    return load_file(builtin_directory() / "opm3-style-2.0.0.yaml").questionnaire


@pytest.fixture(scope="module")
def quick() -> Questionnaire:
    return load_file(builtin_directory() / "opm3-quick-2.1.0.yaml").questionnaire


def _card(
    questionnaire: Questionnaire,
    answering: Answering,
    *,
    scope: Collection[str] | None = None,
) -> ScoreCard:
    """The card of one respondent who answers every in-scope question as `answering` says."""
    answers = []
    for practice in questionnaire.best_practices:
        if scope is not None and practice.domain is not None and practice.domain not in scope:
            continue
        for question in practice.questions:
            value = answering(practice, question)
            answers.append(
                Answer("assessor", question.id, None, not_applicable=True)
                if value is None
                else Answer("assessor", question.id, value)
            )
    return score(questionnaire, answers, scope=scope)


def _is_event(question: Question) -> bool:
    return bool(EVENT_NA.search(question.help or ""))


def _readings(card: ScoreCard) -> dict[str, tuple[int | None, float | None]]:
    return {domain.id: (domain.level, domain.index) for domain in card.domains if domain.in_scope}


def _by_stage(
    standardize: int, measure: int, control: int, improve: int, enablers: int
) -> Answering:
    """A mature organization in which events happened and were handled like everything else."""
    values = {
        "standardize": standardize,
        "measure": measure,
        "control": control,
        "improve": improve,
    }

    def answering(practice: BestPractice, _question: Question) -> int:
        return enablers if practice.stage is None else values[practice.stage]

    return answering


def _agile(plan_driven: Answering) -> Answering:
    """The same organization working iteratively: its backlogs, boards, working agreements and
    dashboards hold the same facts as the plan-driven one's registers and plans, its portfolio
    office is a lean team, and its portfolio funds stable teams and brings the work to them. It
    answers as the plan-driven organization wherever a statement accepts any form, and Not in
    place where a statement binds the one form it does not use (a template, a prescribed format,
    a communication plan, a PMO's own authority, and in the portfolio capacity counted only per
    person and role, resource requests, hours per project)."""

    def answering(practice: BestPractice, question: Question) -> int | None:
        if BINDS_A_FORM.search(question.text):
            return NOT_IN_PLACE
        return plan_driven(practice, question)

    return answering


def test_largely_in_place_everywhere_without_events_is_level_four(full: Questionnaire) -> None:
    """An organization in control, where nothing went wrong in two years: every practice in
    70% to 90% of cases, no breach, miss or shortfall to respond to (N/A). Nothing is missing,
    so an assessor expects level 4 in every domain (2.0.0 capped those answers at Partially,
    and held several Control practices back)."""
    card = _card(full, lambda _p, q: None if _is_event(q) else LARGELY)
    assert [domain.level for domain in card.domains] == [4, 4, 4]


def test_an_organization_without_events_attains_every_practice(full: Questionnaire) -> None:
    """The same organization: no practice is left unattained for want of an event."""
    card = _card(full, lambda _p, q: None if _is_event(q) else LARGELY)
    assert [p.id for p in card.best_practices if p.attained is not True] == []


def test_partially_in_place_everywhere_is_index_two(full: Questionnaire) -> None:
    """Halfway there on everything, events included: every question earns half its credit, so
    an assessor expects level 0 (nothing attained) and an index of exactly 2.0 in every
    domain."""
    card = _card(full, lambda _p, _q: PARTIALLY)
    assert _readings(card) == dict.fromkeys(["project", "program", "portfolio"], (0, 2.0))


def test_a_strong_project_office_scoped_to_projects_is_at_least_controlled(
    full: Questionnaire,
) -> None:
    """A company that runs projects only, with a directive project office: its method is
    written and followed on nearly every project, its measures are collected, and the limits on
    them are watched, with one gap (the risk procedure has a target nobody compares yet);
    breaches happened and were handled; improvement is under way but young. It buys no project
    work. Assessed on the project domain only, an assessor expects at least level 3 for
    projects, and the card to lead with it."""

    def project_office(practice: BestPractice, question: Question) -> int | None:
        if question.allow_not_applicable and "supplier" in question.text.casefold():
            return None
        if practice.enabler is not None:
            return PARTIALLY
        if practice.stage == "standardize":
            return FULLY
        if practice.stage == "measure":
            return LARGELY
        if practice.stage == "control":
            return PARTIALLY if practice.id == "PRJ-CTL-08" else LARGELY
        return PARTIALLY

    card = _card(full, project_office, scope=["project"])
    [project] = [domain for domain in card.domains if domain.id == "project"]
    assert project.level is not None and project.level >= 3
    assert card.overall.level == project.level
    assert [domain.id for domain in card.domains if domain.in_scope] == ["project"]


def test_an_agile_organization_scores_like_a_plan_driven_one_with_the_same_evidence(
    full: Questionnaire,
) -> None:
    """Two organizations with the same practices, one working to plans and registers, one with
    backlogs, boards and a lean portfolio team: every statement of 2.1.0 accepts either's
    records, so an assessor expects the same levels and indexes, domains and enablers alike."""
    plan_driven = _by_stage(FULLY, LARGELY, LARGELY, PARTIALLY, LARGELY)
    plan_card = _card(full, plan_driven)
    agile_card = _card(full, _agile(plan_driven))
    assert _readings(agile_card) == _readings(plan_card)
    assert agile_card.enablers == plan_card.enablers


def test_the_same_agile_organization_read_lower_on_2_0_0(full_2: Questionnaire) -> None:
    """What 2.1.0 fixes (issue 22, finding 3, and the independent review's finding B2): on 2.0.0
    the agile organization lost project and program Standardize to items bound to a template or a
    prescribed format, and its stable-team portfolio lost the portfolio resource chain
    (capacity, requests, hours per project), which held the portfolio at level 1."""
    plan_driven = _by_stage(FULLY, LARGELY, LARGELY, PARTIALLY, LARGELY)
    plan = _readings(_card(full_2, plan_driven))
    agile = _readings(_card(full_2, _agile(plan_driven)))
    lower_level = [d for d in plan if (agile[d][0] or 0) < (plan[d][0] or 0)]
    assert lower_level == ["project", "program", "portfolio"]


def test_the_quick_scan_answered_partially_reads_index_two_and_is_indicative(
    quick: Questionnaire,
) -> None:
    """A first look at an organization halfway there: the quick scan shows the same index as
    the full questionnaire would (2.0) and marks its card indicative."""
    card = _card(quick, lambda _p, _q: PARTIALLY)
    assert _readings(card) == dict.fromkeys(["project", "program", "portfolio"], (0, 2.0))
    assert card.indicative is True
