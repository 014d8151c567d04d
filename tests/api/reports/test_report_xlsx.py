"""The report as a workbook (`?format=xlsx`): five sheets, typed cells, frozen headers, the
figures of the JSON report, and text that never turns into a formula."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from api.render.xlsx import MEDIA_TYPE, SHEETS

from ..factories import Headers, answers_path, close, scored_assessment


def _workbook(client: TestClient, scored: dict[str, Any]) -> tuple[Workbook, Any]:
    response = client.get(
        f"{scored['path']}/report", params={"format": "xlsx"}, headers=scored["owner"]
    )
    assert response.status_code == 200, response.text
    return load_workbook(io.BytesIO(response.content)), response


def _table(workbook: Workbook, sheet: str) -> list[dict[str, Any]]:
    rows = list(workbook[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_workbook_is_served_as_a_file_with_five_frozen_sheets(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin)
    workbook, response = _workbook(client, scored)
    assert response.headers["content-type"] == MEDIA_TYPE
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{scored["slug"]}-{scored["assessment"]}-report.xlsx"'
    )
    assert tuple(workbook.sheetnames) == SHEETS
    assert all(sheet.freeze_panes == "A2" for sheet in workbook.worksheets)


def test_the_workbooks_figures_are_the_json_reports_as_numbers(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin)
    card = client.get(f"{scored['path']}/report", headers=scored["owner"]).json()["score_card"]
    workbook, _ = _workbook(client, scored)
    domains = {row["domain"]: row for row in _table(workbook, "Domains")}
    for domain in card["domains"]:
        row = domains[domain["id"]]
        for figure in ("level", "index", "progress", "attainment", "practices_attained"):
            assert row[figure] == domain[figure], (domain["id"], figure)
    summary = {row["field"]: row["value"] for row in _table(workbook, "Summary")}
    assert summary["overall_level"] == card["overall"]["level"]
    assert summary["overall_index"] == card["overall"]["index"]
    assert summary["overall_progress"] == card["overall"]["progress"]
    assert summary["completeness"] == card["completeness"]["ratio"]
    assert summary["respondents"] == card["respondents"] == 2
    practices = {row["best_practice"]: row for row in _table(workbook, "Practices")}
    questions = {row["question_id"]: row for row in _table(workbook, "Questions")}
    for practice in card["best_practices"]:
        assert practices[practice["id"]]["score"] == practice["score"]
        assert practices[practice["id"]]["credit"] == practice["credit"]
        for question in practice["questions"]:
            row = questions[question["id"]]
            assert (row["score"], row["responses"], row["dispersion"]) == (
                question["score"],
                question["responses"],
                question["dispersion"],
            )
    # Typed: a number is a number cell, not text that looks like one.
    level_cell = workbook["Domains"]["E2"]
    assert (level_cell.value, level_cell.data_type) == (card["domains"][0]["level"], "n")
    assert questions["PRJ-STD-01-Q2"]["answers_3"] == 1  # Ann's 3
    assert questions["PRJ-STD-01-Q2"]["answers_4"] == 1  # Bob's 4


def test_two_respondents_answers_are_listed_one_row_each(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin)
    workbook, _ = _workbook(client, scored)
    answers = _table(workbook, "Answers")
    q2 = [
        (row["respondent"], row["value"])
        for row in answers
        if row["question_id"] == "PRJ-STD-01-Q2"
    ]
    assert q2 == [("Ann", 3), ("Bob", 4)]
    bob_na = next(
        row
        for row in answers
        if row["question_id"] == "PGM-STD-01-Q1" and row["respondent"] == "Bob"
    )
    assert (bob_na["value"], bob_na["not_applicable"]) == (None, True)


def test_a_text_that_looks_like_a_formula_stays_text(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin, closed=False)
    formula = '=HYPERLINK("https://evil.example","open")'
    ann = scored["respondents"][0]["id"]
    saved = client.patch(
        answers_path(scored["slug"], scored["assessment"], ann),
        json={"answers": [{"question_id": "ENB-STR-01-Q1", "value": 2, "comment": formula}]},
        headers=scored["owner"],
    )
    assert saved.status_code == 200
    close(client, scored["owner"], scored["slug"], scored["assessment"])
    workbook, _ = _workbook(client, scored)
    sheet = workbook["Answers"]
    [cell] = [row[5] for row in sheet.iter_rows(min_row=2) if row[5].value == formula]
    assert cell.data_type == "s"
    assert cell.quotePrefix
    assert all(
        c.data_type != "f" for ws in workbook.worksheets for row in ws.iter_rows() for c in row
    )


def test_an_accept_header_naming_the_workbook_gets_it(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    response = client.get(
        f"{scored['path']}/report", headers={**scored["owner"], "Accept": MEDIA_TYPE}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == MEDIA_TYPE
    assert load_workbook(io.BytesIO(response.content)).sheetnames == list(SHEETS)
