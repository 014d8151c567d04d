"""Targets, baselines and the `goal` block (`api.md`, Targets and progress).

For each domain with a target level: `gap_levels = max(0, goal - level)` and
`progress = (G_now - G_baseline) / (goal - G_baseline)`, where G is the domain's staged
progress up to the goal: the sum over the stages k = 1..goal of the running minimum of the
stages' progress (the index of `scoring.md` section 4, cut at the goal level; G = goal exactly
when every practice of those stages is attained). A domain's baseline is the organization's
first closed assessment of the questionnaire key, in trend order, that assesses that domain,
rescored to the current scoring version when older. `progress` is null when either side is
not assessed, when there is no baseline, or when G_baseline already equals the goal; it is not
clamped (a decline is negative) and is rounded to 4 decimals.

An assessment with a validated card (consensus ratings, `scoring.md` section 9) is measured on
it, as a baseline and as "now", unless a comparison asks for the self cards.

A closed report keeps the goal figures of its close: from scoring version "3" on, the close
stores the baseline's G per targeted domain; closes of versions "1" and "2" stored the
baseline's index, and their goal blocks are measured on the index as they were then
(`goal_blocks_at_close`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from api.core.errors import Invalid, NotFound, field_problem
from api.core.principals import Actor
from api.schemas import Baseline, CloseContext, Goal, OrganizationSummary, Targets
from api.services.audit import AuditAction, record
from api.services.cards import CardReader
from api.services.questionnaires import get_questionnaire
from api.storage import repository
from api.storage.tables import AssessmentRow, OrganizationRow, TargetRow, utcnow
from scoring import SCORING_VERSION, AnyCard, DomainScore
from scoring.precision import rounded

__all__ = [
    "DomainNow",
    "StageProgress",
    "baseline_of",
    "baseline_stages",
    "domains_now",
    "get_targets",
    "goal_blocks",
    "goal_blocks_at_close",
    "previous_in_trend",
    "set_targets",
    "snapshot",
    "stage_progress",
    "staged_progress",
    "trend_order",
]


def trend_order(assessment: AssessmentRow) -> tuple[date, datetime, str]:
    """Trend order, oldest first (`api.md`, trend).

    By `period_end` when set, else the UTC date of `closed_at`; then `closed_at`; then id.
    """
    assert assessment.closed_at is not None
    placed = assessment.period_end or assessment.closed_at.date()
    return placed, assessment.closed_at, assessment.id


def previous_in_trend(
    closed: Iterable[AssessmentRow], assessment: AssessmentRow
) -> AssessmentRow | None:
    """The assessment just before `assessment` in trend order among `closed` (which holds it,
    or not: it is placed among them), None when it comes first."""
    others = sorted((row for row in closed if row.id != assessment.id), key=trend_order)
    placed = trend_order(assessment)
    before = [row for row in others if trend_order(row) < placed]
    return before[-1] if before else None


# A domain as a goal measures it: its level, and its stages' progress in stage order (None
# when the domain is not assessed). A stage with no assessed practice has progress 0.
StageProgress = tuple[float, ...]


@dataclass(frozen=True)
class DomainNow:
    level: int | None
    stages: StageProgress | None


def stage_progress(domain: DomainScore) -> StageProgress | None:
    """The domain's stages' progress, in stage order; None when it is not assessed."""
    if not domain.assessed:
        return None
    return tuple(stage.progress or 0.0 for stage in domain.stages)


def staged_progress(stages: StageProgress, goal: int) -> float:
    """G: the sum over the first `goal` stages of the running minimum of their progress."""
    total, running = 0.0, 1.0
    for progress in stages[:goal]:
        running = min(running, progress)
        total += running
    return total


def _goal(level: int | None, goal: int, progress: float | None) -> Goal:
    return Goal(
        level=goal,
        gap_levels=None if level is None else max(0, goal - level),
        progress=None if progress is None else rounded(progress),
    )


def goal_blocks(
    targets: Mapping[str, int] | None,
    now: Mapping[str, DomainNow],
    baseline: Mapping[str, StageProgress | None] | None,
) -> dict[str, Goal]:
    """The `goal` block of every domain of `now` with a target, against the baseline's stages."""
    blocks: dict[str, Goal] = {}
    for domain, figures in now.items():
        if not targets or domain not in targets:
            continue
        goal = targets[domain]
        base = baseline.get(domain) if baseline is not None else None
        progress = None
        if figures.stages is not None and base is not None:
            g_base = staged_progress(base, goal)
            if goal - g_base > 1e-9:
                progress = (staged_progress(figures.stages, goal) - g_base) / (goal - g_base)
        blocks[domain] = _goal(figures.level, goal, progress)
    return blocks


def domains_now(card: AnyCard) -> dict[str, DomainNow]:
    """Each domain of a current card as goals measure it."""
    return {
        domain.id: DomainNow(domain.level, stage_progress(domain))
        for domain in card.domains
        if isinstance(domain, DomainScore)
    }


def goal_blocks_at_close(
    card: AnyCard, context: CloseContext, scoring_version: str | None
) -> dict[str, Goal]:
    """A closed report's goal blocks, from its stored card, targets and baseline, by the formula
    of its scoring version (so that they never change)."""
    targets = context.targets or {}
    stored = context.baseline.domains if context.baseline is not None else {}
    blocks: dict[str, Goal] = {}
    for domain in card.domains:
        if domain.id not in targets:
            continue
        goal = targets[domain.id]
        base = stored.get(domain.id)
        progress = None
        if scoring_version == SCORING_VERSION and isinstance(domain, DomainScore):
            stages = stage_progress(domain)
            if stages is not None and base is not None and goal - base > 1e-9:
                progress = (staged_progress(stages, goal) - base) / (goal - base)
        elif domain.index is not None and base is not None and goal > base:
            progress = (domain.index - base) / (goal - base)  # versions "1" and "2": the index
        blocks[domain.id] = _goal(domain.level, goal, progress)
    return blocks


