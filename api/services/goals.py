"""Targets, baselines and the `goal` block (`api.md`, Targets and progress).

For each domain with a target level: `gap_levels = max(0, goal - level)` and
`progress = (index_now - index_baseline) / (goal - index_baseline)`, measured on the maturity
index of `scoring.md` section 4. A domain's baseline is the organization's first closed
assessment of the questionnaire key, in trend order, that assesses that domain, rescored to the
current scoring version when older. `progress` is null when either index is null, when there
is no baseline, or when the goal is at or below the baseline index; it is not clamped (a
decline is negative) and is rounded to 4 decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
from scoring import AnyCard

__all__ = [
    "baseline_indexes",
    "baseline_of",
    "get_targets",
    "goal_blocks",
    "goal_blocks_from",
    "set_targets",
    "snapshot",
    "trend_order",
]


def trend_order(assessment: AssessmentRow) -> tuple[date, datetime, str]:
    """Trend order, oldest first (`api.md`, trend).

    By `period_end` when set, else the UTC date of `closed_at`; then `closed_at`; then id.
    """
    assert assessment.closed_at is not None
    placed = assessment.period_end or assessment.closed_at.date()
    return placed, assessment.closed_at, assessment.id


def goal_blocks(
    targets: Mapping[str, int] | None,
    card: AnyCard,
    baseline: Mapping[str, float | None] | None,
) -> dict[str, Goal]:
    """The `goal` block of every domain of `card` with a target."""
    return goal_blocks_from(targets, {d.id: (d.level, d.index) for d in card.domains}, baseline)


def goal_blocks_from(
    targets: Mapping[str, int] | None,
    figures: Mapping[str, tuple[int | None, float | None]],
    baseline: Mapping[str, float | None] | None,
) -> dict[str, Goal]:
    """The `goal` block of every domain with a target, from its (level, index) now."""
    blocks: dict[str, Goal] = {}
    for domain, (level, index) in figures.items():
        if not targets or domain not in targets:
            continue
        goal = targets[domain]
        base_index = baseline.get(domain) if baseline is not None else None
        progress = None
        if index is not None and base_index is not None and goal > base_index:
            progress = round((index - base_index) / (goal - base_index), 4)
        gap = None if level is None else max(0, goal - level)
        blocks[domain] = Goal(level=goal, gap_levels=gap, progress=progress)
    return blocks


def baseline_of(
    closed: Iterable[AssessmentRow], reader: CardReader
) -> dict[str, tuple[str, float | None]]:
    """Each domain's baseline: (assessment id, index) of the first closed assessment, in trend
    order, that assesses it, under the current scoring version.

    Cards are read in trend order until every domain they name has its baseline, so nearly
    always only the first one is (a card deferred by the query is loaded when read).
    """
    found: dict[str, tuple[str, float | None]] = {}
    for assessment in sorted(closed, key=trend_order):
        headline = reader.headline(assessment)
        for domain in headline.domains:
            if domain.assessed and domain.id not in found:
                found[domain.id] = (assessment.id, domain.index)
        if all(domain.id in found for domain in headline.domains):
            break
    return found


def baseline_indexes(
    *, session: Session, organization_id: str, questionnaire_key: str
) -> dict[str, float | None] | None:
    """Today's baseline index of each domain; None when no assessment of the key is closed."""
    heads = repository.list_closed_assessment_heads(
        session=session, organization_id=organization_id, questionnaire_key=questionnaire_key
    )
    if not heads:
        return None
    baseline = baseline_of(heads, CardReader(session))
    return {domain: index for domain, (_, index) in baseline.items()}


def snapshot(
    *, session: Session, organization: OrganizationRow, assessment: AssessmentRow
) -> CloseContext:
    """The context in force at close, stored with the score card: profile, targets, baseline.

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
    return CloseContext(
        organization=OrganizationSummary.model_validate(organization),
        targets=target.domains if target is not None else None,
        baseline=Baseline(
            domains={domain: index for domain, (_, index) in baseline.items()},
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
