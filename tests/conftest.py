"""Fixtures: one suite, run on SQLite and, when OPM_TEST_POSTGRES_URL is set, on PostgreSQL.

Each database is migrated once per run (Alembic, as in production). Each test then gets a
fresh copy of the migrated SQLite file, or, on PostgreSQL, the migrated database emptied
after the test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from api.app import create_app
from api.config import Settings
from api.db import make_engine
from api.migrate import upgrade

POSTGRES_URL = os.environ.get("OPM_TEST_POSTGRES_URL")
ENGINES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
DATA = Path(__file__).parent / "data"
ADMIN_KEY = "test-admin-secret-0123456789abcdef0123456789"


@contextmanager
def scratch_postgres(name: str) -> Iterator[str]:
    """A new, empty database on the server of OPM_TEST_POSTGRES_URL, dropped afterwards.

    Named after this process, so that two runs of the suite on one server never meet.
    """
    assert POSTGRES_URL is not None
    database = f"opm_{name}_{os.getpid()}"
    server = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {database}"))
        yield make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        server.dispose()


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


def _empty_postgres(url: str) -> None:
    import api.tables  # noqa: F401 - the tables to empty

    names = ", ".join(table.name for table in SQLModel.metadata.sorted_tables)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


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
            _empty_postgres(url)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, admin_key=ADMIN_KEY, questionnaire_dirs=[DATA])


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
def admin() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_KEY}"}