def baseline_of(
    closed: Iterable[AssessmentRow], reader: CardReader
) -> dict[str, tuple[str, StageProgress]]:
    """Each domain's baseline: (assessment id, stages' progress) of the first closed assessment,
    in trend order, that assesses it, under the current scoring version.

    Cards are read in trend order until every domain they name has its baseline, so nearly
    always only the first one is (a card deferred by the query is loaded when read).
    """
    found: dict[str, tuple[str, StageProgress]] = {}
    for assessment in sorted(closed, key=trend_order):
        headline = reader.headline(assessment)
        for domain in headline.domains:
            stages = stage_progress(domain)
            if stages is not None and domain.id not in found:
                found[domain.id] = (assessment.id, stages)
        if all(domain.id in found for domain in headline.domains):
            break
    return found


def baseline_stages(
    *,
    session: Session,
    organization_id: str,
    questionnaire_key: str,
    prefer_validated: bool = True,
) -> dict[str, StageProgress] | None:
    """Today's baseline of each domain (its stages' progress); None when none is closed.

    Read from the baseline's validated card where it has one, unless `prefer_validated` is
    false (a comparison of the self cards).
    """
    heads = repository.list_closed_assessment_heads(
        session=session, organization_id=organization_id, questionnaire_key=questionnaire_key
    )
    if not heads:
        return None
    return {
        domain: stages
        for domain, (_, stages) in baseline_of(
            heads, CardReader(session, prefer_validated=prefer_validated)
        ).items()
    }


def snapshot(
    *, session: Session, organization: OrganizationRow, assessment: AssessmentRow
) -> CloseContext:
    """The context in force at close, stored with the score card: profile, targets, baseline
    (the baseline's G of each targeted domain, with the target in force), and the assessment
    before it in trend order (`previous`, what its report's change is measured from).

    `assessment` is being closed: its card is already set.
    """
    heads = repository.list_closed_assessment_heads(
        session=session,
        organization_id=organization.id,
        questionnaire_key=assessment.questionnaire_key,
    )
    closed = [*(head for head in heads if head.id != assessment.id), assessment]
    baseline = baseline_of(closed, CardReader(session))
    target = repository.get_target(
        session=session,
        organization_id=organization.id,
        questionnaire_key=assessment.questionnaire_key,
    )
    targets = target.domains if target is not None else None
    previous = previous_in_trend(closed, assessment)
    return CloseContext(
        previous=None if previous is None else previous.id,
        organization=OrganizationSummary.model_validate(organization),
        targets=targets,
        baseline=Baseline(
            domains={
                domain: rounded(staged_progress(stages, targets[domain]))
                for domain, (_, stages) in baseline.items()
                if targets and domain in targets
            },
            assessments={domain: assessment_id for domain, (assessment_id, _) in baseline.items()},
        ),
    )


def set_targets(
    *,
    session: Session,
    organization: OrganizationRow,
    questionnaire_key: str,
    domains: dict[str, int],
    actor: Actor,
) -> Targets:
    """Replace the organization's target levels for a questionnaire key.

    Domains and levels are checked against the newest version: 422 for an unknown domain or a
    level outside 1..stages; 404 for an unknown questionnaire key.
    """
    stored = get_questionnaire(session=session, key=questionnaire_key)  # 404 when unknown
    known = {domain.id for domain in stored.questionnaire.domains}
    stages = len(stored.questionnaire.stages)
    problems = [
        field_problem(f"domains.{domain}", f"unknown domain (known: {', '.join(sorted(known))})")
        for domain in domains
        if domain not in known
    ] + [
        field_problem(f"domains.{domain}", f"level must be 1 to {stages}")
        for domain, level in domains.items()
        if domain in known and not 1 <= level <= stages
    ]
    if problems:
        raise Invalid(
            "Invalid targets: " + ", ".join(p["field"] for p in problems) + ".", errors=problems
        )
    row = repository.get_target(
        session=session, organization_id=organization.id, questionnaire_key=questionnaire_key
    )
    if row is None:
        row = TargetRow(
            organization_id=organization.id,
            questionnaire_key=questionnaire_key,
            domains={},
            updated_at=utcnow(),
        )
    previous = dict(row.domains)
    row.domains = dict(domains)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    record(
        session=session,
        actor=actor,
        organization_id=organization.id,
        action=AuditAction.TARGETS_SET,
        subject_id=questionnaire_key,
        detail={"from": previous, "to": row.domains},
    )
    return Targets(questionnaire=questionnaire_key, domains=row.domains, updated_at=row.updated_at)


def get_targets(
    *, session: Session, organization: OrganizationRow, questionnaire_key: str
) -> Targets:
    """The targets set for a questionnaire key; 404 when none is set."""
    row = repository.get_target(
        session=session, organization_id=organization.id, questionnaire_key=questionnaire_key
    )
    if row is None:
        raise NotFound(f"No targets are set for {questionnaire_key!r}.")
    return Targets(questionnaire=questionnaire_key, domains=row.domains, updated_at=row.updated_at)
