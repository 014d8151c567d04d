"""`links.csv`: one row per respondent who has not submitted, with a new link of its own.

Columns: name, role, e-mail, link. Written like the report's CSV (`api.render.csv`): UTF-8
with a byte order mark, RFC 4180 quoting, and a text cell a spreadsheet would run as a formula
prefixed with `'` (a name is typed by whoever invites, and the file is opened in a spreadsheet).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from api.render.csv import BOM, safe_cell

__all__ = ["LINK_COLUMNS", "links_csv", "links_filename"]

LINK_COLUMNS = ("name", "role", "email", "link")


def links_csv(rows: Iterable[tuple[str, str | None, str | None, str]]) -> str:
    """The CSV text of (name, role, e-mail, link) rows, byte order mark first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(LINK_COLUMNS)
    for row in rows:
        writer.writerow(["" if cell is None else safe_cell(cell) for cell in row])
    return BOM + buffer.getvalue()


def links_filename(organization_slug: str, assessment_id: str) -> str:
    """A file name made only of safe characters: `<org>-<assessment>-links.csv`."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{organization_slug}-{assessment_id}")
    return f"{stem}-links.csv"
