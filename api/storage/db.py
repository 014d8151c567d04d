"""Database engines and sessions, on SQLite (embedded default) and PostgreSQL.

SQLite runs in WAL mode with foreign keys on and a busy timeout. Its Python driver's own
transaction handling is turned off so that SQLAlchemy emits `BEGIN` itself: a writing request
begins with `BEGIN IMMEDIATE`, taking the write lock up front, because a deferred transaction
that reads and then writes fails at once ("database is locked") when another writer committed
in between, which a busy timeout cannot cure.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlmodel import Session

BUSY_TIMEOUT_MS = 30_000
WRITE_OPTION = "opm_write"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, *, pool_size: int | None = None, **kwargs: Any) -> Engine:
    """An engine for `url`, with the SQLite settings above where it applies.

    Its errors never quote bind parameters: they would put answers and secret hashes in logs.
    On PostgreSQL, `pool_size` caps the connections of this process (no overflow: a request
    past it waits for one), so that workers x `pool_size` bounds what the server must accept.
    """
    kwargs.setdefault("hide_parameters", True)
    if not is_sqlite(url):
        kwargs.setdefault("pool_pre_ping", True)
        if pool_size is not None:
            kwargs.setdefault("pool_size", pool_size)
            kwargs.setdefault("max_overflow", 0)
        return create_engine(url, **kwargs)
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("check_same_thread", False)
    connect_args.setdefault("timeout", BUSY_TIMEOUT_MS / 1000)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, for transactions that will write (`BEGIN IMMEDIATE` on SQLite).

    Making it copies the engine's options, a noticeable part of a request: the app makes it
    once (`app.state.writer`).
    """
    return engine.execution_options(**{WRITE_OPTION: True})


def open_session(engine: Engine) -> Session:
    """A session bound to `engine` (no connection yet: it is taken at the first statement)."""
    return Session(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine, *, write: bool) -> Iterator[Session]:
    """A session bound to `engine`, closed (and rolled back if not committed) at the end."""
    with open_session(writer(engine) if write else engine) as session:
        yield session
