"""Over time: the trend of an organization's closed assessments, and comparing two of them.

Both read only stored score cards (never answers), rescore those of an older scoring
version, and add today's `goal` blocks (`api.md`, Targets and progress): "where are we against
today's goal?".
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from api import repository
from api.errors import Conflict, NotFound
from api.secrets import is_id
from api.services import goals
from api.services.assessments import CLOSED, questionnaire_of
from api.services.cards import CardReader, Headline
from api.services.questionnaires import versions_of
from api.tables import AssessmentRow, OrganizationRow
from scoring import compare, read_card, related


class Figures(BaseModel):
    attainment: float | None
    progress: float | None
    level: int | None
    index: float | None


class DomainFigures(Figures):
    goal: goals.Goal | None = None


class EnablerFigures(BaseModel):
    attainment: float | None
    progress: float | None


class TrendPoint(BaseModel):
    assessment_id: str
    title: str
    period: str | None
    period_end: date | None
    closed_at: datetime
    questionnaire_version: str
    scoring_version: str
    rescored: bool
    scope: list[str]
    overall: Figures
    domains: dict[str, DomainFigures]
    enablers: dict[str, EnablerFigures]


class Trend(BaseModel):
    questionnaire: str
    points: list[TrendPoint]


def _point(
    assessment: AssessmentRow, card: Headline, goal_blocks: dict[str, goals.Goal]
) -> TrendPoint:
    assert assessment.closed_at is not None and assessment.scoring_version is not None
    overall = card.overall
    return TrendPoint(
        assessment_id=assessment.id,
        title=assessment.title,
        period=assessment.period,
        period_end=assessment.period_end,
        closed_at=assessment.closed_at,
        questionnaire_version=assessment.questionnaire_version,
        scoring_version=assessment.scoring_version,
        rescored=CardReader.rescored(assessment),
        scope=list(card.scope),
        overall=Figures(
            attainment=overall.attainment,
            progress=overall.progress,
            level=overall.level,
            index=overall.index,
        ),
        domains={
            domain.id: DomainFigures(
                attainment=domain.attainment,
                progress=domain.progress,
                level=domain.level,
                index=domain.index,
                goal=goal_blocks.get(domain.id),
            )
            for domain in card.domains
        },
        enablers={
            enabler.id: EnablerFigures(attainment=enabler.attainment, progress=enabler.progress)
            for enabler in card.enablers
        },
    )


def build_trend(
    *, session: Session, organization: OrganizationRow, questionnaire_key: str
) -> Trend:
    """One point per closed assessment of the key, oldest first in trend order.

    Cards of an older scoring version are rescored (`api.services.cards`). A constant number
    of queries whatever the number of assessments; 404 for an unknown key.
    """
    versions_of(session=session, key=questionnaire_key)
    closed = sorted(
        repository.list_closed_assessments(
            session=session, organization_id=organization.id, questionnaire_key=questionnaire_key
        ),
        key=goals.trend_order,
    )
    reader = CardReader(session)
    cards = [reader.headline(assessment) for assessment in closed]
    target = repository.get_target(
        session=session, organization_id=organization.id, questionnaire_key=questionnaire_key
    )
    baseline: dict[str, float | None] = {}
    for card in cards:  # each domain's first assessed index, in trend order
        for domain in card.domains:
            if domain.assessed:
                baseline.setdefault(domain.id, domain.index)
    targets = target.domains if target is not None else None
    return Trend(
        questionnaire=questionnaire_key,
        points=[
            _point(
                assessment,
                card,
                goals.goal_blocks_from(
                    targets, {d.id: (d.level, d.index) for d in card.domains}, baseline
                ),
            )
            for assessment, card in zip(closed, cards, strict=True)
        ],
    )


def compare_assessments(
    *, session: Session, organization: OrganizationRow, base_id: str, target_id: str
) -> dict[str, Any]:
    """The comparison of `scoring.md` section 8 between two closed assessments, with goals.

    404 for an assessment that is not the organization's; 409 when either is open, or when
    their questionnaires are unrelated (neither the same key nor a short form of the other).
    A card of an older scoring version is rescored with the credit floor of the newest
    version of its questionnaire key.
    """
    sides = []
    for assessment_id in (base_id, target_id):
        assessment = (
            repository.get_assessment(
                session=session, organization_id=organization.id, assessment_id=assessment_id
            )
            if is_id(assessment_id, "asm")
            else None
        )
        if assessment is None:
            raise NotFound(f"No assessment {assessment_id!r} in this organization.")
        sides.append(assessment)
    for assessment in sides:
        if assessment.status != CLOSED or assessment.score_card is None:
            raise Conflict(f"Assessment {assessment.id!r} is open: only closed ones compare.")
    base, target = sides
    base_questionnaire = questionnaire_of(session=session, assessment=base).questionnaire
    target_questionnaire = questionnaire_of(session=session, assessment=target).questionnaire
    if not related(base_questionnaire, target_questionnaire):
        raise Conflict(
            "The two assessments use unrelated questionnaires (neither the same key nor a short "
            "form of the other): they do not compare."
        )
    older = base if CardReader.rescored(base) else target
    comparison = compare(
        read_card(base.score_card or ""),
        read_card(target.score_card or ""),
        base_questionnaire,
        target_questionnaire,
        credit_floor=CardReader(session).credit_floor(older.questionnaire_key),
    )
    target_row = repository.get_target(
        session=session, organization_id=organization.id, questionnaire_key=target.questionnaire_key
    )
    baseline = goals.baseline_indexes(
        session=session, organization_id=organization.id, questionnaire_key=target.questionnaire_key
    )
    blocks = goals.goal_blocks_from(
        target_row.domains if target_row is not None else None,
        {d.id: (d.level.target, d.index.target) for d in comparison.domains},
        baseline,
    )
    body: dict[str, Any] = json.loads(comparison.model_dump_json())
    body["assessments"] = {
        "base": {"id": base.id, "title": base.title, "period": base.period},
        "target": {"id": target.id, "title": target.title, "period": target.period},
    }
    body["goals"] = {domain: block.model_dump() for domain, block in blocks.items()}
    return body
