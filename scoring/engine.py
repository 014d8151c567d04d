"""`score`: a questionnaire and its respondents' answers in, a score card out (scoring.md).

Questions (section 1) and best practices (section 2) are scored here; cells, domains, levels,
overall and enablers (sections 3 to 5) by `scoring.maturity`, which `compare` shares; gaps,
disagreements and completeness (section 6) here again. Values are summed as exact integers
and floats with `math.fsum`, so the order in which answers arrive cannot change a digit.

The card is built as plain data and validated once, in one call: pydantic-core checks the
hundreds of entries of a card faster than Python constructs them one by one.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from operator import itemgetter, mul
from typing import Any, NamedTuple

from questionnaires import BestPractice, Questionnaire, ScoringParameters
from scoring.answers import AnswerLike, Tally, tally_answers
from scoring.card import SCORING_VERSION, ScoreCard
from scoring.maturity import NOT_ASSESSED, PracticeOutcome, assess_maturity, credit
from scoring.precision import reaches, rounded, short_of_one

__all__ = ["DISAGREEMENT_THRESHOLD", "in_scope", "practices_in_scope", "score"]

DISAGREEMENT_THRESHOLD = 0.25


class _ScoredQuestions(NamedTuple):
    """Every question over all respondents (section 1), in questionnaire order."""

    scores: dict[str, float | None]  # unrounded, for the best practices
    cards: dict[str, dict[str, Any]]  # card data, rounded
    disagreements: list[dict[str, Any]]  # card data, in the order of section 6


def _score_questions(tally: Tally, top: int, aggregation: str) -> _ScoredQuestions:
    """Score every question over all respondents (section 1) and find disagreements (6)."""
    scores: dict[str, float | None] = {}
    cards: dict[str, dict[str, Any]] = {}
    disagreements: list[dict[str, Any]] = []
    for question_id, values in tally.values.items():
        count = len(values)
        if count == 0:
            if question_id in tally.marked_not_applicable:
                scores[question_id] = None
                status = "not_applicable"
            else:
                # What no one vouches for counts as not in place.
                scores[question_id] = 0.0
                status = "unanswered"
            cards[question_id] = {
                "id": question_id,
                "status": status,
                "score": scores[question_id],
                "dispersion": None,
                "responses": 0,
            }
            continue
        total = tally.totals[question_id]
        if aggregation == "mean":
            aggregate = total / (count * top)
        elif aggregation == "median":
            ordered = sorted(values)
            middle = count // 2
            if count % 2:
                aggregate = ordered[middle] / top
            else:
                aggregate = (ordered[middle - 1] + ordered[middle]) / (2 * top)
        else:
            aggregate = min(values) / top
        # Population standard deviation of value / top, from exact integer sums:
        # sqrt(n * sum(v^2) - sum(v)^2) / (n * top); the radicand is an integer >= 0.
        dispersion = math.sqrt(count * sum(map(mul, values, values)) - total * total) / (
            count * top
        )
        scores[question_id] = aggregate
        cards[question_id] = card = {
            "id": question_id,
            "status": "answered",
            "score": rounded(aggregate),
            "dispersion": rounded(dispersion),
            "responses": count,
        }
        if count >= 2 and reaches(dispersion, DISAGREEMENT_THRESHOLD):
            disagreements.append(
                {"id": question_id, "dispersion": card["dispersion"], "responses": count}
            )
    # Highest dispersion first, as the card shows it (rounded); the sort is stable, so ties
    # keep questionnaire order.
    disagreements.sort(key=itemgetter("dispersion"), reverse=True)
    return _ScoredQuestions(scores=scores, cards=cards, disagreements=disagreements)


def _score_practice(
    practice: BestPractice, questions: _ScoredQuestions, parameters: ScoringParameters
) -> tuple[PracticeOutcome, dict[str, Any]]:
    """Score one best practice: the weighted mean of its scored questions, its credit (section 2).

    Returns its outcome (unrounded) and its card data with its questions (rounded).
    """
    weighted: list[float] = []
    weights: list[float] = []
    for question in practice.questions:
        question_score = questions.scores[question.id]
        if question_score is not None:
            weighted.append(question.weight * question_score)
            weights.append(question.weight)
    outcome = NOT_ASSESSED
    if weights:
        practice_score = math.fsum(weighted) / math.fsum(weights)
        attained = reaches(practice_score, parameters.attainment_threshold)
        outcome = PracticeOutcome(
            assessed=True,
            attained=attained,
            score=practice_score,
            credit=credit(
                practice_score,
                attained=attained,
                floor=parameters.credit_floor,
                threshold=parameters.attainment_threshold,
            ),
        )
    card = {
        "id": practice.id,
        "title": practice.title,
        "domain": practice.domain,
        "stage": practice.stage,
        "enabler": practice.enabler,
        "assessed": outcome.assessed,
        "score": None if outcome.score is None else rounded(outcome.score),
        "attained": outcome.attained if outcome.assessed else None,
        "credit": _written_credit(outcome),
        "questions": [questions.cards[question.id] for question in practice.questions],
    }
    return outcome, card


def _written_credit(outcome: PracticeOutcome) -> float | None:
    """A credit as the card writes it: an unattained practice's stays below 1 (section 2)."""
    if outcome.credit is None:
        return None
    return rounded(outcome.credit) if outcome.attained else short_of_one(outcome.credit)


