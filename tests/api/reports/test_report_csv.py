"""The report as CSV (`?format=csv`): one row per question, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from api.render.csv import csv_filename, safe_cell

from ...samples import DATA
from ..factories import Headers, close, new_key, new_organization, save, scored_assessment

HEADER = [
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
]


def rows(client: TestClient, scored: dict[str, object]) -> list[list[str]]:
    response = client.get(
        f"{scored['path']}/report", params={"format": "csv"}, headers=scored["owner"]
    )  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark, for Excel
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_one_row_per_question_with_a_header(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    table = rows(client, scored)
    assert table[0] == [*HEADER, "Ann", "Bob"]
    assert [row[5] for row in table[1:]] == [
        "PRJ-STD-01-Q1",
        "PRJ-STD-01-Q2",
        "PRJ-MEA-01-Q1",
        "PGM-STD-01-Q1",
        "PGM-MEA-01-Q1",
        "ENB-STR-01-Q1",
    ]
    by_question = {row[5]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert by_question["PRJ-STD-01-Q2"] == {
        "domain": "project",
        "stage": "standardize",
        "enabler": "",
        "best_practice": "PRJ-STD-01",
        "best_practice_title": "Project method standardized",
        "question_id": "PRJ-STD-01-Q2",
        "question_text": "Projects follow the method.",
        "status": "answered",
        "score": "0.875",
        "responses": "2",
        "dispersion": "0.125",
        "best_practice_score": "0.9167",
        "best_practice_credit": "1.0",
        "Ann": "3",
        "Bob": "4",
    }
    assert by_question["PGM-STD-01-Q1"]["Bob"] == "N/A"
    assert by_question["ENB-STR-01-Q1"]["enabler"] == "structural"
    assert by_question["ENB-STR-01-Q1"]["Bob"] == ""  # unanswered
    assert by_question["PRJ-MEA-01-Q1"]["dispersion"] == "0.375"


def test_each_row_carries_its_best_practices_score_and_credit(
    client: TestClient, admin: Headers
) -> None:
    """Credit: how close the practice is to being attained (score / 0.75 below it)."""
    table = rows(client, scored_assessment(client, admin))
    by_question = {row[5]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    figures = {
        question: (row["best_practice_score"], row["best_practice_credit"])
        for question, row in by_question.items()
    }
    assert figures == {
        "PRJ-STD-01-Q1": ("0.9167", "1.0"),
        "PRJ-STD-01-Q2": ("0.9167", "1.0"),
        "PRJ-MEA-01-Q1": ("0.625", "0.8333"),
        "PGM-STD-01-Q1": ("1.0", "1.0"),
        "PGM-MEA-01-Q1": ("0.125", "0.1667"),
        "ENB-STR-01-Q1": ("0.5", "0.6667"),
    }


def test_a_dont_know_answer_reads_dont_know_in_its_respondents_column(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin, closed=False)
    bob = scored["respondents"][1]["id"]
    dont_know = {"answers": [{"question_id": "ENB-STR-01-Q1", "dont_know": True}]}
    saved = client.patch(
        f"{scored['path']}/respondents/{bob}/answers", json=dont_know, headers=scored["owner"]
    )
    assert saved.status_code == 200, saved.text
    close(client, scored["owner"], scored["slug"], scored["assessment"])
    table = rows(client, scored)
    by_question = {row[5]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert (by_question["ENB-STR-01-Q1"]["Ann"], by_question["ENB-STR-01-Q1"]["Bob"]) == (
        "2",
        "Don't know",
    )


def test_a_version_1_card_leaves_the_credit_empty(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    """The stored version 1 card has no credit: the column stays, empty; scores as stored."""
    scored = scored_assessment(client, admin)
    card = (DATA / "cards" / "test-q-1.0.0-scoring-v1.json").read_text()
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE assessment SET score_card = :card, scoring_version = '1' WHERE id = :id"),
            {"card": card, "id": scored["assessment"]},
        )
    table = rows(client, scored)
    assert table[0][:13] == HEADER
    by_question = {row[5]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert by_question["PRJ-STD-01-Q1"]["best_practice_score"] == "0.6667"
    assert all(row["best_practice_credit"] == "" for row in by_question.values())


def test_numbers_stay_numbers(client: TestClient, admin: Headers) -> None:
    """Figures and respondents' values are bare numbers (a spreadsheet sums them), never text."""
    table = rows(client, scored_assessment(client, admin))
    number = re.compile(r"\d+(\.\d+)?")
    figures = ["score", "responses", "dispersion", "best_practice_score", "best_practice_credit"]
    not_numbers = [
        (row[5], column, cell)
        for row in table[1:]
        for column, cell in zip(table[0], row, strict=True)
        if column in figures and not number.fullmatch(cell)
    ]
    assert not_numbers == []
    values = {cell for row in table[1:] for cell in row[len(HEADER) :]}
    assert values == {"0", "1", "2", "3", "4", "N/A", ""}


