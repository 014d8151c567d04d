"""`opm db upgrade|backup|restore`: the schema's migrations, and copies of the SQLite database
(the copying itself is `api.cli.backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli import backup
from api.cli.common import ensure_writable
from api.core.config import get_settings
from api.storage.migrate import upgrade

__all__ = ["db_app", "db_backup", "db_restore", "db_upgrade"]

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply the database migrations (creates the schema on a new database)."""
    database_url = get_settings().database_url
    ensure_writable(database_url)
    upgrade(database_url, revision)
    typer.echo(f"database at {revision}")


@db_app.command("backup")
def db_backup(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="Where to write the copy.")],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Copy the SQLite database, live, into FILE: one consistent snapshot (PostgreSQL: pg_dump)."""
    try:
        source = backup.backup(database_url=get_settings().database_url, target=file, force=force)
    except backup.BackupRefused as refused:
        typer.echo(f"error: {refused}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"backed up {source} to {file}")


@db_app.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A backup.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace a database that holds data.")
    ] = False,
) -> None:
    """Replace the SQLite database with a backup; refused if it holds data, unless --force."""
    try:
        revision = backup.restore(
            database_url=get_settings().database_url, source=file, force=force
        )
    except backup.BackupRefused as refused:
        typer.echo(f"error: {refused}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"restored {file} (schema {revision}); now run `opm db upgrade`")
