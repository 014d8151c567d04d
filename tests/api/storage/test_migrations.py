"""Migrations: the only way the schema is made; up and down on both engines, no drift."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

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


# A database written by the version 2 code (revision 0005): test-q 1.0.0, targets project 2 and
# program 2, two assessments closed with the version "2" cards of tests/data/cards ("example",
# then "mixed") and one left open.
V2_ORG, EXAMPLE, MIXED, LEFT_OPEN = (
    "org_00000000000000000002",
    "asm_00000000000000000011",
    "asm_00000000000000000012",
    "asm_00000000000000000013",
)
V2_CARDS = {
    EXAMPLE: (DATA / "cards" / "test-q-1.0.0-example-scoring-v2.json").read_text(),
    MIXED: (DATA / "cards" / "test-q-1.0.0-mixed-scoring-v2.json").read_text(),
}
V2_TARGETS = {"project": 2, "program": 2}
# Dee's answers to the assessment left open.
LEFT_OPEN_ANSWERS = {"PRJ-STD-01-Q1": 4, "PRJ-STD-01-Q2": 2, "PRJ-MEA-01-Q1": 3,
                     "PGM-STD-01-Q1": 4, "PGM-MEA-01-Q1": 2, "ENB-STR-01-Q1": 3}  # fmt: skip


def _v2_answers(name: str) -> list[tuple[str, str, int | None, bool]]:
    """(respondent, question, value, N/A) of each answer that made the card (a blank is no row:
    the API clears an answer left blank)."""
    inputs = json.loads(
        (DATA / "cards" / f"test-q-1.0.0-{name}-scoring-v2.answers.json").read_text()
    )
    return [
        (a["respondent_id"], a["question_id"], a["value"], a["not_applicable"])
        for a in inputs["answers"]
        if a["value"] is not None or a["not_applicable"]
    ]


def _insert_a_version_2_organization(url: str) -> None:
    """What the version 2 code left in a database at revision 0005 (the comment above).

    Each close context has the version 2 shape: the profile, the targets in force, and the
    baseline's *index* per domain it found assessed, with the baseline assessment per domain.
    """
    loaded = load_file(DATA / "test-q-1.0.0.yaml")
    organization = {"id": V2_ORG, "slug": "older", "name": "Older Ltd", "profile": {}}
    assessments = [
        # id, title, period_end, created and closed at, status, card, close context
        (EXAMPLE, "2025-H1", date(2025, 6, 30), datetime(2025, 7, 1, 9, 0), "closed",
         {"organization": organization, "targets": V2_TARGETS,
          "baseline": {"domains": {"project": 1.6667}, "assessments": {"project": EXAMPLE}}}),
        (MIXED, "2025-H2", date(2025, 12, 31), datetime(2026, 1, 2, 9, 0), "closed",
         {"organization": organization, "targets": V2_TARGETS,
          "baseline": {"domains": {"project": 1.6667, "program": 0.6667},
                       "assessments": {"project": EXAMPLE, "program": MIXED}}}),
        (LEFT_OPEN, "2026-H1", date(2026, 6, 30), datetime(2026, 2, 1, 9, 0), "open", None),
    ]  # fmt: skip
    answers = {
        EXAMPLE: _v2_answers("example"),
        MIXED: _v2_answers("mixed"),
        LEFT_OPEN: [
            ("dee", question, value, False) for question, value in LEFT_OPEN_ANSWERS.items()
        ],
    }
    when = datetime(2025, 6, 1, 9, 0)
    statements: list[tuple[str, dict[str, Any]]] = [
        (
            "INSERT INTO questionnaire_version (key, version, title, content_hash, content,"
            " loaded_at) VALUES ('test-q', '1.0.0', :title, :hash, :content, :when)",
            {
                "title": loaded.questionnaire.title,
                "hash": loaded.content_hash,
                "content": json.dumps(loaded.data, sort_keys=True, separators=(",", ":")),
                "when": when,
            },
        ),
        (
            "INSERT INTO organization (id, slug, name, profile, created_at)"
            " VALUES (:org, 'older', 'Older Ltd', '{}', :when)",
            {"org": V2_ORG, "when": when},
        ),
        (
            "INSERT INTO target (organization_id, questionnaire_key, domains, updated_at)"
            " VALUES (:org, 'test-q', :domains, :when)",
            {"org": V2_ORG, "domains": json.dumps(V2_TARGETS), "when": when},
        ),
    ]
    for assessment, title, end, at, status, context in assessments:
        closed = status == "closed"
        statements.append(
            (
                "INSERT INTO assessment (id, organization_id, questionnaire_key,"
                " questionnaire_version, title, period, period_end, rigor, status, created_at,"
                " closed_at, score_card, scoring_version, close_context, scope) VALUES (:a, :org,"
                " 'test-q', '1.0.0', :title, :title, :end, 'self', :status, :created, :closed,"
                " :card, :version, :context, :scope)",
                {
                    "a": assessment,
                    "org": V2_ORG,
                    "title": title,
                    "end": end,
                    "status": status,
                    "created": at - timedelta(days=30),
                    "closed": at if closed else None,
                    "card": V2_CARDS.get(assessment),
                    "version": "2" if closed else None,
                    "context": json.dumps(context) if context else None,
                    "scope": json.dumps(["project", "program"]),
                },
            )
        )
        respondents: dict[str, str] = {}  # name -> id
        for name, *_ in answers[assessment]:
            respondents.setdefault(name, f"rsp_{assessment[-2:]}{len(respondents):018}")
        statements += [
            (
                "INSERT INTO respondent (id, assessment_id, name, created_at)"
                " VALUES (:r, :a, :name, :when)",
                {"r": respondent, "a": assessment, "name": name, "when": at - timedelta(days=30)},
            )
            for name, respondent in respondents.items()
        ]
        for table, column in (("answer", "updated_at"), ("answer_history", "written_at")):
            statements += [
                (
                    f"INSERT INTO {table} (assessment_id, respondent_id, question_id, value,"
                    f" not_applicable, evidence, written_by, {column}) VALUES (:a, :r, :q, :v,"
                    " :na, '[]', :r, :when)",
                    {
                        "a": assessment,
                        "r": respondents[name],
                        "q": question,
                        "v": value,
                        "na": not_applicable,
                        "when": at - timedelta(days=1),
                    },
                )
                for name, question, value, not_applicable in answers[assessment]
            ]
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for statement, parameters in statements:
                connection.execute(text(statement), parameters)
    finally:
        engine.dispose()


@pytest.fixture
def upgraded_from_version_2(empty_database: str) -> Iterator[TestClient]:
    """A client of the app on the version 2 database upgraded to head."""
    upgrade(empty_database, "0005")
    _insert_a_version_2_organization(empty_database)
    upgrade(empty_database)
    settings = Settings(
        database_url=empty_database,
        admin_key=ADMIN_KEY,
        questionnaire_dirs=[DATA],
        allowed_hosts=["testserver"],
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def _older(client: TestClient, path: str) -> Any:
    response = client.get(f"/v1/organizations/older{path}", headers=bearer(ADMIN_KEY))
    assert response.status_code == 200, response.text
    return response


def test_an_upgraded_database_serves_version_2_cards_byte_for_byte(
    upgraded_from_version_2: TestClient,
) -> None:
    client = upgraded_from_version_2
    _older(client, "/trend?questionnaire=test-q")  # rescoring them for the trend writes nothing
    for assessment, card in V2_CARDS.items():
        report = _older(client, f"/assessments/{assessment}/report")
        assert report.json()["assessment"]["scoring_version"] == "2"
        assert report.text.endswith(',"score_card":' + card + "}")


def test_a_version_2_trend_point_is_rescored_from_its_stored_questions(
    upgraded_from_version_2: TestClient,
) -> None:
    """The "mixed" card as version 2 stored it: project level 0, index 0.5185 (0 + the
    Standardize progress); program level 0, index 0.6667. Its questions, as written:
    PRJ-STD-01 Q1 0.0 (weight 1) and Q2 0.5833 (weight 2), PRJ-MEA-01 0.625, PGM-STD-01 0.5,
    PGM-MEA-01 0.3333, ENB-STR-01 0.5.

    Rescored with test-q 1.0.0's parameters (threshold 0.75, credit floor 0, question floor
    0.5, shortfalls allowed min(1, n - 1); a question's credit score / 0.75, at most 1; an
    unattained practice's credit the weighted mean of its questions' credits):
    - PRJ-STD-01: Q1 is below the question floor: not attained; credit
      (1 x 0 + 2 x 0.5833 / 0.75) / 3 = 2 x 0.7777 / 3 = 0.5185;
    - PRJ-MEA-01: one question, no shortfall allowed, 0.625 < 0.75: credit 0.8333;
    - PGM-STD-01: 0.5 < 0.75: credit 0.6667; PGM-MEA-01: credit 0.3333 / 0.75 = 0.4444;
    - ENB-STR-01: 0.5: credit 0.6667, not attained.
    Project: level 0, index 0.5185 + min(0.5185, 0.8333) = 1.0370, attainment 0, progress
    (0.5185 + 0.8333) / 2 = 0.6759. Program: level 0, index 0.6667 + min(0.6667, 0.4444) =
    1.1111, progress (0.6667 + 0.4444) / 2 = 0.5555 (the stored 0.5556 came from the unrounded
    1/3; rescoring reads 0.3333 as written). Overall: level 0, index 1.0370 (project's),
    attainment 0 of 4, progress (0.5185 + 0.8333 + 0.6667 + 0.4444) / 4 = 0.6157. Structural:
    attainment 0, progress 0.6667.

    The "example" card before it, rescored: PRJ-STD-01 (0.75, 0.75) attained, PRJ-MEA-01 0.5
    credit 0.6667, program all N/A (not assessed): project level 1, index 1 + 0.6667 = 1.6667.

    Goals, today's (project 2, program 2), on G from the stages as the rescored cards write
    them; today's baseline: project "example" (G = 1 + min(1, 0.6667) = 1.6667), program "mixed"
    ("example" does not assess it; G = 0.6667 + 0.4444 = 1.1111). "mixed": project
    (0.5185 + 0.5185 - 1.6667) / (2 - 1.6667) = -0.6297 / 0.3333 = -1.8893; program 0.0.
    """
    client = upgraded_from_version_2
    points = _older(client, "/trend?questionnaire=test-q").json()["points"]
    assert [(p["assessment_id"], p["scoring_version"], p["rescored"]) for p in points] == [
        (EXAMPLE, "2", True),
        (MIXED, "2", True),
    ]
    example, mixed = points
    assert example["domains"]["project"] == {
        "attainment": 0.5, "progress": 0.8333, "level": 1, "index": 1.6667,
        "goal": {"level": 2, "gap_levels": 1, "progress": 0.0},
    }  # fmt: skip
    assert mixed["overall"] == {"attainment": 0.0, "progress": 0.6157, "level": 0, "index": 1.037}
    assert mixed["domains"] == {
        "project": {"attainment": 0.0, "progress": 0.6759, "level": 0, "index": 1.037,
                    "goal": {"level": 2, "gap_levels": 2, "progress": -1.8893}},
        "program": {"attainment": 0.0, "progress": 0.5555, "level": 0, "index": 1.1111,
                    "goal": {"level": 2, "gap_levels": 2, "progress": 0.0}},
    }  # fmt: skip
    assert mixed["enablers"] == {"structural": {"attainment": 0.0, "progress": 0.6667}}


def test_a_version_2_closed_report_keeps_its_goal_figures_on_the_index(
    upgraded_from_version_2: TestClient,
) -> None:
    """Version 2's formula, (index - base index) / (goal - base index), on the stored card and
    the stored baseline indexes. "mixed": project (0.5185 - 1.6667) / (2 - 1.6667) = -1.1482 /
    0.3333 = -3.4449; program (0.6667 - 0.6667) / (2 - 0.6667) = 0.0; both level 0, 2 levels
    short. (On G they would read (1.0370 - 1.6667) / 0.3333 = -1.8893 and
    (1.1111 - 0.6667) / 1.3333 = 0.3333.) "example": project (1.6667 - 1.6667) / 0.3333 = 0.0,
    1 level short; program not assessed: null.
    """
    client = upgraded_from_version_2
    mixed = _older(client, f"/assessments/{MIXED}/report").json()
    assert mixed["goals"] == {
        "project": {"level": 2, "gap_levels": 2, "progress": -3.4449},
        "program": {"level": 2, "gap_levels": 2, "progress": 0.0},
    }
    example = _older(client, f"/assessments/{EXAMPLE}/report").json()
    assert example["goals"] == {
        "project": {"level": 2, "gap_levels": 1, "progress": 0.0},
        "program": {"level": 2, "gap_levels": None, "progress": None},
    }


def test_an_assessment_left_open_at_upgrade_scores_with_version_3_at_once(
    upgraded_from_version_2: TestClient,
) -> None:
    """Dee's answers: PRJ-STD-01 4 and 2 (1.0 and 0.5: one shortfall, none below the question
    floor) is attained under version 3 (version 2: the weighted mean (1 + 2 x 0.5) / 3 = 0.6667
    < 0.75, not attained, project level 0, index 0 + 0.6667 / 0.75 = 0.8889); PRJ-MEA-01 3
    (0.75) attained: project level 2, index 2.0. PGM-STD-01 4 attained, PGM-MEA-01 2 (0.5,
    credit 0.6667): program level 1, index 1.6667. Goals against today's baseline (rescored, G:
    project 1.6667, program 1.1111): project (2 - 1.6667) / (2 - 1.6667) = 1.0; program
    (1.6667 - 1.1111) / (2 - 1.1111) = 0.5556 / 0.8889 = 0.625.
    """
    client = upgraded_from_version_2
    report = _older(client, f"/assessments/{LEFT_OPEN}/report").json()
    card = report["score_card"]
    assert (report["provisional"], card["scoring_version"]) == (True, "3")
    assert [(d["id"], d["level"], d["index"]) for d in card["domains"]] == [
        ("project", 2, 2.0),
        ("program", 1, 1.6667),
    ]
    assert report["goals"] == {
        "project": {"level": 2, "gap_levels": 0, "progress": 1.0},
        "program": {"level": 2, "gap_levels": 1, "progress": 0.625},
    }


def test_a_close_after_the_upgrade_stores_version_3_and_the_baselines_g(
    upgraded_from_version_2: TestClient,
) -> None:
    """The baseline of project is "example" (G to level 2: 1 + min(1, 0.6667) = 1.6667, as its
    index), of program "mixed" (G: 0.6667 + 0.4444 = 1.1111, where version 2 stored its index
    0.6667). The closed report's goals are those of the open one (1.0 and 0.625)."""
    client = upgraded_from_version_2
    closed = close(client, bearer(ADMIN_KEY), "older", LEFT_OPEN)
    assert closed["scoring_version"] == "3"
    [stored] = _older(client, f"/assessments/{LEFT_OPEN}/export").json()["assessments"]
    assert json.loads(stored["score_card"])["scoring_version"] == "3"
    baseline = stored["close_context"]["baseline"]
    assert baseline["domains"] == {"project": 1.6667, "program": 1.1111}
    assert baseline["assessments"] == {"project": EXAMPLE, "program": MIXED}
    report = _older(client, f"/assessments/{LEFT_OPEN}/report").json()
    assert report["goals"] == {
        "project": {"level": 2, "gap_levels": 0, "progress": 1.0},
        "program": {"level": 2, "gap_levels": 1, "progress": 0.625},
    }
    points = _older(client, "/trend?questionnaire=test-q").json()["points"]
    assert [(p["scoring_version"], p["rescored"]) for p in points] == [
        ("2", True),
        ("2", True),
        ("3", False),
    ]


