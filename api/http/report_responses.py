"""A report as a response: its format, its bytes (kept once closed, with a strong ETag), a 304.

Every face that shows one assessment's report goes through here: the JSON API's `.../report`,
the console's report pages and the shared pages, so that a closed report is made once per
format and page kind in a process, whoever asks first.


A closed assessment never changes (`architecture.md`, immutability rules): its report in any
format is a function of rows frozen at close (the stored score card and close context, the
assessment, its respondents and answers, the pinned questionnaire version). So the bytes are
made at the first request and kept, bounded, in the process, keyed by the assessment id and its
close time (the card is written once, at close, with that time), the format and whether the
page is shared (`ReportVariant.key`). The key is read from the assessment's row alone: the
stored card, tens of kilobytes, is read only when the bytes are made.
Every process makes the same bytes from the same rows, so the cache cannot make one process
answer differently from another; a new process makes them again at its first request. Kept
here rather than in a table: a stored page would freeze the renderer of its day (a new page
design, a new header field would never reach older reports), and a `GET` would have to write.

The ETag is the SHA-256 of the bytes (quoted): `If-None-Match` with it answers 304. A client
that accepts gzip gets the gzipped bytes (`api.http.compression`), a variant kept beside the
other with the ETag of its own bytes; each response says `Vary: Accept-Encoding`.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from typing import Any

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from api.core.enums import AssessmentStatus, ReportFormat
from api.http import compression
from api.http.deps import get_engine
from api.render import csv as report_csv
from api.render import html, pdf, xlsx
from api.schemas import OrganizationSummary
from api.services import reports
from api.services.reports import Report
from api.storage.db import session_scope
from api.storage.tables import AssessmentRow, OrganizationRow

__all__ = [
    "COMPRESSED",
    "ETAG",
    "MAX_BYTES",
    "NOT_MODIFIED",
    "Artifact",
    "ClosedReports",
    "ReportFormat",
    "ReportVariant",
    "etag_matches",
    "negotiate",
    "not_modified",
    "report_artifact",
    "report_response",
    "serve_report",
]

_OFFERED: tuple[tuple[str, ReportFormat], ...] = (
    ("text/html", ReportFormat.HTML),
    ("text/csv", ReportFormat.CSV),
    (xlsx.MEDIA_TYPE, ReportFormat.XLSX),
    ("application/pdf", ReportFormat.PDF),
)

MAX_BYTES = 32 * 1024 * 1024  # per process: a few dozen closed reports in every format

# What the OpenAPI document says of a report's headers and of its 304 (`api.http.openapi`).
ETAG: dict[str, Any] = {
    "ETag": {
        "description": "A closed report's strong validator (the SHA-256 of its bytes); "
        "send it back in `If-None-Match` for a 304. An open report has none.",
        "schema": {"type": "string"},
    }
}
NOT_MODIFIED: dict[str, Any] = {
    "description": "Not Modified: `If-None-Match` named this closed report's `ETag`.",
    "headers": {"ETag": {**ETAG["ETag"], "required": True}},
}


@dataclass(frozen=True)
class Artifact:
    """A report's bytes; `etag` is set for a closed report only (an open one is live)."""

    body: bytes
    etag: str | None


def _artifact(body: bytes) -> Artifact:
    return Artifact(body=body, etag=f'"{hashlib.sha256(body).hexdigest()}"')


class ClosedReports:
    """The reports of closed assessments, least recently used first out past `max_bytes`."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._kept: OrderedDict[Hashable, Artifact] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def kept(
        self, *, assessment: AssessmentRow, organization: OrganizationRow, variant: str
    ) -> Artifact | None:
        """The report's bytes in `variant` when they are kept already; no I/O."""
        key = _key(assessment, organization, variant)
        if key is None:
            return None
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
            return kept

    def report(
        self,
        *,
        assessment: AssessmentRow,
        organization: OrganizationRow,
        variant: str,
        make: Callable[[], bytes],
    ) -> Artifact:
        """The report's bytes in `variant` (a format, shared or not); `make()` makes them.

        An open assessment's report is made at every call, without an ETag.
        """
        key = _key(assessment, organization, variant)
        if key is None:
            return Artifact(body=make(), etag=None)
        kept = self.kept(assessment=assessment, organization=organization, variant=variant)
        if kept is not None:
            return kept
        # Made outside the lock: two first requests may both make it (the same bytes).
        artifact = _artifact(make())
        with self._lock:
            if key not in self._kept and len(artifact.body) <= self.max_bytes:
                self._kept[key] = artifact
                self._size += len(artifact.body)
                while self._size > self.max_bytes:
                    _, dropped = self._kept.popitem(last=False)
                    self._size -= len(dropped.body)
        return artifact


def _key(assessment: AssessmentRow, organization: OrganizationRow, variant: str) -> Hashable | None:
    """What a closed report's bytes depend on that could differ between two reads; None if open.

    A close context without the organization (an older close) shows today's organization,
    which can change: it is part of the key then.
    """
    if assessment.status != AssessmentStatus.CLOSED:
        return None
    stored = assessment.close_context
    today = (
        None
        if stored is not None and stored.organization is not None
        else OrganizationSummary.model_validate(organization).model_dump_json()
    )
    return (assessment.id, assessment.closed_at, variant, today)


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an `If-None-Match` header names `etag` (weak comparison, RFC 9110 13.1.2)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


def negotiate(accept: str | None) -> ReportFormat:
    """The format an `Accept` header prefers among JSON, HTML, CSV, XLSX and PDF; JSON on a tie or
    none.

    A browser's `text/html,...,*/*;q=0.8` gets the page; `*/*` alone, or no header, gets JSON.
    """
    if not accept:
        return ReportFormat.JSON
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

    best = ReportFormat.JSON
    best_q = weight("application/json")
    for media, name in _OFFERED:
        if weight(media) > best_q:
            best, best_q = name, weight(media)
    return best


