"""The report as CSV: one row per question, for a spreadsheet.

Columns: domain, stage, enabler, best practice (id and title), question id and text, status,
score, responses, dispersion, the best practice's score and credit (how close it is to being
attained; repeated on each of its questions' rows, empty where the practice is not assessed or
the card, of scoring version "1", has no credit), then one column per respondent with that
respondent's value (`N/A` for not applicable, empty when unanswered) while the report lists
individual answers (`api.services.answers_shown`: at most 12 respondents, not anonymous); else,
instead, the distribution: how many answered each scale value (`answers_<value>`), N/A
(`answers_na`) and don't know (`answers_dont_know`). UTF-8 with a byte order
mark so that Excel reads accents; RFC 4180 quoting. A text cell that a spreadsheet would run as
a formula (one that begins with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed
with `'`; numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

from api.render.jinja import DONT_KNOW
from api.services.answers_shown import Distribution
from api.services.reports import Report
from scoring import BestPracticeScore, BestPracticeScoreV2

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "domain",
    "stage",
    "enabler",
    "best_practice",
    "best_practice_title",
    "question_id",
    "question_text",
    "status",
    "score",
    "responses",
    "dispersion",
    "best_practice_score",
    "best_practice_credit",
)

Cell = str | int | float | None


def safe_cell(value: Cell) -> Cell:
    """A cell a spreadsheet shows as it is: text that looks like a formula gets a `'` first."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def respondent_headers(names: Mapping[str, str]) -> list[str]:
    """One header per respondent (id -> name): the name, with the id where two share a name."""
    shown = list(names.values())
    return [
        name if shown.count(name) == 1 else f"{name} ({respondent_id})"
        for respondent_id, name in names.items()
    ]


def distribution_headers(scale: Sequence[int]) -> list[str]:
    """The columns of a question's distribution: one per scale value, N/A, don't know."""
    return [*(f"answers_{value}" for value in scale), "answers_na", "answers_dont_know"]


def distribution_cells(distribution: Distribution) -> list[Cell]:
    return [
        *(count for _, count in distribution.values),
        distribution.not_applicable,
        distribution.dont_know,
    ]


def _rows(report: Report) -> Iterable[list[Cell]]:
    shown = report.answers_shown()
    respondents = list(report.respondent_names)  # every respondent, oldest first
    questionnaire = report.questionnaire.questionnaire
    values: dict[tuple[str, str], str | int] = {}
    for question_id, answers in shown.listed.items():
        for answer in answers:
            if answer.not_applicable:
                values[(question_id, answer.respondent_id)] = "N/A"
            elif answer.dont_know:
                values[(question_id, answer.respondent_id)] = DONT_KNOW
            elif answer.value is not None:
                values[(question_id, answer.respondent_id)] = answer.value
    answer_headers = (
        respondent_headers(report.respondent_names)
        if shown.individual
        else distribution_headers(shown.scale)
    )
    yield [*COLUMNS, *answer_headers]
    for practice in report.card.best_practices:
        credit = (
            practice.credit
            if isinstance(practice, BestPracticeScore | BestPracticeScoreV2)
            else None
        )
        for question in practice.questions:
            text = questionnaire.questions[question.id].text
            answer_cells = (
                [values.get((question.id, respondent)) for respondent in respondents]
                if shown.individual
                else distribution_cells(shown.distribution(question.id))
            )
            yield [
                practice.domain,
                practice.stage,
                practice.enabler,
                practice.id,
                practice.title,
                question.id,
                text,
                question.status,
                question.score,
                question.responses,
                question.dispersion,
                practice.score,
                credit,
                *answer_cells,
            ]


def report_csv(report: Report) -> str:
    """The CSV text of a report, byte order mark first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    for row in _rows(report):
        writer.writerow(["" if cell is None else safe_cell(cell) for cell in row])
    return BOM + buffer.getvalue()


def csv_filename(organization_slug: str, assessment_id: str) -> str:
    """A file name made only of safe characters: `<org>-<assessment>-report.csv`."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{organization_slug}-{assessment_id}")
    return f"{stem}-report.csv"
