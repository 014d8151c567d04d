"""Reports: one assessment's report; targets."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.auth import AssessmentReader, OrganizationReader, OrganizationWriter
from api.deps import SessionDep
from api.schemas import TargetsPut
from api.services import goals, reports

router = APIRouter(prefix="/v1/organizations/{org}", tags=["reports"])


@router.get(
    "/assessments/{a}/report",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
def get_report(scope: AssessmentReader, session: SessionDep) -> Response:
    """The score card with `assessment` and `organization` headers.

    For a closed assessment, `score_card` is the snapshot stored at close, byte for byte, and
    `organization` and `goals` are those in force at close. For an open one, the card is scored
    live and `provisional` is true.
    """
    report = reports.build_report(
        session=session, organization=scope.organization, assessment=scope.assessment
    )
    return Response(report.to_json(), media_type="application/json")


@router.put("/targets/{questionnaire_key}", response_model=goals.Targets)
def put_targets(
    questionnaire_key: str, body: TargetsPut, scope: OrganizationWriter, session: SessionDep
) -> goals.Targets:
    """Set the target level per domain; checked against the newest questionnaire version."""
    return goals.set_targets(
        session=session,
        organization=scope.organization,
        questionnaire_key=questionnaire_key,
        domains=body.domains,
    )


@router.get("/targets/{questionnaire_key}", response_model=goals.Targets)
def get_targets(
    questionnaire_key: str, scope: OrganizationReader, session: SessionDep
) -> goals.Targets:
    return goals.get_targets(
        session=session, organization=scope.organization, questionnaire_key=questionnaire_key
    )