# The formats sent gzipped to a client that accepts it (`api.http.compression`); the report
# page is one of them: it carries no form and no CSRF token.
COMPRESSED = frozenset({ReportFormat.JSON, ReportFormat.HTML, ReportFormat.CSV, ReportFormat.XLSX})


@dataclass(frozen=True)
class ReportVariant:
    """One kind of a report's bytes: its format, and for a page whether it is the shared one."""

    format: ReportFormat
    shared: bool = False
    gzip: bool = False  # gzipped: a variant of its own, with its own ETag (`for_encoding`)
    console: bool = False  # the console's page, with its link back to the console

    @property
    def key(self) -> str:
        if self.shared:
            return f"{self.format}:shared"
        return f"{self.format}:console" if self.console else self.format

    @property
    def with_previous(self) -> bool:
        """Whether this kind shows the change since the assessment before (`Report.since`)."""
        return self.format in (ReportFormat.HTML, ReportFormat.PDF)

    @property
    def cache_key(self) -> str:
        """Its bytes' key in the closed-report cache: gzipped ones are kept apart."""
        return f"{self.key}:gzip" if self.gzip else self.key

    def for_encoding(self, accept_encoding: str | None) -> ReportVariant:
        """This variant, gzipped when its format is one to compress and the client accepts gzip
        (`Accept-Encoding`)."""
        return replace(
            self, gzip=self.format in COMPRESSED and compression.accepts_gzip(accept_encoding)
        )

    @property
    def identity(self) -> ReportVariant:
        """The same variant, not compressed."""
        return replace(self, gzip=False)

    def render(self, report: Report) -> bytes:
        if self.format == ReportFormat.HTML:
            return html.render_report(report, shared=self.shared, console=self.console).encode()
        if self.format == ReportFormat.PDF:
            return pdf.report_pdf(report)
        if self.format == ReportFormat.CSV:
            return report_csv.report_csv(report).encode()
        if self.format == ReportFormat.XLSX:
            return xlsx.report_xlsx(report)
        return report.to_json().encode()


def report_artifact(
    *,
    closed: ClosedReports,
    session: Session,
    organization: OrganizationRow,
    assessment: AssessmentRow,
    variant: ReportVariant,
) -> Artifact:
    """The report's bytes in `variant`: kept ones for a closed assessment, else made now.

    A gzipped variant is made from the identity one's bytes (kept too, when closed).
    """

    def make() -> bytes:
        if variant.gzip:
            identity = report_artifact(
                closed=closed,
                session=session,
                organization=organization,
                assessment=assessment,
                variant=variant.identity,
            )
            return compression.gzip_body(identity.body)
        report = reports.build_report(
            session=session,
            organization=organization,
            assessment=assessment,
            with_answers=variant.format not in (ReportFormat.JSON, ReportFormat.PDF),
            with_previous=variant.with_previous,
        )
        return variant.render(report)

    return closed.report(
        assessment=assessment, organization=organization, variant=variant.cache_key, make=make
    )


# The formats served as a file to download: their media type and file name.
_DOWNLOADS: dict[ReportFormat, tuple[str, Callable[[str, str], str]]] = {
    ReportFormat.CSV: ("text/csv; charset=utf-8", report_csv.csv_filename),
    ReportFormat.XLSX: (xlsx.MEDIA_TYPE, xlsx.xlsx_filename),
    ReportFormat.PDF: ("application/pdf", pdf.pdf_filename),
}


def report_response(
    artifact: Artifact,
    *,
    variant: ReportVariant,
    organization: OrganizationRow,
    assessment: AssessmentRow,
    if_none_match: str | None = None,
) -> Response:
    """The response carrying a report's bytes, with its `ETag`; 304 when the client has them."""
    response: Response
    if variant.format == ReportFormat.HTML:
        response = html.html_response(artifact.body, shared=variant.shared)
    elif variant.format in _DOWNLOADS:
        media_type, filename_of = _DOWNLOADS[variant.format]
        filename = filename_of(organization.slug, assessment.id)
        response = Response(
            artifact.body,
            media_type=media_type,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    else:
        response = Response(artifact.body, media_type="application/json")
    if variant.format in COMPRESSED:
        compression.vary_on_encoding(response)
    if variant.gzip:
        response.headers["Content-Encoding"] = "gzip"
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
        if name not in ("content-length", "content-type", "content-encoding")
    }
    return Response(status_code=304, headers=headers)


async def serve_report(
    request: Request,
    *,
    organization: OrganizationRow,
    assessment: AssessmentRow,
    variant: ReportVariant,
    if_none_match: str | None,
) -> Response:
    """`report_response` for the JSON API, without a trip to a thread for a kept report.

    A coroutine: a kept closed report is answered from memory; what reads the database or
    renders runs in a thread, in a session of its own (no sync session is held here).
    """
    closed: ClosedReports = request.app.state.closed_reports
    artifact = closed.kept(
        assessment=assessment, organization=organization, variant=variant.cache_key
    )
    if artifact is None:
        artifact = await run_in_threadpool(
            _made_in_own_session, request, organization, assessment, variant
        )
    return report_response(
        artifact,
        variant=variant,
        organization=organization,
        assessment=assessment,
        if_none_match=if_none_match,
    )


def _made_in_own_session(
    request: Request,
    organization: OrganizationRow,
    assessment: AssessmentRow,
    variant: ReportVariant,
) -> Artifact:
    with session_scope(get_engine(request), write=False) as session:
        return report_artifact(
            closed=request.app.state.closed_reports,
            session=session,
            organization=organization,
            assessment=assessment,
            variant=variant,
        )
