"""Share links: creating and revoking them (a key), and the pages they open (no key)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlmodel import Session

from api.core.enums import ReportFormat, SharedReportFormat
from api.core.errors import NotFound
from api.core.pagination import Page
from api.http.access import OrganizationReader, OrganizationWriter, ShareLinkRevoker
from api.http.client_address import client_address, request_base_url
from api.http.deps import SessionDep, SettingsDep
from api.http.idempotency import RetryDep
from api.http.problems import problem
from api.http.report_responses import (
    ETAG,
    NOT_MODIFIED,
    ReportVariant,
    report_artifact,
    report_response,
)
from api.render import html
from api.routes.params import Cursor, Limit
from api.schemas import ShareLinkCreate, ShareLinkCreated, ShareLinkPublic
from api.services import share_links, trend
from api.storage.tables import AssessmentRow, OrganizationRow

router = APIRouter(tags=["share links"])

SharedFormat = Annotated[
    SharedReportFormat | None,
    Query(
        alias="format",
        description="html (default): the page; pdf: a shared report's executive summary.",
    ),
]


@router.post(
    "/v1/organizations/{org}/share-links",
    operation_id="createShareLink",
    status_code=201,
    response_model=ShareLinkCreated,
)
def create_share_link(
    body: ShareLinkCreate,
    access: OrganizationWriter,
    session: SessionDep,
    settings: SettingsDep,
    retry: RetryDep,
    request: Request,
) -> ShareLinkCreated | JSONResponse:
    """A read-only link, opened in a browser without a key, to one report or to the overview.

    Give `assessment_id` (an open assessment's report shows the provisional banner) or
    `questionnaire_key` (the overview, whose links lead to the shared reports of its closed
    assessments). The token is inside `url`, shown once: a replay of the request with the same
    `Idempotency-Key` answers `url: null` (create another link).
    """
    # Without OPM_PUBLIC_URL, the request's own address: a host named in OPM_ALLOWED_HOSTS
    # (`api.http.hosts`), never one a client made up.
    base_url = settings.public_url or request_base_url(request, settings.trusted_proxies)

    def create() -> ShareLinkCreated:
        return share_links.create_share_link(
            session=session,
            organization=access.organization,
            assessment_id=body.assessment_id,
            questionnaire_key=body.questionnaire_key,
            expires_in_days=body.expires_in_days,
            base_url=base_url,
            actor=access.principal.actor,
        )

    return retry.respond(session=session, status_code=201, create=create, secret_fields=("url",))


@router.get(
    "/v1/organizations/{org}/share-links",
    operation_id="listShareLinks",
    response_model=Page[ShareLinkPublic],
)
def list_share_links(
    access: OrganizationReader, session: SessionDep, limit: Limit = 50, cursor: Cursor = None
) -> Page[ShareLinkPublic]:
    """The organization's share links, to find one to revoke (tokens are never listed)."""
    return share_links.list_share_links(
        session=session, organization=access.organization, limit=limit, cursor=cursor
    )


@router.delete(
    "/v1/organizations/{org}/share-links/{link_id}",
    operation_id="revokeShareLink",
    status_code=204,
    response_class=Response,
)
def revoke_share_link(link_id: str, access: ShareLinkRevoker, session: SessionDep) -> None:
    """Revoke a link: it answers 404 from then on."""
    share_links.revoke_share_link(
        session=session,
        organization=access.organization,
        link_id=link_id,
        actor=access.principal.actor,
    )


def _gone(request: Request, error: NotFound) -> Response:
    """404 as a small page for a browser, as problem JSON for anything else."""
    if "text/html" in request.headers.get("accept", ""):
        return html.html_response(html.not_found_page(error.detail), status_code=404, shared=True)
    return problem(404, error.detail)


PAGE_OR_GONE: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": ETAG,
        "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
        },
    },
    304: NOT_MODIFIED,  # a closed report's page, already held
    404: {"content": {"text/html": {"schema": {"type": "string"}}}},  # or problem JSON
}


@router.get(
    "/v1/shared/{token}",
    operation_id="openSharedLink",
    response_class=Response,
    responses=PAGE_OR_GONE,
)
def open_shared(
    token: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    report_format: SharedFormat = None,
) -> Response:
    """The shared report or overview page (no key: the token is the permission).

    A report's link also gives its executive summary as PDF (`?format=pdf`); an overview has
    none (422).
    """
    try:
        target = share_links.open_share_link(
            session=session,
            token=token,
            address=client_address(request, settings.trusted_proxies),
        )
        if target.assessment is None:
            assert target.questionnaire_key is not None
            overview = trend.build_overview(
                session=session,
                organization=target.organization,
                questionnaire_key=target.questionnaire_key,
            )
    except NotFound as error:
        return _gone(request, error)
    if target.assessment is not None:
        return _shared_report(
            request, session, target.organization, target.assessment, report_format
        )
    if report_format == SharedReportFormat.PDF:
        return problem(422, "An overview has no PDF: format=pdf opens a shared report's summary.")
    page = html.render_overview(
        overview,
        report_url=lambda assessment_id: f"{token}/assessments/{assessment_id}",
        shared=True,
    )
    return html.html_response(page, shared=True)


@router.get(
    "/v1/shared/{token}/assessments/{assessment_id}",
    operation_id="openSharedReport",
    response_class=Response,
    responses=PAGE_OR_GONE,
)
def open_shared_report(
    token: str,
    assessment_id: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    report_format: SharedFormat = None,
) -> Response:
    """A report reached from a shared overview: a closed assessment of its questionnaire key
    (`?format=pdf`: its executive summary as PDF)."""
    try:
        target = share_links.open_share_link(
            session=session,
            token=token,
            address=client_address(request, settings.trusted_proxies),
        )
        assessment = share_links.shared_overview_assessment(
            session=session, target=target, assessment_id=assessment_id
        )
    except NotFound as error:
        return _gone(request, error)
    return _shared_report(request, session, target.organization, assessment, report_format)


def _shared_report(
    request: Request,
    session: Session,
    organization: OrganizationRow,
    assessment: AssessmentRow,
    report_format: SharedReportFormat | None,
) -> Response:
    """A shared report page, or its PDF (the same bytes as the key's: it names no one), kept
    once made as every closed report (`api.http.report_responses`)."""
    variant = (
        ReportVariant(ReportFormat.PDF)
        if report_format == SharedReportFormat.PDF
        else ReportVariant(ReportFormat.HTML, shared=True)
    ).for_encoding(request.headers.get("accept-encoding"))
    artifact = report_artifact(
        closed=request.app.state.closed_reports,
        session=session,
        organization=organization,
        assessment=assessment,
        variant=variant,
    )
    return report_response(
        artifact,
        variant=variant,
        organization=organization,
        assessment=assessment,
        if_none_match=request.headers.get("if-none-match"),
    )
