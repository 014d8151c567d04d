"""The databases the API tests run on: SQLite, and PostgreSQL when OPM_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from api.storage.db import make_engine

POSTGRES_URL = os.environ.get("OPM_TEST_POSTGRES_URL")
ENGINES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
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


def empty_postgres(url: str) -> None:
    """Empty every table of a migrated PostgreSQL database, in one statement."""
    import api.storage.tables  # noqa: F401 - the tables to empty

    names = ", ".join(table.name for table in SQLModel.metadata.sorted_tables)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
