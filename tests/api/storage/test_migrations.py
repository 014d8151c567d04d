"""Migrations: the only way the schema is made; up and down on both engines, no drift."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import api.storage.tables  # noqa: F401 - the models to compare with
from api.app import create_app
from api.core.config import Settings
from api.storage.db import make_engine
from api.storage.migrate import downgrade, upgrade
from questionnaires import load_file

from ...samples import DATA, TEST_Q_QUESTIONS
from ..databases import ADMIN_KEY, ENGINES, scratch_postgres
from ..factories import bearer, close, new_assessment, new_respondent, save


@pytest.fixture(params=ENGINES)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each engine, of its own (the suite's shared one stays migrated)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    with scratch_postgres("migrations") as url:
        yield url


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_creates_every_table_and_downgrade_removes_them(empty_database: str) -> None:
    upgrade(empty_database)
    assert _tables(empty_database) == set(SQLModel.metadata.tables)
    downgrade(empty_database)
    assert _tables(empty_database) == set()
    upgrade(empty_database)
    assert _tables(empty_database) == set(SQLModel.metadata.tables)


def test_models_match_the_migrated_schema(empty_database: str) -> None:
    upgrade(empty_database)
    engine = make_engine(empty_database)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    finally:
        engine.dispose()


ORGANIZATION, ASSESSMENT = "org_00000000000000000001", "asm_00000000000000000001"
V1_CARD = (DATA / "cards" / "test-q-1.0.0-scoring-v1.json").read_text()


def _insert_a_version_1_assessment(url: str) -> None:
    """What a database at revision 0001 held: an organization and an assessment closed with a
    scoring version "1" card (written by that version's code, in tests/data/cards)."""
    engine = make_engine(url)
    loaded = load_file(DATA / "test-q-1.0.0.yaml")
    when = datetime(2025, 6, 30, 12, 0)
    context = {
        "organization": {
            "id": "org_00000000000000000001",
            "slug": "old",
            "name": "Old Ltd",
            "profile": {},
        },
        "targets": None,
        "baseline": {
            "assessment_id": "asm_00000000000000000001",
            "domains": {"project": 0.0, "program": 1.0},
        },
    }
    rows = [
        (
            "INSERT INTO questionnaire_version (key, version, title, content_hash, content,"
            " loaded_at) VALUES (:key, :version, :title, :hash, :content, :when)",
            {
                "key": "test-q",
                "version": "1.0.0",
                "title": loaded.questionnaire.title,
                "hash": loaded.content_hash,
                "content": json.dumps(loaded.data, sort_keys=True, separators=(",", ":")),
                "when": when,
            },
        ),
        (
            "INSERT INTO organization (id, slug, name, profile, created_at)"
            " VALUES ('org_00000000000000000001', 'old', 'Old Ltd', '{}', :when)",
            {"when": when},
        ),
        (
            "INSERT INTO assessment (id, organization_id, questionnaire_key, questionnaire_version,"
            " title, period, period_end, rigor, status, created_at, closed_at, score_card,"
            " scoring_version, close_context) VALUES (:a, :org, 'test-q', '1.0.0',"
            " '2025', '2025', :end, 'self', 'closed', :when, :when, :card, '1', :context)",
            {
                "a": ASSESSMENT,
                "org": ORGANIZATION,
                "end": date(2025, 6, 30),
                "when": when,
                "card": V1_CARD,
                "context": json.dumps(context),
            },
        ),
        (
            "INSERT INTO respondent (id, assessment_id, name, token_hash, created_at)"
            " VALUES ('rsp_00000000000000000001', 'asm_00000000000000000001', 'Ann', :hash, :when)",
            {"hash": "0" * 64, "when": when},
        ),
        (
            "INSERT INTO answer (assessment_id, respondent_id, question_id, value, not_applicable,"
            " evidence, written_by, updated_at) VALUES (:a, :r, 'PRJ-STD-01-Q1', 4,"
            " :no, '[]', 'admin', :when)",
            {"a": ASSESSMENT, "r": "rsp_00000000000000000001", "no": False, "when": when},
        ),
    ]
    try:
        with engine.begin() as connection:
            for statement, parameters in rows:
                connection.execute(text(statement), parameters)
    finally:
        engine.dispose()


def test_an_upgraded_database_serves_version_1_cards_and_rescores_them_beside_version_2(
    empty_database: str,
) -> None:
    """The version 1 card (PRJ-STD-01 questions 1.0 and 0.5 with weights 1 and 2, PRJ-MEA-01
    0.625 from two respondents, PGM-STD-01 0.75, PGM-MEA-01 0.25): project level 0, index 0.0;
    program level 1, index 1.0 as stored. Rescored under version 3 from its questions with
    test-q 1.0.0's parameters (threshold 0.75, floor 0, question floor 0.5, one shortfall):
    PRJ-STD-01 has every question at 0.5 or more and one shortfall: attained; PRJ-MEA-01, one
    question below 0.75: credit 0.625 / 0.75 = 0.8333; PGM-STD-01 attained; PGM-MEA-01 credit
    0.3333. Project: level 1, index 1 + min(1, 0.8333) = 1.8333; program: level 1, index
    1 + 0.3333 = 1.3333; overall level 1, index 1.3333 (program's), attainment 2 of 4 = 0.5,
    progress (1 + 0.8333 + 1 + 0.3333) / 4 = 0.7917.
    """
    upgrade(empty_database, "0001")
    _insert_a_version_1_assessment(empty_database)
    upgrade(empty_database)
    settings = Settings(
        database_url=empty_database,
        admin_key=ADMIN_KEY,
        questionnaire_dirs=[DATA],
        allowed_hosts=["testserver"],
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        admin = bearer(ADMIN_KEY)
        old = client.get(
            "/v1/organizations/old/assessments/asm_00000000000000000001", headers=admin
        ).json()
        assert (old["scope"], old["scoring_version"]) == (["project", "program"], "1")
        report = client.get(
            "/v1/organizations/old/assessments/asm_00000000000000000001/report", headers=admin
        )
        assert report.text.endswith(',"score_card":' + V1_CARD + "}")
        page = client.get(
            "/v1/organizations/old/assessments/asm_00000000000000000001/report?format=html",
            headers=admin,
        )
        assert page.status_code == 200
        new = new_assessment(client, admin, "old", title="2026", period="2026")["id"]
        respondent, _ = new_respondent(client, admin, "old", new)
        everything = {question.replace("-", "_"): 4 for question in TEST_Q_QUESTIONS}
        assert save(client, admin, "old", new, respondent["id"], **everything).is_success
        close(client, admin, "old", new)

        trend = client.get("/v1/organizations/old/trend?questionnaire=test-q", headers=admin).json()
        first, second = trend["points"]
        assert (first["scoring_version"], first["rescored"]) == ("1", True)
        assert (second["scoring_version"], second["rescored"]) == ("3", False)
        assert first["domains"]["project"]["index"] == 1.8333
        assert first["domains"]["program"]["index"] == 1.3333
        assert first["overall"] == {
            "attainment": 0.5,
            "progress": 0.7917,
            "level": 1,
            "index": 1.3333,
        }

        compared = client.get(
            f"/v1/organizations/old/compare?base=asm_00000000000000000001&target={new}",
            headers=admin,
        ).json()
        assert (compared["comparable"], compared["scoring"]) == ("same_version", "rescored")
        project = next(d for d in compared["domains"] if d["id"] == "project")
        assert project["index"] == {"base": 1.8333, "target": 2.0, "delta": 0.1667}
        # The stored card was not rewritten.
        again = client.get(
            "/v1/organizations/old/assessments/asm_00000000000000000001/report", headers=admin
        )
        assert again.text == report.text