# 0008: a respondent's tokens move to their own table


OPEN_ASSESSMENT, OLD_RESPONDENT = "asm_00000000000000000008", "rsp_00000000000000000008"
OLD_TOKEN = "opmr_" + "k" * 43  # what revision 0007 stored the SHA-256 of


def _insert_an_open_assessment_at_0007(url: str) -> None:
    """What a database at revision 0007 held: an open assessment, a respondent whose token's
    hash lies in `respondent.token_hash`, and its two answers."""
    engine = make_engine(url)
    loaded = load_file(DATA / "test-q-1.0.0.yaml")
    when = datetime(2026, 11, 30, 9, 0)
    statements: list[tuple[str, dict[str, Any]]] = [
        (
            "INSERT INTO questionnaire_version (key, version, title, content_hash, content,"
            " loaded_at) VALUES ('test-q', '1.0.0', :title, :hash, :content, :when)",
            {
                "title": loaded.questionnaire.title,
                "hash": loaded.content_hash,
                "content": json.dumps(loaded.data, sort_keys=True, separators=(",", ":")),
                "when": when,
            },
        ),
        (
            "INSERT INTO organization (id, slug, name, profile, created_at)"
            " VALUES (:org, 'before', 'Before Ltd', '{}', :when)",
            {"org": ORGANIZATION, "when": when},
        ),
        (
            "INSERT INTO assessment (id, organization_id, questionnaire_key, questionnaire_version,"
            " title, rigor, status, scope, created_at) VALUES (:a, :org, 'test-q', '1.0.0',"
            " 'Open at upgrade', 'self', 'open', :scope, :when)",
            {
                "a": OPEN_ASSESSMENT,
                "org": ORGANIZATION,
                "scope": json.dumps(["project", "program"]),
                "when": when,
            },
        ),
        (
            "INSERT INTO respondent (id, assessment_id, name, email, token_hash, created_at)"
            " VALUES (:r, :a, 'Ann', 'ann@example.org', :hash, :when)",
            {
                "r": OLD_RESPONDENT,
                "a": OPEN_ASSESSMENT,
                "hash": hashlib.sha256(OLD_TOKEN.encode()).hexdigest(),
                "when": when,
            },
        ),
        *[
            (
                "INSERT INTO answer (assessment_id, respondent_id, question_id, value,"
                " not_applicable, dont_know, comment, evidence, written_by, updated_at)"
                " VALUES (:a, :r, :q, :value, :no, :no, :comment, '[]', :r, :when)",
                {
                    "a": OPEN_ASSESSMENT,
                    "r": OLD_RESPONDENT,
                    "q": question,
                    "value": value,
                    "no": False,
                    "comment": comment,
                    "when": when,
                },
            )
            for question, value, comment in [
                ("PRJ-STD-01-Q1", 3, "Kept"),
                ("PGM-STD-01-Q1", 2, None),
            ]
        ],
    ]
    try:
        with engine.begin() as connection:
            for statement, parameters in statements:
                connection.execute(text(statement), parameters)
    finally:
        engine.dispose()


