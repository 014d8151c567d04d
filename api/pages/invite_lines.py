""" "Invite several" on the console: lines of "name, role, e-mail" read into respondents.

Pasted or uploaded (.csv or .txt), one person a line: name, then role and e-mail (both
optional), then optionally the domains (ids or names, separated by spaces, `|` or `/`; `all`
for the whole scope, `none` or `enablers` for the enablers only). Cells are separated by commas
(quoted as a spreadsheet quotes them), or by tabs or semicolons when a line has them (a
spreadsheet's copy, or its CSV in some languages). Blank lines, and a first line that names
the columns, are skipped. A row without its own domains takes those chosen for all, else the
ones its role suggests (`api.services.role_domains`). Every line is checked as the bulk use
case checks a row (`RespondentCreate`, then `respondents.bulk_problems`), so that the preview
names each bad line before anything is created.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from api.schemas import MAX_BULK_RESPONDENTS, RespondentCreate
from api.services import respondents
from api.services.role_domains import suggested_domains
from api.storage.tables import AssessmentRow
from questionnaires import Domain

__all__ = ["InviteLine", "check_lines", "decode_row", "encode_row", "read_lines", "rows_of"]

_HEADER_NAMES = {"name", "names", "nom", "full name"}
_DOMAIN_SEPARATORS = re.compile(r"[\s|/+]+")


@dataclass
class InviteLine:
    """One line as read, what it will create, and what is wrong with it."""

    number: int  # 1-based, in the text as given
    name: str
    role: str
    email: str
    domains: list[str] | None  # null: the whole scope
    problems: list[str] = field(default_factory=list)


def _cells(line: str) -> list[str]:
    delimiter = "\t" if "\t" in line else ";" if ";" in line and "," not in line else ","
    return [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter))]


def _domains_of(
    text: str, domains: list[Domain], problems: list[str]
) -> tuple[bool, list[str] | None]:
    """The domains a line names in its fourth cell: (given, domains)."""
    words = [word for word in _DOMAIN_SEPARATORS.split(text.strip()) if word]
    if not words:
        return False, None
    lowered = [word.casefold() for word in words]
    if lowered == ["all"]:
        return True, None
    if lowered in (["none"], ["enablers"]):
        return True, []
    known = {d.id.casefold(): d.id for d in domains} | {d.name.casefold(): d.id for d in domains}
    chosen: list[str] = []
    for word in words:
        domain = known.get(word.casefold())
        if domain is None:
            problems.append(f"domain {word!r} is not one of this assessment's")
        elif domain not in chosen:
            chosen.append(domain)
    return True, chosen


def read_lines(
    text: str,
    *,
    scope: list[str],
    domains: list[Domain],
    for_all: list[str] | None,
    same_for_all: bool,
) -> list[InviteLine]:
    """The lines of `text` as people to invite. `domains` are the scope's (to read names);
    `same_for_all` gives every row without its own domains `for_all`, else its role's
    suggestion."""
    read: list[InviteLine] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            cells = _cells(raw)
        except csv.Error as wrong:
            read.append(
                InviteLine(number, raw.strip()[:200], "", "", None, [f"unreadable: {wrong}"])
            )
            continue
        if not read and cells and cells[0].casefold() in _HEADER_NAMES:
            continue
        name, role, email, given = [*cells, "", "", "", ""][:4]
        problems: list[str] = []
        if len(cells) > 4 and any(cells[4:]):
            problems.append("more than four cells (name, role, e-mail, domains)")
        has_own, own = _domains_of(given, domains, problems)
        chosen = own if has_own else for_all if same_for_all else suggested_domains(role, scope)
        read.append(InviteLine(number, name, role, email, chosen, problems))
    return read


def _message(error: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()))
    names = {"name": "name", "role": "role", "email": "e-mail", "domains": "domains"}
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{names.get(where.split('.')[0], where)}: {message}"


def check_lines(
    *, session: Session, assessment: AssessmentRow, lines: list[InviteLine]
) -> list[RespondentCreate | None]:
    """Check every line as the bulk use case would, writing what is wrong into its
    `problems`; the row each good line makes (None for a bad one)."""
    rows: list[RespondentCreate | None] = []
    for line in lines:
        try:
            rows.append(
                RespondentCreate.model_validate(
                    {
                        "name": line.name,
                        "role": line.role or None,
                        "email": line.email or None,
                        "domains": line.domains,
                    }
                )
            )
        except ValidationError as invalid:
            line.problems += [_message(dict(error)) for error in invalid.errors()]
            rows.append(None)
    good = [(line, row) for line, row in zip(lines, rows, strict=True) if row is not None]
    for problem in respondents.bulk_problems(
        session=session, assessment=assessment, rows=[row for _, row in good]
    ):
        _, index, what = problem["field"].split(".", 2)
        line = good[int(index)][0]
        line.problems.append(f"{'e-mail' if what == 'email' else what}: {problem['message']}")
    if len(lines) > MAX_BULK_RESPONDENTS and lines:
        lines[-1].problems.append(f"more than {MAX_BULK_RESPONDENTS} people in one go")
    return [None if line.problems else row for line, row in zip(lines, rows, strict=True)]


def rows_of(lines: list[InviteLine], rows: list[RespondentCreate | None]) -> list[RespondentCreate]:
    """The rows to create, once no line has a problem."""
    return [
        row for line, row in zip(lines, rows, strict=True) if row is not None and not line.problems
    ]


def encode_row(line: InviteLine) -> str:
    """A previewed line as the confirming form carries it: one field (number, name, role,
    e-mail as a CSV record), so that a thousand people stay within a form's field limit."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([line.number, line.name, line.role, line.email])
    return buffer.getvalue()


def decode_row(text: str, *, fallback_number: int, domains: list[str] | None) -> InviteLine:
    """`encode_row` read back; a garbled record (not from the preview) keeps what it can, and
    the checks that follow name what is wrong with it."""
    try:
        cells = next(csv.reader([text]), [])
    except csv.Error:
        cells = []
    number, name, role, email = [*cells, "", "", "", ""][:4]
    return InviteLine(
        number=int(number) if number.isascii() and number.isdigit() else fallback_number,
        name=name,
        role=role,
        email=email,
        domains=domains,
    )
