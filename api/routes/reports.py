"""Reports: one assessment's report (JSON, HTML, CSV) and export; the overview; targets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import WithJsonSchema

from api.core.enums import ReportFormat
from api.http.access import AssessmentReader, OrganizationReader, TargetsReader, TargetsWriter
from api.http.compression import gzipped
from api.http.deps import SessionDep
from api.http.report_responses import (
    ETAG,
    NOT_MODIFIED,
    ReportVariant,
    negotiate,
    serve_report,
)
from api.render import html
from api.render.xlsx import MEDIA_TYPE as XLSX_MEDIA_TYPE
from api.schemas import ExportDocument, ReportDocument, Targets, TargetsPut
from api.services import exports, goals, trend

router = APIRouter(prefix="/v1/organizations/{org}", tags=["reports"])


@router.get(
    "/assessments/{a}/report",
    operation_id="getReport",
    # Declared, never used to serialize: the route answers the report's own bytes.
    response_model=ReportDocument,
    response_class=JSONResponse,
    responses={
        200: {
            "description": "The report in the format asked for: JSON (`ReportDocument`), "
            "the HTML page, the CSV, the workbook (XLSX) or the executive summary as PDF.",
            "headers": ETAG,
            "content": {
                "text/html": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
                XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            },
        },
        304: NOT_MODIFIED,
    },
)
async def get_report(
    request: Request,
    access: AssessmentReader,
    report_format: Annotated[
        ReportFormat | None,
        Query(
            alias="format",
            description="json (default), html (the page), csv (one row per question), xlsx "
            "(a workbook: Summary, Domains, Practices, Questions, Answers) or pdf (the executive "
            "summary, at most 3 A4 pages).",
        ),
    ] = None,
    if_none_match: Annotated[
        str | None,
        Header(
            alias="If-None-Match",
            description="The `ETag` of a closed report already held: 304 when it still is.",
        ),
        WithJsonSchema({"type": "string"}),
    ] = None,
) -> Response:
    """The score card with `assessment` and `organization` headers.

    For a closed assessment, `score_card` is the snapshot stored at close, byte for byte, and
    `organization` and `goals` are those in force at close. For an open one, the card is scored
    live and `provisional` is true. `?format=html` or `Accept: text/html` gives the report page
    (self-contained: inline CSS and SVG, no script); `?format=csv` one row per question;
    `?format=xlsx` a workbook. Individual answers are listed only while at most 12 respondents
    have answers and the assessment is not anonymous; else distributions and comments without
    names.
    `?format=pdf` (or `Accept: application/pdf`) the executive summary: the headline, each
    domain's level and index with the change since the assessment before it, the next steps
    and the charts, on at most 3 A4 pages.

    A closed assessment's report, in each format, is made once and carries a strong `ETag`;
    `If-None-Match` with it answers 304 Not Modified (`api.http.report_responses`).
    """
    chosen = report_format or negotiate(request.headers.get("accept"))
    response = await serve_report(
        request,
        organization=access.organization,
        assessment=access.assessment,
        variant=ReportVariant(chosen).for_encoding(request.headers.get("accept-encoding")),
        if_none_match=if_none_match,
    )
    response.headers["Vary"] = "Accept, Accept-Encoding"
    return response


@router.get(
    "/assessments/{a}/export",
    operation_id="exportAssessment",
    # Declared, never used to serialize: the route answers the export's own text.
    response_model=ExportDocument,
    response_class=JSONResponse,
)
def export_assessment(access: AssessmentReader, session: SessionDep, request: Request) -> Response:
    """Everything about one assessment, to archive: the `opm export` format (`scope: assessment`).

    The questionnaire version and content hash, the respondents (never their tokens), every
    answer with comment and evidence, the answer history, and for a closed assessment the
    stored score card (`score_card`, the snapshot text byte for byte) and close context. The
    export is recorded in the organization's audit trail. An anonymous assessment's export
    names respondents by pseudonym only (no name, e-mail, times, `written_by` or history).
    Gzipped when the client accepts it.
    """
    document = exports.export_assessment(
        session=session,
        organization=access.organization,
        assessment=access.assessment,
        actor=access.principal.actor,
    )
    return gzipped(
        Response(exports.export_json(document), media_type="application/json"),
        accept_encoding=request.headers.get("accept-encoding"),
    )


@router.get(
    "/overview",
    operation_id="getOverview",
    response_class=Response,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}},
)
def get_overview(
    access: OrganizationReader,
    session: SessionDep,
    questionnaire: Annotated[str, Query(description="The questionnaire key.")],
) -> Response:
    """The organization's overview page for a questionnaire: maturity index over time.

    Overall and per domain, one point per closed assessment (the trend), with a link to each
    report page.
    """
    overview = trend.build_overview(
        session=session, organization=access.organization, questionnaire_key=questionnaire
    )
    base = f"/v1/organizations/{access.organization.slug}/assessments/"
    page = html.render_overview(
        overview,
        report_url=lambda assessment_id: f"{base}{assessment_id}/report?format=html",
        shared=False,
    )
    return html.html_response(page)


@router.put("/targets/{questionnaire_key}", operation_id="setTargets", response_model=Targets)
def put_targets(
    questionnaire_key: str, body: TargetsPut, access: TargetsWriter, session: SessionDep
) -> Targets:
    """Set the target level per domain; checked against the newest questionnaire version."""
    return goals.set_targets(
        session=session,
        organization=access.organization,
        questionnaire_key=questionnaire_key,
        domains=body.domains,
        actor=access.principal.actor,
    )


@router.get("/targets/{questionnaire_key}", operation_id="getTargets", response_model=Targets)
def get_targets(questionnaire_key: str, access: TargetsReader, session: SessionDep) -> Targets:
    return goals.get_targets(
        session=session, organization=access.organization, questionnaire_key=questionnaire_key
    )
