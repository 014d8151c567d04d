"""Over time: trend and comparison."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.http.access import OrganizationReader
from api.http.deps import SessionDep
from api.http.openapi import problems
from api.schemas import ComparisonReport, Trend
from api.services import trend

router = APIRouter(prefix="/v1/organizations/{org}", tags=["over time"])

TREND = """
Closed assessments of a questionnaire key, oldest first (by `period_end` when set, else the
UTC date of `closed_at`; then `closed_at`; then id), read from their stored score cards: the
validated card of an assessment closed with consensus ratings (`basis: "validated"`), else its
score card (`basis: "self"`).
"""
COMPARISON = """
The comparison of scoring.md section 8 between two closed assessments. `comparable` says
whether both used the same questionnaire version (`same_version`) or only the best practices
both versions share count (`shared_ids`).
"""
GOAL_FORMULA = """
For each domain with a target level, a `goal` block: `{level, gap_levels, progress}` with
`gap_levels = max(0, goal - level)` and
`progress = (index_now - index_baseline) / (goal - index_baseline)`, on the maturity index of
scoring.md section 4. The baseline is the organization's first closed assessment of the
questionnaire key in trend order. `progress` is null when either index is null, when there is
no baseline, or when the goal is at or below the baseline index; it is not clamped (a decline
is negative) and is rounded to 4 decimals. Trend and comparison use today's targets and baseline.
"""


@router.get(
    "/trend",
    operation_id="getTrend",
    response_model=Trend,
    description=TREND + GOAL_FORMULA,
)
def get_trend(
    access: OrganizationReader,
    session: SessionDep,
    questionnaire: Annotated[str, Query(description="The questionnaire key.")],
) -> Trend:
    return trend.build_trend(
        session=session, organization=access.organization, questionnaire_key=questionnaire
    )


@router.get(
    "/compare",
    operation_id="compareAssessments",
    response_model=ComparisonReport,
    description=COMPARISON + GOAL_FORMULA + "In a comparison, 'now' is its target side.",
    responses=problems(409),
)
def get_comparison(
    access: OrganizationReader,
    session: SessionDep,
    base: Annotated[str, Query(description="The earlier assessment's id.")],
    target: Annotated[str, Query(description="The later assessment's id.")],
    basis: Annotated[
        Literal["self"] | None,
        Query(
            description="self: compare the self-assessed score cards. By default each side is "
            "its validated card where it has one (`basis` in the answer says which)."
        ),
    ] = None,
) -> ComparisonReport:
    return trend.compare_assessments(
        session=session,
        organization=access.organization,
        base_id=base,
        target_id=target,
        self_cards=basis == "self",
    )