def test_the_csv_is_a_download_with_a_safe_name(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    response = client.get(f"{scored['path']}/report?format=csv", headers=scored["owner"])
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    expected = f'attachment; filename="{scored["slug"]}-{scored["assessment"]}-report.csv"'
    assert response.headers["content-disposition"] == expected
    assert csv_filename('a"b;c', "asm_1") == "a-b-c-asm_1-report.csv"


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x.example","y")', "+1", "-2", "@SUM(A1)"])
def test_a_name_a_spreadsheet_would_run_is_prefixed(
    client: TestClient, admin: Headers, name: str
) -> None:
    table = rows(client, scored_assessment(client, admin, second_respondent=name))
    assert table[0][-1] == "'" + name


def test_commas_quotes_newlines_and_accents_survive(client: TestClient, admin: Headers) -> None:
    name = 'Zoë "Z" Müller,\nPMO'
    table = rows(client, scored_assessment(client, admin, second_respondent=name))
    assert table[0][-1] == name
    assert all(len(row) == len(table[0]) for row in table)


def test_two_respondents_with_one_name_get_two_columns(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin, second_respondent="Ann")
    header = rows(client, scored)[0]
    ann, bob = scored["respondents"]
    assert header[-2:] == [f"Ann ({ann['id']})", f"Ann ({bob['id']})"]


def test_the_csv_of_an_open_assessment_is_live(client: TestClient, admin: Headers) -> None:
    """Made at every request, never kept: an answer saved since shows at once, with no ETag."""
    scored = scored_assessment(client, admin, closed=False)
    path = f"{scored['path']}/report?format=csv"

    def enabler_row() -> dict[str, str]:
        table = rows(client, scored)
        return next(dict(zip(table[0], r, strict=True)) for r in table if r[5] == "ENB-STR-01-Q1")

    before = enabler_row()
    ann = scored["respondents"][0]["id"]
    saved = save(
        client, scored["owner"], scored["slug"], scored["assessment"], ann, ENB_STR_01_Q1=4
    )
    assert saved.status_code == 200, saved.text
    after = enabler_row()
    assert (before["Ann"], before["score"]) == ("2", "0.5")
    assert (after["Ann"], after["score"]) == ("4", "1.0")
    assert "etag" not in client.get(path, headers=scored["owner"]).headers


def test_the_csv_follows_the_access_rules(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    path = f"{scored['path']}/report?format=csv"
    assert client.get(path).status_code == 401
    reader = new_key(client, scored["owner"], scored["slug"], "reader")
    assert client.get(path, headers=reader).status_code == 200
    _, stranger = new_organization(client, admin, "Other")
    assert client.get(path, headers=stranger).status_code == 404


def test_safe_cell_leaves_numbers_and_plain_text_alone() -> None:
    assert safe_cell(0.5) == 0.5
    assert safe_cell(3) == 3
    assert safe_cell("Plain") == "Plain"
    assert safe_cell("-x") == "'-x"
    assert safe_cell("\tx") == "'\tx"  # names are stripped on the way in; the rule holds anyway
    assert safe_cell("\rx") == "'\rx"
    assert safe_cell(None) is None
