"""Anonymous assessments in every output (`api.md`, Anonymous assessments): no report, CSV,
workbook, page, export or share link shows which respondent gave which answer or comment.

Each test greps one output for every respondent's name (and e-mail, id and surname) and looks
for the link between a comment and its author: the comments are there, in an order that is not
the respondents' (the longest first), next to no name, pseudonym or respondent id.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, text

from api.app import create_app
from api.core.config import Settings
from api.services.exports import pseudonymous_id
from api.storage.db import make_engine

from ...samples import DATA
from ..command_line import export_file, opm
from ..databases import ADMIN_KEY
from ..factories import Headers, bearer, new_share_link
from .crowd import QUESTIONS, Crowd, crowd, names_in

SAME_SITE = {"origin": "http://testserver"}


@pytest.fixture
def anonymous(client: TestClient, admin: Headers, engine: Engine) -> Crowd:
    """Four respondents (three project managers, a sponsor), closed, anonymous."""
    return crowd(client, admin, engine, respondents=4, anonymous=True)


def _no_one_named(shown: str, people: Crowd) -> None:
    assert names_in(shown, people.people) == []
    for person in people.people:
        assert person.pseudonym not in shown  # the export's name for them, kept apart


def _comments_longest_first(shown: str, people: Crowd) -> None:
    """Every comment is shown, the longest first: not in the order respondents were added."""
    comments = sorted({p.comment for p in people.people}, key=lambda c: (-len(c), c))
    positions = [shown.find(comment) for comment in comments]
    assert -1 not in positions
    assert positions == sorted(positions)
    assert comments != [p.comment for p in people.people]


def _html_report(client: TestClient, anonymous: Crowd, path: str, **headers: str) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_the_json_report_names_no_respondent(client: TestClient, anonymous: Crowd) -> None:
    response = client.get(f"{anonymous.path}/report", headers=anonymous.owner)
    assert response.status_code == 200
    _no_one_named(response.text, anonymous)
    assert json.loads(response.text)["score_card"]["respondents"] == 4


def test_the_report_page_shows_distributions_and_comments_without_names(
    client: TestClient, anonymous: Crowd
) -> None:
    page = _html_report(
        client, anonymous, f"{anonymous.path}/report?format=html", **anonymous.owner
    )
    _no_one_named(page, anonymous)
    appendix = page[page.index('<section id="appendix"') :]
    _comments_longest_first(appendix, anonymous)
    assert 'id="answers-anonymous"' in appendix
    assert appendix.count('data-answers="4"') == len(QUESTIONS)
    # The roles three share are named; the sponsor, alone, is pooled and the pool hidden.
    assert "Respondents by role: Project manager 3." in " ".join(appendix.split())
    assert "Sponsor" not in page and "PMO lead" not in page


def test_the_shared_page_names_no_respondent(client: TestClient, anonymous: Crowd) -> None:
    link = new_share_link(
        client, anonymous.owner, anonymous.slug, assessment_id=anonymous.assessment
    )
    page = _html_report(client, anonymous, link["url"].split("testserver", 1)[-1])
    _no_one_named(page, anonymous)
    _comments_longest_first(page[page.index('<section id="appendix"') :], anonymous)


def test_the_console_report_page_names_no_respondent(client: TestClient, anonymous: Crowd) -> None:
    secret = anonymous.owner["Authorization"].split()[1]
    assert client.post("/console/sign-in", data={"key": secret}, headers=SAME_SITE).is_success
    page = _html_report(
        client,
        anonymous,
        f"/console/{anonymous.slug}/assessments/{anonymous.assessment}/report",
    )
    _no_one_named(page, anonymous)


def test_the_csv_has_no_column_per_respondent(client: TestClient, anonymous: Crowd) -> None:
    response = client.get(
        f"{anonymous.path}/report", params={"format": "csv"}, headers=anonymous.owner
    )
    assert response.status_code == 200
    _no_one_named(response.text, anonymous)
    header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[-2:] == ["answers_na", "answers_dont_know"]


def test_the_workbook_has_no_row_or_column_per_respondent(
    client: TestClient, anonymous: Crowd
) -> None:
    response = client.get(
        f"{anonymous.path}/report", params={"format": "xlsx"}, headers=anonymous.owner
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    everything = "\n".join(cells)
    _no_one_named(everything, anonymous)
    summary = dict(workbook["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["respondents_role: Project manager"] == 3
    assert not any(str(field).startswith("respondents_role: Sponsor") for field in summary)
    answers = list(workbook["Answers"].iter_rows(values_only=True))
    assert answers[0][:2] == ("question_id", "comment_1")
    assert "respondent" not in answers[0]
    # One row a question, its comments longest first.
    first = next(row for row in answers[1:] if row[0] == "PRJ-STD-01-Q1")
    expected = sorted({p.comment for p in anonymous.people}, key=lambda c: (-len(c), c))
    assert list(first[1:5]) == expected


def test_the_export_is_pseudonymized(client: TestClient, anonymous: Crowd) -> None:
    response = client.get(f"{anonymous.path}/export", headers=anonymous.owner)
    assert response.status_code == 200
    _no_one_named_but_pseudonyms(response.text, anonymous)
    [assessment] = response.json()["assessments"]
    assert assessment["anonymous"] is True
    assert assessment["answer_history"] == []
    pseudonyms = {p.pseudonym for p in anonymous.people}
    assert {r["pseudonym"] for r in assessment["respondents"]} == pseudonyms
    for respondent in assessment["respondents"]:
        assert respondent["id"] == pseudonymous_id(anonymous.assessment, respondent["pseudonym"])
        assert (respondent["name"], respondent["email"]) == (None, None)
        assert (respondent["created_at"], respondent["submitted_at"]) == (None, None)
        # Three project managers: their role stays; the sponsor's alone would name her.
        assert respondent["role"] in ("Project manager", None)
    assert sum(r["role"] is None for r in assessment["respondents"]) == 1
    assert all(
        answer["written_by"] is None and answer["updated_at"] is None
        for answer in assessment["answers"]
    )


def _no_one_named_but_pseudonyms(shown: str, people: Crowd) -> None:
    assert names_in(shown, people.people) == []


def test_opm_export_stays_complete(
    monkeypatch: pytest.MonkeyPatch, anonymous: Crowd, database_url: str, tmp_path: Path
) -> None:
    document = export_file(monkeypatch, database_url, anonymous.slug, tmp_path / "backup.json")
    [assessment] = document["assessments"]
    assert assessment["anonymous"] is True
    assert sorted(r["name"] for r in assessment["respondents"]) == sorted(
        p.name for p in anonymous.people
    )
    assert assessment["answer_history"]


def test_importing_an_anonymous_export_makes_an_anonymous_assessment(
    client: TestClient,
    anonymous: Crowd,
    sqlite_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exported = client.get(f"{anonymous.path}/export", headers=anonymous.owner)
    document = tmp_path / "anonymous.json"
    document.write_bytes(exported.content)
    target = tmp_path / "target.db"
    shutil.copyfile(sqlite_template, target)
    url = f"sqlite:///{target}"
    imported = opm(monkeypatch, url, "import", str(document))
    assert imported.exit_code == 0, imported.output
    with make_engine(url).connect() as connection:
        assert connection.execute(
            text("SELECT anonymous FROM assessment WHERE id = :id"), {"id": anonymous.assessment}
        ).scalar_one()
        names = connection.execute(
            text("SELECT name, pseudonym FROM respondent WHERE assessment_id = :id"),
            {"id": anonymous.assessment},
        ).all()
    assert sorted(name for name, _ in names) == sorted(p.pseudonym for p in anonymous.people)
    assert all(name == pseudonym for name, pseudonym in names)
    settings = Settings(
        database_url=url,
        admin_key=ADMIN_KEY,
        questionnaire_dirs=[DATA],
        allowed_hosts=["testserver"],
    )
    with TestClient(create_app(settings)) as again:
        path = f"/v1/organizations/{anonymous.slug}/assessments/{anonymous.assessment}/report"
        original = client.get(anonymous.path + "/report", headers=anonymous.owner)
        assert again.get(path, headers=bearer(ADMIN_KEY)).content == original.content
        page = again.get(path, params={"format": "html"}, headers=bearer(ADMIN_KEY)).text
        assert not any(p.pseudonym in page for p in anonymous.people)


def test_the_settle_page_shows_answers_without_names(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    open_one = crowd(client, admin, engine, respondents=4, anonymous=True, closed=False)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE assessment SET rigor = 'facilitated' WHERE id = :id"),
            {"id": open_one.assessment},
        )
    secret = open_one.owner["Authorization"].split()[1]
    assert client.post("/console/sign-in", data={"key": secret}, headers=SAME_SITE).is_success
    response = client.get(f"/console/{open_one.slug}/assessments/{open_one.assessment}/settle")
    assert response.status_code == 200
    page = response.text
    _no_one_named(page, open_one)
    assert "A respondent" not in page  # no answer listed one by one, even unnamed
    question = re.search(r'<article[^>]*data-question="PRJ-MEA-01-Q1".*?</article>', page, re.S)
    assert question, "the disagreement is on the page"
    _comments_longest_first(question.group(0), open_one)
    assert 'data-answers="4"' in question.group(0)


def test_a_pseudonymized_export_cannot_be_imported_as_an_ordinary_assessment(
    client: TestClient,
    anonymous: Crowd,
    sqlite_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = client.get(f"{anonymous.path}/export", headers=anonymous.owner).json()
    document["assessments"][0]["anonymous"] = False
    path = tmp_path / "named.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    target = tmp_path / "target.db"
    shutil.copyfile(sqlite_template, target)
    refused = opm(monkeypatch, f"sqlite:///{target}", "import", str(path))
    assert refused.exit_code != 0
    assert "a respondent without a name in an assessment that is not anonymous" in refused.output
