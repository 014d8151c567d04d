"""The executive summary as a PDF (`?format=pdf`): the summary page rendered by WeasyPrint.

WeasyPrint lays out with Pango (a system library: the Docker image installs it). It is imported
at the first PDF, so that a machine without Pango still serves every other format. The page
is self-contained (inline CSS and SVG): the fetcher refuses every URL, so that nothing in a
report (an evidence link, a name) can make the server fetch anything.
"""

from __future__ import annotations

import logging
import re
from typing import Any, NoReturn

from api.render.html import render_summary
from api.services.reports import Report

__all__ = [
    "pdf_filename",
    "report_pdf",
]


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"the report PDF fetches nothing ({url[:40]!r} refused)")


def report_pdf(report: Report) -> bytes:
    """The executive summary of a report (built `with_previous`) as PDF bytes, A4."""
    from weasyprint import HTML

    # The page's CSS serves screens and browsers too: WeasyPrint's notes on what it ignores
    # (`overflow-x`, `@media screen and ...`) are not news.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(string=render_summary(report), url_fetcher=_no_fetch, base_url=None)
    pdf: bytes = document.write_pdf()
    return pdf


def pdf_filename(organization_slug: str, assessment_id: str) -> str:
    """A file name made only of safe characters: `<org>-<assessment>-summary.pdf`."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{organization_slug}-{assessment_id}")
    return f"{stem}-summary.pdf"
