"""Backups of the embedded default, SQLite (issue 15, item 10); PostgreSQL has pg_dump.

A backup is SQLite's online backup of the live database: one consistent snapshot, committed
transactions only (those still in the write-ahead log too), taken while the service keeps
serving. It is written beside its target and renamed into place, so a failed backup never
leaves half a file under the name asked for, and it is a single file (no `-wal` beside it).
A restore writes a backup into the configured database through the same API, so connections
that are open see either the old content or the new; it refuses to overwrite a database that
holds data unless forced.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from api.storage.db import BUSY_TIMEOUT_MS

__all__ = [
    "NOT_DATA",
    "BackupRefused",
    "backup",
    "holds_data",
    "restore",
    "schema_revision",
    "sqlite_path",
]

# What a database holds before anyone used it: its schema version and the questionnaire files
# it registered at start.
NOT_DATA = frozenset({"alembic_version", "questionnaire_version"})


class BackupRefused(Exception):
    """Why a backup or a restore did nothing, in one line for the command line."""


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite database URL; refused for any other engine or an in-memory one."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupRefused(
            f"the database is {url.get_backend_name()}, not SQLite: back it up with its own "
            "tools (PostgreSQL: pg_dump --format=custom, restore with pg_restore; see README)"
        )
    if not url.database or url.database == ":memory:":
        raise BackupRefused("an in-memory database cannot be backed up")
    return Path(url.database)


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)


def holds_data(path: Path) -> bool:
    """Whether a SQLite file has a row in any table but its schema version and questionnaires."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    with closing(_connect(path, read_only=True)) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            if name not in NOT_DATA
        ]
        return any(
            connection.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")').fetchone()[0]  # noqa: S608 - names from sqlite_master
            for name in tables
        )


def schema_revision(path: Path) -> str:
    """The migration revision of an opm database file; refused for anything else."""
    try:
        with closing(_connect(path, read_only=True)) as connection:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupRefused(f"{path} is damaged (PRAGMA quick_check failed)")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        raise BackupRefused(f"{path} is not an opm database (no schema version in it)") from None
    if row is None:
        raise BackupRefused(f"{path} is not an opm database (no schema version in it)")
    return str(row[0])


def backup(*, database_url: str, target: Path, force: bool) -> Path:
    """Copy the live database to `target`; refused when `target` exists, unless forced."""
    source = sqlite_path(database_url)
    if not source.exists():
        raise BackupRefused(f"there is no database at {source}")
    if target.exists() and not force:
        raise BackupRefused(f"{target} exists: choose another name, or give --force to replace it")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with closing(_connect(source)) as live, closing(_connect(partial)) as copy:
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return source


def restore(*, database_url: str, source: Path, force: bool) -> str:
    """Write the backup `source` into the configured database; its schema revision.

    Refused when `source` is not an opm database, or when the database holds data, unless
    forced.
    """
    target = sqlite_path(database_url)
    revision = schema_revision(source)
    if holds_data(target) and not force:
        raise BackupRefused(
            f"the database at {target} holds data: give --force to replace all of it "
            f"with {source} (back it up first: opm db backup FILE)"
        )
    with (
        closing(_connect(source, read_only=True)) as backup_file,
        closing(_connect(target)) as live,
    ):
        backup_file.backup(live)
    return revision
