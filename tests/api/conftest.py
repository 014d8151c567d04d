"""Fixtures: one suite, run on SQLite and, when OPM_TEST_POSTGRES_URL is set, on PostgreSQL.

Each database is migrated once per run (Alembic, as in production). Each test then gets a
fresh copy of the migrated SQLite file, or, on PostgreSQL, the migrated database emptied
after the test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.app import create_app
from api.core.config import Settings
from api.storage.migrate import upgrade

from ..samples import DATA
from .databases import ADMIN_KEY, ENGINES, empty_postgres, scratch_postgres
from .factories import Headers, World, new_organization, new_world


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "opm.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> Iterator[str]:
    with scratch_postgres("test") as url:
        upgrade(url)
        yield url


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database of each engine under test."""
    if request.param == "sqlite":
        path = tmp_path / "opm.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_migrated")
        try:
            yield url
        finally:
            empty_postgres(url)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        admin_key=ADMIN_KEY,
        questionnaire_dirs=[DATA],
        allowed_hosts=["testserver", "127.0.0.1"],  # TestClient, and the live server
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """A client of the app on a migrated database; no secret is sent unless a test adds one."""
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def engine(client: TestClient) -> Engine:
    """The app's own engine (to look at what was stored)."""
    app_engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return app_engine


@pytest.fixture
def admin() -> Headers:
    return {"Authorization": f"Bearer {ADMIN_KEY}"}


@pytest.fixture
def org(client: TestClient, admin: Headers) -> tuple[str, Headers]:
    """An organization with a supportive PMO: its slug and its owner key's headers."""
    body, owner = new_organization(
        client, admin, profile={"pmo": {"exists": True, "type": "supportive"}}
    )
    return body["slug"], owner


@pytest.fixture
def world(client: TestClient, admin: Headers) -> World:
    """An organization, an open test-q 1.0.0 assessment and one respondent (`factories.World`)."""
    return new_world(client, admin)
