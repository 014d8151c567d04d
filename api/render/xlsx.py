"""The report as a workbook (`?format=xlsx`), written with openpyxl.

Five sheets, each a table under one frozen header row: Summary (one figure a row), Domains,
Practices, Questions (each with its distribution of answers) and Answers: one row per answer
while the report lists individual answers (`api.services.answers_shown`: at most 12 respondents
and not anonymous), else one row per question with its comments and evidence, without names
(the longest first; at most 5 and how many more beyond 12 respondents). The figures are those of
the card the report leads with (the validated one when there is one), as numbers; dates are
UTC. Every text cell is stored as text (never a formula, whatever it begins with) and marked as
quoted, so a spreadsheet keeps it text when it is edited; characters XML cannot hold are left
out. The bytes are the same at every render (fixed timestamps), so a closed report's ETag holds
across processes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from api.render.csv import distribution_headers
from api.services.answers_shown import AnswersShown, PooledAnswers
from api.services.reports import Report

__all__ = [
    "MEDIA_TYPE",
    "SHEETS",
    "CellValue",
    "report_xlsx",
    "xlsx_filename",
]

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS = ("Summary", "Domains", "Practices", "Questions", "Answers")
_FIXED = (1980, 1, 1, 0, 0, 0)  # every part's time in the zip: the same bytes at every render

CellValue = str | int | float | bool | datetime | None


def _naive_utc(moment: datetime | None) -> datetime | None:
    """A spreadsheet holds no time zone: the moment in UTC, without one."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _table(sheet: Worksheet, header: Sequence[str], rows: Iterable[Sequence[CellValue]]) -> None:
    bold = Font(bold=True)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = bold
    for row in rows:
        sheet.append([_value(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                # openpyxl reads a leading `=` as a formula: a text cell stays text.
                cell.data_type = "s"
                cell.quotePrefix = True
    sheet.freeze_panes = "A2"


def _value(value: CellValue) -> CellValue:
    if isinstance(value, str):
        return str(ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, datetime):
        return _naive_utc(value)
    return value


def _figure(item: Any, name: str) -> Any:
    """A figure an older card version may not have (progress, credit): None there."""
    return getattr(item, name, None)


def _summary(report: Report, shown: AnswersShown) -> list[tuple[str, CellValue]]:
    card = report.lead
    assessment = report.assessment
    return [
        ("organization", report.organization.name),
        ("assessment", assessment.title),
        ("assessment_id", assessment.id),
        ("period", assessment.period),
        ("period_end", assessment.period_end.isoformat() if assessment.period_end else None),
        ("questionnaire", report.questionnaire.key),
        ("questionnaire_version", report.questionnaire.version),
        ("status", assessment.status.value),
        ("provisional", report.provisional),
        ("closed_at_utc", assessment.closed_at),
        ("rigor", assessment.rigor.value),
        ("anonymous", assessment.anonymous),
        ("basis", "validated" if report.validated is not None else "self"),
        ("scoring_version", card.scoring_version),
        ("respondents", report.card.respondents),
        ("answers_listed_by_respondent", shown.individual),
        ("overall_level", card.overall.level),
        ("overall_level_name", card.overall.level_name),
        ("overall_index", card.overall.index),
        ("overall_progress", _figure(card.overall, "progress")),
        ("overall_attainment", card.overall.attainment),
        ("practices_assessed", card.overall.practices_assessed),
        ("practices_attained", card.overall.practices_attained),
        ("questions", card.completeness.questions),
        ("answered", card.completeness.answered),
        ("not_applicable", card.completeness.not_applicable),
        ("unknown", _figure(card.completeness, "unknown")),
        ("unanswered", card.completeness.unanswered),
        ("completeness", card.completeness.ratio),
        # An anonymous assessment's breakdown by role (roles of at least three respondents).
        *(
            (f"respondents_role: {item.role or 'other roles'}", item.respondents)
            for item in shown.roles
        ),
    ]


def _domains(report: Report) -> Iterable[list[CellValue]]:
    for domain in report.lead.domains:
        goal = report.goals.get(domain.id)
        yield [
            domain.id,
            domain.name,
            _figure(domain, "in_scope") is not False,
            domain.assessed,
            domain.level,
            domain.level_name,
            domain.index,
            _figure(domain, "progress"),
            domain.attainment,
            domain.practices_attained,
            domain.practices_assessed,
            goal.level if goal else None,
            goal.gap_levels if goal else None,
            goal.progress if goal else None,
        ]


def _practices(report: Report) -> Iterable[list[CellValue]]:
    for practice in report.lead.best_practices:
        yield [
            practice.domain,
            practice.stage,
            practice.enabler,
            practice.id,
            practice.title,
            practice.assessed,
            practice.attained,
            practice.score,
            _figure(practice, "credit"),
            len(practice.questions),
        ]


def _questions(report: Report, shown: AnswersShown) -> Iterable[list[CellValue]]:
    texts = report.questionnaire.questionnaire.questions
    for practice in report.lead.best_practices:
        for question in practice.questions:
            distribution = shown.distribution(question.id)
            yield [
                practice.domain,
                practice.stage,
                practice.enabler,
                practice.id,
                question.id,
                texts[question.id].text if question.id in texts else None,
                question.status,
                question.score,
                question.responses,
                question.dispersion,
                *(count for _, count in distribution.values),
                distribution.not_applicable,
                distribution.dont_know,
            ]


def _listed_answers(report: Report, shown: AnswersShown) -> Iterable[list[CellValue]]:
    for practice in report.lead.best_practices:
        for question in practice.questions:
            for answer in shown.listed.get(question.id, ()):
                yield [
                    question.id,
                    answer.respondent,
                    answer.value,
                    answer.not_applicable,
                    answer.dont_know,
                    answer.comment,
                    "\n".join(answer.evidence) or None,
                ]


def _pooled_answers(
    report: Report, shown: AnswersShown
) -> tuple[list[str], Iterable[list[CellValue]]]:
    pooled: list[tuple[str, PooledAnswers]] = [
        (question.id, shown.pooled[question.id])
        for practice in report.lead.best_practices
        for question in practice.questions
        if question.id in shown.pooled
        and (shown.pooled[question.id].comments or shown.pooled[question.id].evidence)
    ]
    comments = max((len(item.comments) for _, item in pooled), default=0)
    evidence = max((len(item.evidence) for _, item in pooled), default=0)
    header = [
        "question_id",
        *(f"comment_{n}" for n in range(1, comments + 1)),
        "more_comments",
        *(f"evidence_{n}" for n in range(1, evidence + 1)),
        "more_evidence",
    ]

    def rows() -> Iterable[list[CellValue]]:
        for question_id, item in pooled:
            yield [
                question_id,
                *item.comments,
                *([None] * (comments - len(item.comments))),
                item.more_comments,
                *item.evidence,
                *([None] * (evidence - len(item.evidence))),
                item.more_evidence,
            ]

    return header, rows()


def report_xlsx(report: Report) -> bytes:
    """The workbook of a report (built `with_answers`), as the bytes of an .xlsx file."""
    shown = report.answers_shown()
    workbook = Workbook()
    moment = _naive_utc(report.assessment.closed_at or report.assessment.created_at)
    workbook.properties.created = moment
    workbook.properties.modified = moment
    workbook.properties.creator = "opm"
    summary = workbook.active
    assert summary is not None
    summary.title = "Summary"
    _table(summary, ["field", "value"], _summary(report, shown))
    _table(
        workbook.create_sheet("Domains"),
        [
            "domain",
            "name",
            "in_scope",
            "assessed",
            "level",
            "level_name",
            "index",
            "progress",
            "attainment",
            "practices_attained",
            "practices_assessed",
            "target_level",
            "gap_levels",
            "toward_target",
        ],
        _domains(report),
    )
    _table(
        workbook.create_sheet("Practices"),
        [
            "domain",
            "stage",
            "enabler",
            "best_practice",
            "title",
            "assessed",
            "attained",
            "score",
            "credit",
            "questions",
        ],
        _practices(report),
    )
    _table(
        workbook.create_sheet("Questions"),
        [
            "domain",
            "stage",
            "enabler",
            "best_practice",
            "question_id",
            "question_text",
            "status",
            "score",
            "responses",
            "dispersion",
            *distribution_headers(shown.scale),
        ],
        _questions(report, shown),
    )
    answers = workbook.create_sheet("Answers")
    if shown.individual:
        _table(
            answers,
            [
                "question_id",
                "respondent",
                "value",
                "not_applicable",
                "dont_know",
                "comment",
                "evidence",
            ],
            _listed_answers(report, shown),
        )
    else:
        header, rows = _pooled_answers(report, shown)
        _table(answers, header, rows)
    buffer = io.BytesIO()
    # `Workbook.save` would date the workbook now: its writer keeps the time set above.
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return _fixed_times(buffer.getvalue())


def _fixed_times(archive: bytes) -> bytes:
    """The same zip with every part dated `_FIXED`: openpyxl dates them now."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def xlsx_filename(organization_slug: str, assessment_id: str) -> str:
    """A file name made only of safe characters: `<org>-<assessment>-report.xlsx`."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{organization_slug}-{assessment_id}")
    return f"{stem}-report.xlsx"
