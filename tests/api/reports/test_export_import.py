"""Export and import: one assessment over HTTP, an organization with `opm export` / `opm import`.

The round trip exports an organization from one database, imports it into an empty database of
each engine, and exports it again: the two documents are equal but for `exported_at`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from api.core.config import Settings
from api.storage.db import make_engine

from ...samples import DATA
from ..command_line import export_file, opm
from ..databases import ADMIN_KEY
from ..factories import (
    Headers,
    answers_path,
    bearer,
    close,
    created,
    new_assessment,
    new_key,
    new_organization,
    new_respondent,
    save,
    scored_assessment,
)


@dataclass(frozen=True)
class Source:
    url: str
    slug: str
    closed: str
    still_open: str
    cleo: str  # the respondent of `still_open`: one of her answers is "don't know"
    token: str
    closed_report: bytes


@pytest.fixture
def source(sqlite_template: Path, tmp_path: Path) -> Iterator[Source]:
    """A database of its own with one organization: targets, a closed and an open assessment."""
    path = tmp_path / "source.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    settings = Settings(
        database_url=url,
        admin_key=ADMIN_KEY,
        questionnaire_dirs=[DATA],
        allowed_hosts=["testserver"],
    )
    admin = bearer(ADMIN_KEY)
    with TestClient(create_app(settings)) as client:
        scored = scored_assessment(client, admin, name="Exporter")
        slug, owner = scored["slug"], scored["owner"]
        targets = client.put(
            f"/v1/organizations/{slug}/targets/test-q",
            json={"domains": {"project": 2}},
            headers=owner,
        )
        assert targets.status_code == 200
        still_open = new_assessment(
            client, owner, slug, title="Running", rigor="facilitated", scope=["project"]
        )
        r, token = new_respondent(client, owner, slug, still_open["id"], "Cleo")
        running = f"/v1/organizations/{slug}/assessments/{still_open['id']}"
        details = {"due_date": "2027-01-15", "message": "Please answer.", "contact": "Ann Lee"}
        created(client.patch(running, json=details, headers=owner), 200)
        created(
            client.post(
                f"{running}/respondents",
                json={"name": "Dora", "email": "dora@example.org", "domains": []},
                headers=owner,
            ),
            201,
        )
        save(client, owner, slug, still_open["id"], r["id"], PRJ_STD_01_Q1=1)
        save(client, owner, slug, still_open["id"], r["id"], PRJ_STD_01_Q1=2, ENB_STR_01_Q1=3)
        dont_know = [{"question_id": "PRJ-MEA-01-Q1", "dont_know": True}]
        created(
            client.patch(
                answers_path(slug, still_open["id"], r["id"]),
                json={"answers": dont_know},
                headers=owner,
            ),
            200,
        )
        created(
            client.post(
                f"/v1/organizations/{slug}/assessments/{still_open['id']}/respondents/"
                f"{r['id']}/submit",
                headers=token,
            ),
            200,
        )
        rating = {"value": 3, "rationale": "Seen in the audit.", "evidence_verdict": "accepted"}
        created(
            client.put(
                f"/v1/organizations/{slug}/assessments/{still_open['id']}/consensus/PRJ-STD-01-Q1",
                json=rating,
                headers=owner,
            ),
            200,
        )
        report = client.get(scored["path"] + "/report", headers=owner)
        yield Source(
            url=url,
            slug=slug,
            closed=scored["assessment"],
            still_open=still_open["id"],
            cleo=r["id"],
            token=token["Authorization"],
            closed_report=report.content,
        )


def without_time_of_export(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "exported_at"}


def test_an_organization_round_trips_losslessly(
    monkeypatch: pytest.MonkeyPatch, source: Source, database_url: str, tmp_path: Path
) -> None:
    first = export_file(monkeypatch, source.url, source.slug, tmp_path / "first.json")
    imported = opm(monkeypatch, database_url, "import", str(tmp_path / "first.json"))
    assert imported.exit_code == 0, imported.output
    assert "2 assessments, 4 respondents" in imported.stdout
    assert "tokens must be re-issued" in imported.stdout
    second = export_file(monkeypatch, database_url, source.slug, tmp_path / "second.json")
    assert without_time_of_export(second) == without_time_of_export(first)
    assert sorted(a["scope"] for a in first["assessments"]) == [
        ["project"],
        ["project", "program"],
    ]


def test_due_dates_messages_and_respondents_domains_survive_export_and_import(
    monkeypatch: pytest.MonkeyPatch, source: Source, database_url: str, tmp_path: Path
) -> None:
    document = export_file(monkeypatch, source.url, source.slug, tmp_path / "export.json")
    [running] = [a for a in document["assessments"] if a["id"] == source.still_open]
    assert (running["due_date"], running["message"], running["contact"]) == (
        "2027-01-15",
        "Please answer.",
        "Ann Lee",
    )
    assert {r["name"]: r["domains"] for r in running["respondents"]} == {"Cleo": None, "Dora": []}
    assert opm(monkeypatch, database_url, "import", str(tmp_path / "export.json")).exit_code == 0
    settings = Settings(
        database_url=database_url,
        admin_key=ADMIN_KEY,
        questionnaire_dirs=[DATA],
        allowed_hosts=["testserver"],
    )
    with TestClient(create_app(settings)) as client:
        path = f"/v1/organizations/{source.slug}/assessments/{source.still_open}"
        imported = client.get(path, headers=bearer(ADMIN_KEY)).json()
        listed = client.get(f"{path}/respondents", headers=bearer(ADMIN_KEY)).json()["items"]
    assert (imported["due_date"], imported["message"], imported["contact"]) == (
        "2027-01-15",
        "Please answer.",
        "Ann Lee",
    )
    assert {r["name"]: (r["domains"], r["email"]) for r in listed} == {
        "Cleo": (None, None),
        "Dora": ([], "dora@example.org"),
    }


def test_an_imported_report_is_the_same_byte_for_byte(
    monkeypatch: pytest.MonkeyPatch, source: Source, database_url: str, tmp_path: Path
) -> None:
    export_file(monkeypatch, source.url, source.slug, tmp_path / "export.json")
    assert opm(monkeypatch, database_url, "import", str(tmp_path / "export.json")).exit_code == 0
    settings = Settings(
        database_url=database_url,
        admin_key=ADMIN_KEY,
        questionnaire_dirs=[DATA],
        allowed_hosts=["testserver"],
    )
    with TestClient(create_app(settings)) as client:
        path = f"/v1/organizations/{source.slug}/assessments/{source.closed}/report"
        assert client.get(path, headers=bearer(ADMIN_KEY)).content == source.closed_report
        # Tokens are not exported: the old one opens nothing here.
        assert client.get("/v1/me", headers={"Authorization": source.token}).status_code == 401


def test_dont_know_answers_survive_export_and_import(
    monkeypatch: pytest.MonkeyPatch, source: Source, database_url: str, tmp_path: Path
) -> None:
    document = export_file(monkeypatch, source.url, source.slug, tmp_path / "export.json")
    [running] = [a for a in document["assessments"] if a["id"] == source.still_open]
    assert [a["question_id"] for a in running["answers"] if a["dont_know"]] == ["PRJ-MEA-01-Q1"]
    assert [h["question_id"] for h in running["answer_history"] if h["dont_know"]] == [
        "PRJ-MEA-01-Q1"
    ]
    assert opm(monkeypatch, database_url, "import", str(tmp_path / "export.json")).exit_code == 0
    settings = Settings(
        database_url=database_url,
        admin_key=ADMIN_KEY,
        questionnaire_dirs=[DATA],
        allowed_hosts=["testserver"],
    )
    with TestClient(create_app(settings)) as client:
        path = answers_path(source.slug, source.still_open, source.cleo)
        imported = client.get(path, headers=bearer(ADMIN_KEY)).json()
    assert {a["question_id"]: a["dont_know"] for a in imported["answers"]} == {
        "PRJ-STD-01-Q1": False,
        "PRJ-MEA-01-Q1": True,
        "ENB-STR-01-Q1": False,
    }
    assert imported["progress"]["unknown"] == 1


def test_consensus_ratings_survive_export_and_import(
    monkeypatch: pytest.MonkeyPatch, source: Source, database_url: str, tmp_path: Path
) -> None:
    document = export_file(monkeypatch, source.url, source.slug, tmp_path / "export.json")
    [running] = [a for a in document["assessments"] if a["id"] == source.still_open]
    assert [r["question_id"] for r in running["consensus"]] == ["PRJ-STD-01-Q1"]
    assert opm(monkeypatch, database_url, "import", str(tmp_path / "export.json")).exit_code == 0
    settings = Settings(
        database_url=database_url,
        admin_key=ADMIN_KEY,
        questionnaire_dirs=[DATA],
        allowed_hosts=["testserver"],
    )
    with TestClient(create_app(settings)) as client:
        path = f"/v1/organizations/{source.slug}/assessments/{source.still_open}/consensus"
        [rating] = client.get(path, headers=bearer(ADMIN_KEY)).json()["items"]
    assert (rating["question_id"], rating["value"], rating["rationale"]) == (
        "PRJ-STD-01-Q1",
        3,
        "Seen in the audit.",
    )
    assert rating["evidence_verdict"] == "accepted"


def test_an_export_holds_no_secret(
    monkeypatch: pytest.MonkeyPatch, source: Source, tmp_path: Path
) -> None:
    result = opm(monkeypatch, source.url, "export", "--org", source.slug)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)  # the JSON alone on stdout
    assert document["format"] == "opm-export" and document["version"] == 1
    raw = result.stdout
    assert "token" not in raw and "opmr_" not in raw and "opmk_" not in raw
    assert "api_key" not in raw and "secret" not in raw


def test_import_refuses_an_organization_that_exists(
    monkeypatch: pytest.MonkeyPatch, source: Source, tmp_path: Path
) -> None:
    export_file(monkeypatch, source.url, source.slug, tmp_path / "export.json")
    again = opm(monkeypatch, source.url, "import", str(tmp_path / "export.json"))
    assert again.exit_code == 1
    assert f"slug {source.slug!r} exists already" in again.stderr
    assert "ids that exist already" in again.stderr


def _count(url: str, table: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["assessments"][0]["questionnaire"].update(version="9.9.9"),
            "questionnaire test-q 9.9.9 is not loaded here",
        ),
        (
            lambda d: d["assessments"][1]["questionnaire"].update(content_hash="0" * 64),
            "has content hash",
        ),
        (
            lambda d: d["assessments"][1]["answers"][0].update(respondent_id=f"rsp_{0:020x}"),
            f"answers of unknown respondents rsp_{0:020x}",
        ),
        (lambda d: d.update(version=2), "not an opm-export version 1 document"),
        # Issue 27, finding 6: validated as strictly as the API validates the same data
        (lambda d: d["organization"].update(slug="Not A Slug"), "organization.slug"),
        (lambda d: d["organization"].update(id="not-an-id"), "organization.id: Value error"),
        (lambda d: d["organization"].update(name="A\x00B"), "NUL"),
        (lambda d: d["assessments"][0].update(id="asm_x"), "assessments.0.id"),
        (
            lambda d: d["assessments"][0]["respondents"][0].update(name="x" * 201),
            "assessments.0.respondents.0.name",
        ),
        (
            lambda d: d["assessments"][0].update(score_card='{"garbage": true}'),
            "score_card is not a score card",
        ),
        (lambda d: d["assessments"][1].update(scope=["nope"]), "scope: unknown domain"),
        (lambda d: d["assessments"][1].update(scope=[]), "scope:"),
        (
            lambda d: d["assessments"][1]["answers"][0].update(question_id="NOPE-01"),
            "unknown question 'NOPE-01'",
        ),
        (
            lambda d: d["assessments"][1]["answers"][0].update(question_id="PGM-STD-01-Q1"),
            "outside this assessment's scope",
        ),
        (
            lambda d: d["assessments"][1]["answers"][0].update(value=99),
            "99 is not on the scale",
        ),
        (
            lambda d: d["assessments"][1]["answer_history"][0].update(value=99),
            "answer_history.0.value",
        ),
        (
            lambda d: d["assessments"][1]["answers"][0].update(dont_know=True),
            "value and dont_know together",
        ),
        (
            lambda d: d["assessments"][1].update(seeded_from=f"asm_{7:020x}"),
            f"seeded_from asm_{7:020x} is not another assessment of this organization",
        ),
        (lambda d: d["targets"][0]["domains"].update(project=99), "targets test-q: project"),
        (lambda d: d["targets"][0]["domains"].update(nope=1), "targets test-q: nope"),
        (
            lambda d: d["audit"][0].update(subject_id=f"org_{1:020x}"),
            f"names another organization, org_{1:020x}",
        ),
        (lambda d: d["audit"][0].update(action="key.stolen"), "unknown action 'key.stolen'"),
        (lambda d: d["audit"][0].update(actor_kind="god"), "unknown actor kind 'god'"),
    ],
)
def test_import_refuses_a_document_that_does_not_fit_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch,
    source: Source,
    database_url: str,
    tmp_path: Path,
    change: Any,
    message: str,
) -> None:
    document = export_file(monkeypatch, source.url, source.slug, tmp_path / "export.json")
    change(document)
    (tmp_path / "changed.json").write_text(json.dumps(document), encoding="utf-8")
    result = opm(monkeypatch, database_url, "import", str(tmp_path / "changed.json"))
    assert result.exit_code == 1
    assert message in result.stderr
    for table in ("organization", "assessment", "respondent", "answer", "answer_history"):
        assert _count(database_url, table) == 0, table


def test_import_refuses_a_trail_naming_rows_of_another_organization(
    monkeypatch: pytest.MonkeyPatch,
    source: Source,
    client: TestClient,
    admin: Headers,
    database_url: str,
    tmp_path: Path,
) -> None:
    other, owner = new_organization(client, admin, "Other")
    keys = client.get(f"/v1/organizations/{other['slug']}/keys", headers=owner).json()["items"]
    document = export_file(monkeypatch, source.url, source.slug, tmp_path / "export.json")
    document["audit"][-1].update(actor_id=keys[0]["id"])
    (tmp_path / "forged.json").write_text(json.dumps(document), encoding="utf-8")
    result = opm(monkeypatch, database_url, "import", str(tmp_path / "forged.json"))
    assert result.exit_code == 1
    assert f"name {keys[0]['id']}, which belongs to another organization" in result.stderr
    assert _count(database_url, "organization") == 1
    assert _count(database_url, "audit_entry") == 2  # the other's creation and its key


def test_export_of_an_unknown_organization_fails(
    monkeypatch: pytest.MonkeyPatch, source: Source
) -> None:
    result = opm(monkeypatch, source.url, "export", "--org", "nobody")
    assert result.exit_code == 1
    assert "No organization 'nobody'" in result.stderr


# One assessment over HTTP


def test_the_export_of_a_closed_assessment_holds_everything(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin)
    response = client.get(scored["path"] + "/export", headers=scored["owner"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    assert (document["format"], document["version"], document["scope"]) == (
        "opm-export",
        1,
        "assessment",
    )
    assert document["organization"]["slug"] == scored["slug"]
    [assessment] = document["assessments"]
    assert assessment["questionnaire"]["key"] == "test-q"
    assert assessment["questionnaire"]["version"] == "1.0.0"
    assert len(assessment["questionnaire"]["content_hash"]) == 64
    assert [r["name"] for r in assessment["respondents"]] == ["Ann", "Bob"]
    assert all(set(r) == {"id", "name", "role", "email", "created_at", "submitted_at", "pseudonym",
                          "domains", "invited_at", "reminded_at", "last_activity_at"}
               for r in assessment["respondents"])  # fmt: skip
    commented = [a for a in assessment["answers"] if a["question_id"] == "PGM-MEA-01-Q1"]
    ann = next(a for a in commented if a["value"] == 1)
    assert ann["comment"] == "<script>alert(1)</script>\nSecond line"
    assert ann["evidence"][0] == "https://wiki.example.org/pmo?a=1&b=2"
    assert len(assessment["answers"]) == 11
    assert len(assessment["answer_history"]) == 11
    report = client.get(scored["path"] + "/report", headers=scored["owner"]).text
    assert report.endswith(',"score_card":' + assessment["score_card"] + "}")
    assert assessment["close_context"]["organization"]["slug"] == scored["slug"]


def test_the_export_of_an_open_assessment_has_no_score_card(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin, closed=False)
    document = client.get(scored["path"] + "/export", headers=scored["owner"]).json()
    assert document["assessments"][0]["status"] == "open"
    assert document["assessments"][0]["score_card"] is None


def test_the_export_follows_the_access_rules(client: TestClient, admin: Headers) -> None:
    body, owner = new_organization(client, admin, "Rules")
    a = new_assessment(client, owner, body["slug"])["id"]
    r, token = new_respondent(client, owner, body["slug"], a)
    save(client, owner, body["slug"], a, r["id"], PRJ_STD_01_Q1=3)
    close(client, owner, body["slug"], a)
    path = f"/v1/organizations/{body['slug']}/assessments/{a}/export"
    assert client.get(path).status_code == 401
    assert (
        client.get(path, headers=new_key(client, owner, body["slug"], "reader")).status_code == 200
    )
    assert client.get(path, headers=token).status_code == 403
    _, stranger = new_organization(client, admin, "Stranger")
    assert client.get(path, headers=stranger).status_code == 404
