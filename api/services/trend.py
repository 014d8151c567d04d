"""Over time: the trend of an organization's closed assessments, and comparing two of them.

Both read only stored score cards (never answers), rescore those of an older scoring
version, and add today's `goal` blocks (`api.md`, Targets and progress): "where are we against
today's goal?". An assessment with a validated card is read from it (`basis: "validated"`),
its goal figures and the baseline's too; a comparison may ask for the self cards instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from api.core.enums import AssessmentStatus
from api.core.errors import Conflict
from api.schemas import (
    CardHeadline,
    ComparedAssessment,
    ComparedAssessments,
    ComparedBases,
    ComparisonReport,
    DomainFigures,
    EnablerFigures,
    Figures,
    Goal,
    Trend,
    TrendPoint,
)
from api.services import goals
from api.services.assessments import get_assessment
from api.services.cards import CardReader
from api.services.questionnaires import get_questionnaire, questionnaire_of, versions_of
from api.storage import repository
from api.storage.tables import AssessmentRow, OrganizationRow
from questionnaires import Questionnaire
from scoring import compare, related

__all__ = [
    "Overview",
    "build_overview",
    "build_trend",
    "compare_assessments",
]


def _point(
    assessment: AssessmentRow,
    card: CardHeadline,
    goal_blocks: dict[str, Goal],
    reader: CardReader,
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
        basis=reader.basis(assessment),
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


@dataclass(frozen=True)
class Overview:
    """What an organization's overview page shows: the trend of a questionnaire key, named
    with that key's newest questionnaire version."""

    organization: OrganizationRow
    trend: Trend
    questionnaire: Questionnaire


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
    baseline: dict[str, goals.StageProgress] = {}
    for card in cards:  # each domain's first assessed card, in trend order
        for domain in card.domains:
            stages = goals.stage_progress(domain)
            if stages is not None:
                baseline.setdefault(domain.id, stages)
    targets = target.domains if target is not None else None
    return Trend(
        questionnaire=questionnaire_key,
        points=[
            _point(assessment, card, goals.goal_blocks(targets, _now(card), baseline), reader)
            for assessment, card in zip(closed, cards, strict=True)
        ],
    )


def _now(card: CardHeadline) -> dict[str, goals.DomainNow]:
    return {
        domain.id: goals.DomainNow(domain.level, goals.stage_progress(domain))
        for domain in card.domains
    }


def build_overview(
    *, session: Session, organization: OrganizationRow, questionnaire_key: str
) -> Overview:
    """The trend of the key (`build_trend`, 404 for an unknown key) and its newest version."""
    found = build_trend(
        session=session, organization=organization, questionnaire_key=questionnaire_key
    )
    newest = get_questionnaire(session=session, key=questionnaire_key)
    return Overview(organization=organization, trend=found, questionnaire=newest.questionnaire)


def compare_assessments(
    *,
    session: Session,
    organization: OrganizationRow,
    base_id: str,
    target_id: str,
    self_cards: bool = False,
) -> ComparisonReport:
    """The comparison of `scoring.md` section 8 between two closed assessments, with goals.

    Each side is its validated card where it has one, or with `self_cards` its score card;
    `basis` says which, and the goal figures (now and the baseline) are read the same way.

    404 for an assessment that is not the organization's; 409 when either is open, or when
    their questionnaires are unrelated (neither the same key nor a short form of the other).
    A card of an older scoring version is rescored with the credit floor of the newest
    version of its questionnaire key.
    """
    base, target = (
        get_assessment(session=session, organization=organization, assessment_id=assessment_id)
        for assessment_id in (base_id, target_id)
    )
    for assessment in (base, target):
        if assessment.status != AssessmentStatus.CLOSED or assessment.score_card is None:
            raise Conflict(f"Assessment {assessment.id!r} is open: only closed ones compare.")
    base_questionnaire = questionnaire_of(session=session, assessment=base).questionnaire
    target_questionnaire = questionnaire_of(session=session, assessment=target).questionnaire
    if not related(base_questionnaire, target_questionnaire):
        raise Conflict(
            "The two assessments use unrelated questionnaires (neither the same key nor a short "
            "form of the other): they do not compare."
        )
    reader = CardReader(session, prefer_validated=not self_cards)
    comparison = compare(
        reader.stored(base), reader.stored(target), base_questionnaire, target_questionnaire
    )
    target_row = repository.get_target(
        session=session, organization_id=organization.id, questionnaire_key=target.questionnaire_key
    )
    baseline = goals.baseline_stages(
        session=session,
        organization_id=organization.id,
        questionnaire_key=target.questionnaire_key,
        prefer_validated=not self_cards,
    )
    targets = target_row.domains if target_row is not None else {}
    # "Now" is the target side; a targeted domain the comparison leaves out (outside a
    # side's scope) still gets its goal block, with nothing to measure.
    now = dict.fromkeys(targets, goals.DomainNow(None, None))
    now.update(
        {
            domain.id: goals.DomainNow(
                domain.level.target,
                None
                if domain.level.target is None
                else tuple(stage.progress.target or 0.0 for stage in domain.stages),
            )
            for domain in comparison.domains
        }
    )
    blocks = goals.goal_blocks(targets, now, baseline)
    return ComparisonReport(
        **dict(comparison),
        assessments=ComparedAssessments(
            base=ComparedAssessment(id=base.id, title=base.title, period=base.period),
            target=ComparedAssessment(id=target.id, title=target.title, period=target.period),
        ),
        basis=ComparedBases(base=reader.basis(base), target=reader.basis(target)),
        goals=blocks,
    )
