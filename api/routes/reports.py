"""Reports: one assessment's report (JSON, HTML, CSV) and export; the overview; targets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.http.access import AssessmentReader, OrganizationReader, TargetsReader, TargetsWriter
from api.http.deps import SessionDep
from api.http.report_responses import ClosedReports, etag_matches
from api.render import csv as report_csv
from api.render import html
from api.schemas import Targets, TargetsPut
from api.services import exports, goals, reports, trend
from api.services.reports import Report

router = APIRouter(prefix="/v1/organizations/{org}", tags=["reports"])

ReportFormat = Literal["json", "html", "csv"]
OFFERED: tuple[tuple[str, ReportFormat], ...] = (("text/html", "html"), ("text/csv", "csv"))
RENDERERS: dict[ReportFormat, Callable[[Report], str]] = {
    "json": Report.to_json,
    "html": lambda report: html.render_report(report, shared=False),
    "csv": report_csv.report_csv,
}


def negotiate(accept: str | None) -> ReportFormat:
    """The format an `Accept` header prefers among JSON, HTML and CSV; JSON on a tie or none.

    A browser's `text/html,...,*/*;q=0.8` gets the page; `*/*` alone, or no header, gets JSON.
    """
    if not accept:
        return "json"
    quality: dict[str, float] = {}
    for media_range in accept.split(","):
        media, *params = (part.strip().lower() for part in media_range.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        quality[media] = max(q, quality.get(media, 0.0))

    def weight(media: str) -> float:
        family = media.split("/")[0] + "/*"
        return quality.get(media, quality.get(family, quality.get("*/*", 0.0)))

    best: ReportFormat = "json"
    best_q = weight("application/json")
    for media, name in OFFERED:
        if weight(media) > best_q:
            best, best_q = name, weight(media)
    return best


@router.get(
    "/assessments/{a}/report",
    response_class=Response,
    responses={
        200: {
            "content": {
                "application/json": {},
                "text/html": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            }
        }
    },
)
async def get_report(
    request: Request,
    access: AssessmentReader,
    session: SessionDep,
    report_format: Annotated[
        ReportFormat | None,
        Query(
            alias="format",
            description="json (default), html (the page) or csv (one row per question).",
        ),
    ] = None,
    accept: Annotated[str | None, Header()] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The score card with `assessment` and `organization` headers.

    For a closed assessment, `score_card` is the snapshot stored at close, byte for byte, and
    `organization` and `goals` are those in force at close. For an open one, the card is scored
    live and `provisional` is true. `?format=html` or `Accept: text/html` gives the report page
    (self-contained: inline CSS and SVG, no script); `?format=csv` one row per question.

    A closed assessment's report, in each format, is made once and carries a strong `ETag`;
    `If-None-Match` with it answers 304 Not Modified (`api.http.report_responses`).
    """
    chosen = report_format or negotiate(accept)
    closed: ClosedReports = request.app.state.closed_reports

    def make() -> bytes:
        report = reports.build_report(
            session=session,
            organization=access.organization,
            assessment=access.assessment,
            with_answers=chosen != "json",
        )
        return RENDERERS[chosen](report).encode()

    # A coroutine, so that a kept closed report is answered without a trip to a thread; what
    # reads the database or renders runs in one.
    artifact = closed.kept(
        assessment=access.assessment, organization=access.organization, variant=chosen
    )
    if artifact is None:
        artifact = await run_in_threadpool(
            closed.report,
            assessment=access.assessment,
            organization=access.organization,
            variant=chosen,
            make=make,
        )
    response: Response
    if chosen == "html":
        response = html.html_response(artifact.body)
    elif chosen == "csv":
        filename = report_csv.csv_filename(access.organization.slug, access.assessment.id)
        response = Response(
            artifact.body,
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                "X-Content-Type-Options": "nosniff",
            },
        )
    else:
        response = Response(artifact.body, media_type="application/json")
    response.headers["Vary"] = "Accept"
    if artifact.etag is not None:
        response.headers["ETag"] = artifact.etag
        if etag_matches(if_none_match, artifact.etag):
            return not_modified(response)
    return response


def not_modified(response: Response) -> Response:
    """304 for a client that holds these bytes: the headers a 200 would carry, no body."""
    headers = {
        name: value
        for name, value in response.headers.items()
        if name not in ("content-length", "content-type")
    }
    return Response(status_code=304, headers=headers)


@router.get(
    "/assessments/{a}/export",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
def export_assessment(access: AssessmentReader, session: SessionDep) -> Response:
    """Everything about one assessment, to archive: the `opm export` format (`scope: assessment`).

    The questionnaire version and content hash, the respondents (never their tokens), every
    answer with comment and evidence, the answer history, and for a closed assessment the
    stored score card (`score_card`, the snapshot text byte for byte) and close context. The
    export is recorded in the organization's audit trail.
    """
    document = exports.export_assessment(
        session=session,
        organization=access.organization,
        assessment=access.assessment,
        actor=access.principal.actor,
    )
    return Response(exports.export_json(document), media_type="application/json")


@router.get(
    "/overview",
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


@router.put("/targets/{questionnaire_key}", response_model=Targets)
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


@router.get("/targets/{questionnaire_key}", response_model=Targets)
def get_targets(questionnaire_key: str, access: TargetsReader, session: SessionDep) -> Targets:
    return goals.get_targets(
        session=session, organization=access.organization, questionnaire_key=questionnaire_key
    )
