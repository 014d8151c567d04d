"""A score card from its scored questions: credit, practices, gaps, disagreements (scoring.md).

The one path from the questions of section 1, as a card writes them, to the whole card:
`score` feeds it the questions it has just scored from the answers, `rescore` the questions
stored in a card of an older version. Each question's `score` and `dispersion` are read as
written (rounded to 4 decimals), so that both make the same card, byte for byte, of the same
answers (general rules, section 8). Question credits (section 1) and best practices (section 2)
are scored here; cells, domains, levels, indexes, overall and enablers (sections 3 to 5) by
`scoring.maturity`; gaps, disagreements and completeness (section 6) here again.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

from questionnaires import BestPractice, Questionnaire
from scoring.card import SCORING_VERSION, Basis, ScoreCard
from scoring.maturity import NOT_ASSESSED, PracticeOutcome, assess_maturity
from scoring.precision import TOLERANCE, rounded, short_of_one

__all__ = ["DISAGREEMENT_THRESHOLD", "QuestionData", "score_card_from_questions"]

DISAGREEMENT_THRESHOLD = 0.25

# One question as the card writes it (section 1), without its credit: `id`, `status`, `score`
# and `dispersion` (rounded), `responses`. The card data of the question; its credit is added.
QuestionData = dict[str, Any]


def score_card_from_questions(
    questionnaire: Questionnaire,
    questions: Mapping[str, QuestionData],
    *,
    domains: tuple[str, ...],
    practices: Sequence[BestPractice],
    respondents: int,
    basis: Basis,
) -> ScoreCard:
    """Return the card of scored questions (scoring.md sections 1 to 7).

    `questions` holds every in-scope question, in questionnaire order, as a card writes it
    (section 1): each gets its `credit` here. `domains` are the domain ids in scope and
    `practices` their best practices and the enablers' (`scoring.scope`); `respondents` is
    the count of section 6, `basis` that of section 9. The parameters are the questionnaire's.
    """
    parameters = questionnaire.scoring
    disputed = _credit_questions(questions, questionnaire)
    outcomes: dict[str, PracticeOutcome] = {}
    practice_cards: list[dict[str, Any]] = []
    for practice in practices:
        outcome = _score_practice(practice, questions, disputed, questionnaire)
        outcomes[practice.id] = outcome
        practice_cards.append(
            {
                "id": practice.id,
                "title": practice.title,
                "domain": practice.domain,
                "stage": practice.stage,
                "enabler": practice.enabler,
                "assessed": outcome.assessed,
                "score": None if outcome.score is None else rounded(outcome.score),
                "attained": outcome.attained if outcome.assessed else None,
                "credit": _written_credit(outcome),
                "questions": [questions[question.id] for question in practice.questions],
            }
        )
    maturity = assess_maturity(
        questionnaire, outcomes, stage_threshold=parameters.stage_threshold, scope=domains
    )
    statuses = [question["status"] for question in questions.values()]
    answered = statuses.count("answered")
    not_applicable = statuses.count("not_applicable")
    unknown = statuses.count("unknown")
    return ScoreCard.model_validate(
        {
            "scoring_version": SCORING_VERSION,
            "questionnaire": {"key": questionnaire.key, "version": questionnaire.version},
            "basis": basis,
            "indicative": questionnaire.subset_of is not None,
            "parameters": {
                "attainment_threshold": parameters.attainment_threshold,
                "stage_threshold": parameters.stage_threshold,
                "aggregation": parameters.aggregation,
                "credit_floor": parameters.credit_floor,
                "question_floor": parameters.question_floor,
                "shortfalls_allowed": parameters.shortfalls_allowed,
            },
            "scope": domains,
            "respondents": respondents,
            "completeness": {
                "questions": len(statuses),
                "answered": answered,
                "not_applicable": not_applicable,
                "unknown": unknown,
                "unanswered": len(statuses) - answered - not_applicable - unknown,
                "ratio": rounded((answered + not_applicable) / len(statuses)),
            },
            **maturity,
            "best_practices": practice_cards,
            "gaps": _gaps(questionnaire, practice_cards),
            "disagreements": _disagreements(questions, disputed),
        }
    )


def _credit_questions(
    questions: Mapping[str, QuestionData], questionnaire: Questionnaire
) -> frozenset[str]:
    """Give every question its credit (section 1); return the ids of the disagreements (6).

    `credit = min(1, max(0, (score - credit_floor) / (attainment_threshold - credit_floor)))`
    on the score as written: 1 at or above the threshold (within the tolerance), written at
    most 0.9999 below it; null for a question not applicable.
    """
    parameters = questionnaire.scoring
    threshold = parameters.attainment_threshold - TOLERANCE
    floor = parameters.credit_floor
    span = parameters.attainment_threshold - floor
    disagreement = DISAGREEMENT_THRESHOLD - TOLERANCE
    disputed: list[str] = []
    for question_id, question in questions.items():
        score = question["score"]
        if score is None:
            question["credit"] = None
            continue
        question["credit"] = (
            1.0 if score >= threshold else short_of_one(max(0.0, (score - floor) / span))
        )
        if question["responses"] >= 2 and question["dispersion"] >= disagreement:
            disputed.append(question_id)
    return frozenset(disputed)


def _score_practice(
    practice: BestPractice,
    questions: Mapping[str, QuestionData],
    disputed: frozenset[str],
    questionnaire: Questionnaire,
) -> PracticeOutcome:
    """Score one best practice from its questions as written (section 2), unrounded.

    Its scored questions are those not `not_applicable`. It is attained when none of them is
    below `question_floor` and at most `min(shortfalls_allowed, n - 1)` of the `n` are below
    `attainment_threshold`, counted one by one whatever their weight; its score is their
    weighted mean, its credit 1 when attained, else the weighted mean of their credits.
    """
    parameters = questionnaire.scoring
    threshold = parameters.attainment_threshold
    span = threshold - parameters.credit_floor
    floor = parameters.credit_floor
    weights: list[float] = []
    weighted_scores: list[float] = []
    weighted_credits: list[float] = []
    shortfalls = 0
    below_floor = False
    answered = disagreements = 0
    for question in practice.questions:
        scored = questions[question.id]
        score = scored["score"]
        if score is None:
            continue
        if scored["status"] == "answered":
            answered += 1
            disagreements += question.id in disputed
        weight = question.weight
        weights.append(weight)
        weighted_scores.append(weight * score)
        if score < threshold - TOLERANCE:
            shortfalls += 1
            below_floor = below_floor or score < parameters.question_floor - TOLERANCE
            # Unrounded: the written credit is rounded, the practice's comes from this.
            weighted_credits.append(weight * max(0.0, (score - floor) / span))
        else:
            weighted_credits.append(weight)
    if not weights:
        return NOT_ASSESSED
    total_weight = math.fsum(weights)
    attained = not below_floor and shortfalls <= min(
        parameters.shortfalls_allowed, len(weights) - 1
    )
    return PracticeOutcome(
        assessed=True,
        attained=attained,
        score=math.fsum(weighted_scores) / total_weight,
        credit=1.0 if attained else math.fsum(weighted_credits) / total_weight,
        answered=answered,
        disputed=disagreements,
    )


def _written_credit(outcome: PracticeOutcome) -> float | None:
    """A credit as the card writes it: an unattained practice's stays below 1 (section 2)."""
    if outcome.credit is None:
        return None
    return rounded(outcome.credit) if outcome.attained else short_of_one(outcome.credit)


def _disagreements(
    questions: Mapping[str, QuestionData], disputed: frozenset[str]
) -> list[dict[str, Any]]:
    """The questions whose respondents disagree, highest dispersion first (section 6).

    Dispersions are compared as the card shows them; the sort is stable, so ties keep
    questionnaire order.
    """
    found = [
        {
            "id": question_id,
            "dispersion": question["dispersion"],
            "responses": question["responses"],
        }
        for question_id, question in questions.items()
        if question_id in disputed
    ]
    found.sort(key=itemgetter("dispersion"), reverse=True)
    return found


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
