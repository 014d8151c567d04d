"""Version "2" score cards for the rescoring properties, made from a questionnaire and answers.

`version_2_card` follows the last section of scoring.md, "What earlier versions did": a
practice is attained when its weighted mean score (over unrounded question scores) reaches the
attainment threshold, its credit comes from that mean, questions carry no credit, the index is
`level` + the progress of the cell of stage `level + 1`; no `disputed`, `indicative`, `basis`,
`question_floor`, `shortfalls_allowed`, don't know or `unknown`. The rest (questions, groups,
levels, next level, gaps, disagreements, completeness) is as scoring.md sections 0 to 7 say.

It is written apart from `scoring`, from the questionnaire and the answers alone, so that the
rescoring properties check the library against a card it did not make. It was checked against
the version "2" code itself before version "3" replaced it, and the cards that code wrote are
kept in `tests/data/cards` (`test_rescore.py` holds this helper to them, byte for byte).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from typing import Any, Protocol

from questionnaires import BestPractice, Questionnaire

TOLERANCE = 1e-9  # scoring.md, general rules: `x >= t` means `x >= t - 1e-9`


class StoredAnswer(Protocol):
    """An answer as version "2" read it: no "don't know"."""

    @property
    def respondent_id(self) -> str: ...
    @property
    def question_id(self) -> str: ...
    @property
    def value(self) -> int | None: ...
    @property
    def not_applicable(self) -> bool: ...


def _rounded(value: float) -> float:
    return round(value, 4) + 0.0


def _below_one(value: float) -> float:
    return min(_rounded(value), 0.9999)


def version_2_card(
    questionnaire: Questionnaire,
    answers: Iterable[StoredAnswer],
    scope: Collection[str] | None = None,
) -> dict[str, Any]:
    """Return, as JSON data, the card version "2" made of valid `answers` in `scope`."""
    parameters = questionnaire.scoring
    domains = [d.id for d in questionnaire.domains if scope is None or d.id in scope]
    practices = [p for p in questionnaire.best_practices if p.domain is None or p.domain in domains]
    values: dict[str, list[int]] = {q.id: [] for p in practices for q in p.questions}
    marked: set[str] = set()
    respondents: set[str] = set()
    for answer in answers:
        if answer.question_id not in values:
            continue
        if answer.value is not None:
            values[answer.question_id].append(answer.value)
            respondents.add(answer.respondent_id)
        elif answer.not_applicable:
            marked.add(answer.question_id)
            respondents.add(answer.respondent_id)

    top = questionnaire.scale.max_value
    scores: dict[str, float | None] = {}
    question_cards: dict[str, dict[str, Any]] = {}
    disagreements: list[dict[str, Any]] = []
    for question_id, given in values.items():
        count = len(given)
        if not count:
            status = "not_applicable" if question_id in marked else "unanswered"
            scores[question_id] = None if status == "not_applicable" else 0.0
            question_cards[question_id] = {
                "id": question_id,
                "status": status,
                "score": scores[question_id],
                "dispersion": None,
                "responses": 0,
            }
            continue
        total = sum(given)
        ordered = sorted(given)
        if parameters.aggregation == "mean":
            aggregate = total / (count * top)
        elif parameters.aggregation == "median":
            middle = count // 2
            aggregate = (
                ordered[middle] / top
                if count % 2
                else (ordered[middle - 1] + ordered[middle]) / (2 * top)
            )
        else:
            aggregate = ordered[0] / top
        dispersion = math.sqrt(count * sum(v * v for v in given) - total * total) / (count * top)
        scores[question_id] = aggregate
        question_cards[question_id] = {
            "id": question_id,
            "status": "answered",
            "score": _rounded(aggregate),
            "dispersion": _rounded(dispersion),
            "responses": count,
        }
        if count >= 2 and dispersion >= 0.25 - TOLERANCE:
            disagreements.append(
                {"id": question_id, "dispersion": _rounded(dispersion), "responses": count}
            )
    disagreements.sort(key=lambda d: d["dispersion"], reverse=True)

    threshold, floor = parameters.attainment_threshold, parameters.credit_floor
    outcomes: dict[str, tuple[float, bool, float] | None] = {}
    practice_cards = []
    for practice in practices:
        scored = [(q.weight, scores[q.id]) for q in practice.questions]
        weighted = [(w, s) for w, s in scored if s is not None]
        outcome = None
        if weighted:
            mean = math.fsum(w * s for w, s in weighted) / math.fsum(w for w, _ in weighted)
            attained = mean >= threshold - TOLERANCE
            credit = 1.0 if attained else max(0.0, (mean - floor) / (threshold - floor))
            outcome = (mean, attained, credit)
        outcomes[practice.id] = outcome
        practice_cards.append(
            {
                "id": practice.id,
                "title": practice.title,
                "domain": practice.domain,
                "stage": practice.stage,
                "enabler": practice.enabler,
                "assessed": outcome is not None,
                "score": None if outcome is None else _rounded(outcome[0]),
                "attained": None if outcome is None else outcome[1],
                "credit": None
                if outcome is None
                else (_rounded(outcome[2]) if outcome[1] else _below_one(outcome[2])),
                "questions": [question_cards[q.id] for q in practice.questions],
            }
        )

    def group(members: list[BestPractice]) -> dict[str, Any]:
        assessed = [o for o in (outcomes[p.id] for p in members) if o is not None]
        if not assessed:
            return {
                "practices_assessed": 0,
                "practices_attained": 0,
                "attainment": None,
                "progress": None,
                "score": None,
            }
        count, attained = len(assessed), sum(1 for o in assessed if o[1])
        progress = math.fsum(o[2] for o in assessed) / count
        return {
            "practices_assessed": count,
            "practices_attained": attained,
            "attainment": _rounded(attained / count),
            "progress": _rounded(progress) if attained == count else _below_one(progress),
            "score": _rounded(math.fsum(o[0] for o in assessed) / count),
        }

    stages = questionnaire.stages
    domain_cards = []
    for domain in questionnaire.domains:
        figures: dict[str, Any] = {
            "id": domain.id,
            "name": domain.name,
            "in_scope": domain.id in domains,
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
            "stages": [],
        }
        domain_cards.append(figures)
        if domain.id not in domains:
            continue
        in_domain = [p for p in practices if p.domain == domain.id]
        cells = []
        for stage in stages:
            cell = {"id": stage.id, **group([p for p in in_domain if p.stage == stage.id])}
            cell["achieved"] = cell["practices_assessed"] > 0 and (
                cell["practices_attained"] / cell["practices_assessed"]
                >= parameters.stage_threshold - TOLERANCE
            )
            cells.append(cell)
        figures["stages"] = cells
        whole = group(in_domain)
        if not whole["practices_assessed"]:
            continue
        level = 0
        while level < len(stages) and cells[level]["achieved"]:
            level += 1
        index = float(len(stages))
        if level < len(stages):
            stage = stages[level]
            members = [p for p in in_domain if p.stage == stage.id]
            assessed = [o for o in (outcomes[p.id] for p in members) if o is not None]
            progress = math.fsum(o[2] for o in assessed) / len(assessed) if assessed else 0.0
            index = level + _below_one(progress)
            figures["next_level"] = _next_level(
                level, stage.id, members, outcomes, parameters.stage_threshold
            )
        figures.update(
            {
                **{name: whole[name] for name in ("attainment", "progress", "score")},
                "assessed": True,
                "level": level,
                "level_name": stages[level - 1].level_name if level else "Initial",
                "index": _rounded(index),
                "practices_assessed": whole["practices_assessed"],
                "practices_attained": whole["practices_attained"],
            }
        )

    assessed_domains = [d for d in domain_cards if d["assessed"]]
    overall_level = min((d["level"] for d in assessed_domains), default=None)
    everything = group([p for p in practices if p.domain is not None])
    overall = {
        "attainment": everything["attainment"],
        "progress": everything["progress"],
        "score": everything["score"],
        "level": overall_level,
        "level_name": None
        if overall_level is None
        else (stages[overall_level - 1].level_name if overall_level else "Initial"),
        "index": min((d["index"] for d in assessed_domains), default=None),
        "practices_assessed": everything["practices_assessed"],
        "practices_attained": everything["practices_attained"],
    }
    enablers = [
        {
            "id": enabler.id,
            "name": enabler.name,
            **group([p for p in practices if p.enabler == enabler.id]),
        }
        for enabler in questionnaire.enablers
    ]
    statuses = [card["status"] for card in question_cards.values()]
    answered, not_applicable = statuses.count("answered"), statuses.count("not_applicable")
    return {
        "scoring_version": "2",
        "questionnaire": {"key": questionnaire.key, "version": questionnaire.version},
        "parameters": {
            "attainment_threshold": parameters.attainment_threshold,
            "stage_threshold": parameters.stage_threshold,
            "aggregation": parameters.aggregation,
            "credit_floor": parameters.credit_floor,
        },
        "scope": domains,
        "respondents": len(respondents),
        "completeness": {
            "questions": len(statuses),
            "answered": answered,
            "not_applicable": not_applicable,
            "unanswered": len(statuses) - answered - not_applicable,
            "ratio": _rounded((answered + not_applicable) / len(statuses)),
        },
        "overall": overall,
        "domains": domain_cards,
        "enablers": enablers,
        "best_practices": practice_cards,
        "gaps": _gaps(questionnaire, practice_cards),
        "disagreements": disagreements,
    }


def _next_level(
    level: int,
    stage_id: str,
    members: list[BestPractice],
    outcomes: dict[str, tuple[float, bool, float] | None],
    stage_threshold: float,
) -> dict[str, Any]:
    assessed = [(p, o) for p, o in ((p, outcomes[p.id]) for p in members) if o is not None]
    if not assessed:
        return {"level": level + 1, "stage": stage_id, "needed": None, "candidates": []}
    attained = sum(1 for _, o in assessed if o[1])
    unattained = sorted(
        (_rounded(o[0]), position, p.id) for position, (p, o) in enumerate(assessed) if not o[1]
    )
    needed = next(
        more
        for more in range(1, len(unattained) + 1)
        if (attained + more) / len(assessed) >= stage_threshold - TOLERANCE
    )
    return {
        "level": level + 1,
        "stage": stage_id,
        "needed": needed,
        "candidates": [practice_id for _, _, practice_id in unattained],
    }


def _gaps(questionnaire: Questionnaire, practice_cards: list[dict[str, Any]]) -> list[Any]:
    stage_at = {s.id: n for n, s in enumerate(questionnaire.stages)}
    domain_at = {d.id: n for n, d in enumerate(questionnaire.domains)}
    enabler_at = {e.id: n for n, e in enumerate(questionnaire.enablers)}
    unattained = [card for card in practice_cards if card["attained"] is False]

    def order(card: dict[str, Any]) -> tuple[int, int, float, int]:
        if card["enabler"] is None:
            return (0, stage_at[card["stage"]], card["score"], domain_at[card["domain"]])
        return (1, enabler_at[card["enabler"]], card["score"], 0)

    return [
        {
            name: card[name]
            for name in ("id", "title", "domain", "stage", "enabler", "score", "credit")
        }
        for card in sorted(unattained, key=order)
    ]