def test_a_token_issued_before_0008_still_opens_its_answers_which_are_kept(
    empty_database: str,
) -> None:
    upgrade(empty_database, "0007")
    _insert_an_open_assessment_at_0007(empty_database)
    upgrade(empty_database)
    settings = Settings(
        database_url=empty_database,
        admin_key=ADMIN_KEY,
        questionnaire_dirs=[DATA],
        allowed_hosts=["testserver"],
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        token = bearer(OLD_TOKEN)
        me = client.get("/v1/me", headers=token)
        assert me.status_code == 200, me.text
        assert me.json()["respondent"] == OLD_RESPONDENT
        path = (
            f"/v1/organizations/before/assessments/{OPEN_ASSESSMENT}"
            f"/respondents/{OLD_RESPONDENT}/answers"
        )
        answers = client.get(path, headers=token)
        assert answers.status_code == 200, answers.text
        assert [
            (a["question_id"], a["value"], a["comment"]) for a in answers.json()["answers"]
        ] == [
            ("PRJ-STD-01-Q1", 3, "Kept"),
            ("PGM-STD-01-Q1", 2, None),
        ]
        # The respondent is whole after the upgrade: its whole scope, no activity yet.
        (listed,) = client.get(
            f"/v1/organizations/before/assessments/{OPEN_ASSESSMENT}/respondents",
            headers=bearer(ADMIN_KEY),
        ).json()["items"]
        assert (listed["email"], listed["domains"], listed["last_activity_at"]) == (
            "ann@example.org",
            None,
            None,
        )
        # It still answers with that token, and the invitation link still opens its pages.
        saved = client.patch(
            path,
            json={"answers": [{"question_id": "PRJ-MEA-01-Q1", "value": 1}]},
            headers=token,
        )
        assert saved.status_code == 200, saved.text
        opened = client.get(f"/a/{OLD_TOKEN}", follow_redirects=False)
        assert opened.status_code in (302, 303), opened.text
