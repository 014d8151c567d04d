"""Version "1" score cards for the rescoring properties, made from version "2" cards.

`version_1_card` follows the last section of scoring.md, "What version "1" did differently":
a version "1" card has no `credit`, `progress`, `scope`, `in_scope` or `credit_floor`; its index
is `level` + the *attainment* of the next cell; a cell with no assessed practice counted as
achieved (so the cell that stops a level always holds an assessed practice, and `needed` is
always a number). Everything else (questions, practice scores and attained flags, group counts,
attainment and scores, gaps, disagreements, completeness) is as version "2" has it.

It is written apart from `scoring`, from the card's own counts, so that it can check the
library's rescoring rather than repeat it. Its input is a version "2" card: one the version "2"
code wrote (`tests/data/cards`), or one `version_2.version_2_card` makes.
"""

from __future__ import annotations

from typing import Any

from questionnaires import Questionnaire
from scoring import DomainScoreV2, ScoreCardV1, ScoreCardV2

TOLERANCE = 1e-9  # scoring.md, general rules: `x >= t` means `x >= t - 1e-9`


def version_1_card(card: ScoreCardV2, questionnaire: Questionnaire) -> ScoreCardV1:
    """Return the card version "1" would have stored for the answers `card` scores.

    `card` must cover every domain: version "1" had no scope.
    """
    assert card.scope == tuple(domain.id for domain in questionnaire.domains), "every domain"
    stage_threshold = card.parameters.stage_threshold
    domains = [_domain(card, domain, questionnaire, stage_threshold) for domain in card.domains]
    assessed = [domain for domain in domains if domain["assessed"]]
    level = min((domain["level"] for domain in assessed), default=None)
    overall = {
        **card.overall.model_dump(exclude={"progress"}),
        "level": level,
        "level_name": None if level is None else _level_name(questionnaire, level),
        "index": min((domain["index"] for domain in assessed), default=None),
    }
    return ScoreCardV1.model_validate(
        {
            "scoring_version": "1",
            "questionnaire": card.questionnaire.model_dump(),
            "parameters": card.parameters.model_dump(exclude={"credit_floor"}),
            "respondents": card.respondents,
            "completeness": card.completeness.model_dump(),
            "overall": overall,
            "domains": domains,
            "enablers": [e.model_dump(exclude={"progress"}) for e in card.enablers],
            "best_practices": [p.model_dump(exclude={"credit"}) for p in card.best_practices],
            "gaps": [gap.model_dump(exclude={"credit"}) for gap in card.gaps],
            "disagreements": [d.model_dump() for d in card.disagreements],
        }
    )


def _domain(
    card: ScoreCardV2, domain: DomainScoreV2, questionnaire: Questionnaire, stage_threshold: float
) -> dict[str, Any]:
    """One domain as version "1" wrote it: empty cells achieved, the index on attainment."""
    cells = [
        {
            **cell.model_dump(exclude={"progress"}),
            "achieved": cell.practices_assessed == 0
            or cell.practices_attained / cell.practices_assessed >= stage_threshold - TOLERANCE,
        }
        for cell in domain.stages
    ]
    written = domain.model_dump(exclude={"in_scope", "progress", "stages"})
    if not domain.assessed:
        return {**written, "stages": cells}
    top = len(cells)
    level = 0
    while level < top and cells[level]["achieved"]:
        level += 1
    index = float(top)
    next_level = None
    if level < top:
        blocking = cells[level]  # achieved when empty, so it holds an assessed practice
        attained, assessed = blocking["practices_attained"], blocking["practices_assessed"]
        index = round(level + attained / assessed, 4)
        needed = next(
            n
            for n in range(1, assessed - attained + 1)
            if (attained + n) / assessed >= stage_threshold - TOLERANCE
        )
        position = {practice.id: n for n, practice in enumerate(card.best_practices)}
        candidates = sorted(
            (
                practice
                for practice in card.best_practices
                if practice.domain == domain.id
                and practice.stage == blocking["id"]
                and practice.attained is False
            ),
            key=lambda practice: (practice.score, position[practice.id]),
        )
        next_level = {
            "level": level + 1,
            "stage": blocking["id"],
            "needed": needed,
            "candidates": [practice.id for practice in candidates],
        }
    return {
        **written,
        "level": level,
        "level_name": _level_name(questionnaire, level),
        "index": index,
        "next_level": next_level,
        "stages": cells,
    }


def _level_name(questionnaire: Questionnaire, level: int) -> str:
    return questionnaire.stages[level - 1].level_name if level else "Initial"
