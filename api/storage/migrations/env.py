"""Alembic environment: runs migrations online against the configured URL."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import api.storage.tables  # noqa: F401 - registers the tables on SQLModel.metadata
from api.storage.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = make_engine(url)
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        sqlite = connection.dialect.name == "sqlite" and raw is not None
        if sqlite:
            # A batch migration copies a table and drops the old one: with foreign keys on,
            # the drop would cascade to the rows that point at it (answers of a respondent).
            # Off before the transaction (SQLite ignores the pragma inside one, and SQLAlchemy
            # would open one), checked after.
            raw.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = raw.execute("PRAGMA foreign_key_check").fetchall()  # type: ignore[union-attr]
            if broken:
                raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
            raw.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
    engine.dispose()


run_migrations()
