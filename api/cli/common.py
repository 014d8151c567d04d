"""What several command groups share: a session on the configured database (`opm org`,
`opm key`, `opm export`, `opm import`) and the check that its SQLite folder can be written
(`opm serve`, `opm db upgrade`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlmodel import Session

from api.cli.data_folder import unwritable_database
from api.core.config import get_settings
from api.storage.db import make_engine, session_scope

__all__ = ["database_session", "ensure_writable"]


@contextmanager
def database_session(*, write: bool = True) -> Iterator[Session]:
    """A session on the configured database; the engine is disposed afterwards."""
    engine = make_engine(get_settings().database_url)
    try:
        with session_scope(engine, write=write) as session:
            yield session
    finally:
        engine.dispose()


def ensure_writable(database_url: str) -> None:
    """Stop with one line when the SQLite database cannot be written (a mount's ownership)."""
    problem = unwritable_database(database_url)
    if problem is not None:
        typer.echo(problem, err=True)
        raise typer.Exit(code=1)