def in_scope(questionnaire: Questionnaire, scope: Collection[str] | None) -> tuple[str, ...]:
    """Return the domain ids in scope, in questionnaire order (scoring.md section 0).

    `None` means every domain. Raises `ValueError` naming an unknown or repeated domain id,
    or for an empty scope.
    """
    domain_ids = [domain.id for domain in questionnaire.domains]
    if scope is None:
        return tuple(domain_ids)
    given = list(scope)
    if not given:
        raise ValueError("the scope is empty: name at least one domain")
    unknown = sorted({domain for domain in given if domain not in domain_ids})
    repeated = sorted({domain for domain in given if given.count(domain) > 1})
    problems = [f"unknown domain {domain!r} in the scope" for domain in unknown]
    problems += [f"domain {domain!r} repeated in the scope" for domain in repeated]
    if problems:
        raise ValueError("; ".join(problems))
    return tuple(domain for domain in domain_ids if domain in given)


def practices_in_scope(
    questionnaire: Questionnaire, domains: Collection[str]
) -> list[BestPractice]:
    """Return the best practices of the domains in scope, and every enabler practice (section 0).

    In questionnaire order; `domains` as `in_scope` returns them.
    """
    if len(domains) == len(questionnaire.domains):
        return questionnaire.best_practices
    return [
        practice
        for practice in questionnaire.best_practices
        if practice.domain is None or practice.domain in domains
    ]


def score(
    questionnaire: Questionnaire,
    answers: Iterable[AnswerLike],
    scope: Collection[str] | None = None,
) -> ScoreCard:
    """Return the score card of `answers` to `questionnaire` (scoring.md, sections 0 to 7).

    `scope` holds the domain ids the assessment covers (every domain when None): the others'
    practices are left out of the card, and answers to their questions are refused.
    Raises `ValueError` for a scope that is empty or names an unknown or repeated domain, and
    `InvalidAnswersError`, a `ValueError`, naming every answer that breaks section 0.
    Blank answers (no value, not N/A) are allowed and take no part.
    """
    domains = in_scope(questionnaire, scope)
    practices = practices_in_scope(questionnaire, domains)
    if len(domains) == len(questionnaire.domains):
        tally = tally_answers(questionnaire, answers)
    else:
        questions = {question.id: question for p in practices for question in p.questions}
        tally = tally_answers(questionnaire, answers, questions=questions)
    parameters = questionnaire.scoring
    scored = _score_questions(tally, questionnaire.scale.max_value, parameters.aggregation)
    outcomes: dict[str, PracticeOutcome] = {}
    practice_cards: list[dict[str, Any]] = []
    for practice in practices:
        outcome, card = _score_practice(practice, scored, parameters)
        outcomes[practice.id] = outcome
        practice_cards.append(card)
    maturity = assess_maturity(
        questionnaire, outcomes, stage_threshold=parameters.stage_threshold, scope=domains
    )

    statuses = [card["status"] for card in scored.cards.values()]
    answered = statuses.count("answered")
    not_applicable = statuses.count("not_applicable")

    return ScoreCard.model_validate(
        {
            "scoring_version": SCORING_VERSION,
            "questionnaire": {"key": questionnaire.key, "version": questionnaire.version},
            "parameters": {
                "attainment_threshold": parameters.attainment_threshold,
                "stage_threshold": parameters.stage_threshold,
                "aggregation": parameters.aggregation,
                "credit_floor": parameters.credit_floor,
            },
            "scope": domains,
            "respondents": tally.respondents,
            "completeness": {
                "questions": len(statuses),
                "answered": answered,
                "not_applicable": not_applicable,
                "unanswered": len(statuses) - answered - not_applicable,
                "ratio": rounded((answered + not_applicable) / len(statuses)),
            },
            **maturity,
            "best_practices": practice_cards,
            "gaps": _gaps(questionnaire, practice_cards),
            "disagreements": scored.disagreements,
        }
    )


def _gaps(
    questionnaire: Questionnaire, practice_cards: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Every assessed, unattained best practice, in the order of section 6, as card data.

    Domain practices first, by stage order, lowest score, domain order; then enabler
    practices by enabler order, lowest score; ties in questionnaire order. Scores are
    compared as the card shows them (rounded), so two practices that read alike tie.
    """
    stage_position = {stage.id: index for index, stage in enumerate(questionnaire.stages)}
    domain_position = {domain.id: index for index, domain in enumerate(questionnaire.domains)}
    enabler_position = {enabler.id: index for index, enabler in enumerate(questionnaire.enablers)}
    keyed: list[tuple[tuple[int, int, float, int], dict[str, Any]]] = []
    for card in practice_cards:
        if not card["assessed"] or card["attained"]:
            continue
        if card["enabler"] is None:
            stage, domain = stage_position[card["stage"]], domain_position[card["domain"]]
            key = (0, stage, card["score"], domain)
        else:
            key = (1, enabler_position[card["enabler"]], card["score"], 0)
        gap = {
            name: card[name]
            for name in ("id", "title", "domain", "stage", "enabler", "score", "credit")
        }
        keyed.append((key, gap))
    keyed.sort(key=lambda entry: entry[0])  # stable: ties keep questionnaire order
    return [gap for _, gap in keyed]
