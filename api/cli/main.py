"""The `opm` command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from sqlmodel import Session

from api.core.config import get_settings
from api.core.enums import ORGANIZATION_ROLES, KeyRole
from api.schemas import MAX_KEY_DAYS
from api.storage.db import make_engine, session_scope
from questionnaires import (
    LoadedQuestionnaire,
    Questionnaire,
    QuestionnaireFileError,
    load_directories,
    load_file,
    short_form_problems,
)

app = typer.Typer(help="OPM maturity self-assessment service.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
questionnaire_app = typer.Typer(help="Questionnaire files.", no_args_is_help=True)
org_app = typer.Typer(help="Organizations.", no_args_is_help=True)
key_app = typer.Typer(help="API keys.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(questionnaire_app, name="questionnaire")
app.add_typer(org_app, name="org")
app.add_typer(key_app, name="key")


@contextmanager
def database_session(*, write: bool = True) -> Iterator[Session]:
    """A session on the configured database; the engine is disposed afterwards."""
    engine = make_engine(get_settings().database_url)
    try:
        with session_scope(engine, write=write) as session:
            yield session
    finally:
        engine.dispose()


def _ensure_writable(database_url: str) -> None:
    """Stop with one line when the SQLite database cannot be written (a mount's ownership)."""
    from api.cli.data_folder import unwritable_database

    problem = unwritable_database(database_url)
    if problem is not None:
        typer.echo(problem, err=True)
        raise typer.Exit(code=1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            envvar="OPM_WORKERS",
            help=(
                "App processes serving the port (uvicorn workers); about one a core. Each "
                "keeps its own pool of OPM_DATABASE_POOL_SIZE PostgreSQL connections."
            ),
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API with uvicorn (apply migrations first: `opm db upgrade`).

    With `--workers N`, N processes share the port; nothing is kept in one process that
    another needs, so they answer alike. On PostgreSQL they open up to N x
    OPM_DATABASE_POOL_SIZE connections; on SQLite they take turns for the write lock.
    """
    import uvicorn

    from api.app import create_app
    from api.storage.db import is_sqlite

    settings = get_settings()
    _ensure_writable(settings.database_url)
    if settings.admin_key is None:
        typer.echo("No OPM_ADMIN_KEY set: get an admin key with `opm key create --admin`.")
    # Our own request log (`api.http.request_log`) replaces uvicorn's, which writes secret paths.
    if workers == 1:
        uvicorn.run(create_app(), host=host, port=port, access_log=False)
        return
    if not is_sqlite(settings.database_url):
        typer.echo(
            f"{workers} workers, each with up to {settings.database_pool_size} PostgreSQL "
            f"connections: {workers * settings.database_pool_size} at most."
        )
    # Each worker process builds its own app (and engine) from the same environment.
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        access_log=False,
    )


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply the database migrations (creates the schema on a new database)."""
    from api.storage.migrate import upgrade

    database_url = get_settings().database_url
    _ensure_writable(database_url)
    upgrade(database_url, revision)
    typer.echo(f"database at {revision}")


@db_app.command("backup")
def db_backup(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="Where to write the copy.")],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Copy the SQLite database, live, into FILE: one consistent snapshot (PostgreSQL: pg_dump)."""
    from api.cli import backup

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
    from api.cli import backup

    try:
        revision = backup.restore(
            database_url=get_settings().database_url, source=file, force=force
        )
    except backup.BackupRefused as refused:
        typer.echo(f"error: {refused}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"restored {file} (schema {revision}); now run `opm db upgrade`")


@questionnaire_app.command("validate")
def questionnaire_validate(files: Annotated[list[Path], typer.Argument(exists=True)]) -> None:
    """Check questionnaire files; print every problem as FILE: path: message.

    A short form (`subset_of`) is also checked against its full questionnaire when that file is
    given too.
    """
    problems = 0
    loaded: list[LoadedQuestionnaire] = []
    for path in files:
        try:
            loaded.append(load_file(path))
        except QuestionnaireFileError as error:
            problems += len(error.problems)
            for line in error.lines():
                typer.echo(line, err=True)
    by_identity = {(item.questionnaire.key, item.questionnaire.version): item for item in loaded}
    for item in loaded:
        broken, note = _short_form_check(item, by_identity)
        problems += len(broken)
        for line in broken:
            typer.echo(line, err=True)
        if not broken:
            q = item.questionnaire
            typer.echo(f"{item.path}: ok ({q.key} {q.version}, {q.question_count} questions{note})")
    if problems:
        raise typer.Exit(code=1)


def _short_form_check(
    item: LoadedQuestionnaire, given: dict[tuple[str, str], LoadedQuestionnaire]
) -> tuple[list[str], str]:
    """The broken promises of a short form whose full file is `given`, and a note for its line."""
    promise = item.questionnaire.subset_of
    if promise is None:
        return [], ""
    full = given.get((promise.key, promise.version))
    if full is None:
        return [], f"; short form of {promise.key} {promise.version}, give its file to check"
    broken = short_form_problems(item.questionnaire, full.questionnaire)
    lines = QuestionnaireFileError(item.path, broken).lines() if broken else []
    return lines, f"; keeps its promise to {promise.key} {promise.version}"


@questionnaire_app.command("list")
def questionnaire_list() -> None:
    """List the questionnaires the service loads (built-in and OPM_QUESTIONNAIRE_DIRS)."""
    from api.services.questionnaires import questionnaire_directories

    directories = questionnaire_directories(get_settings().questionnaire_dirs)
    try:
        loaded = load_directories(directories)
    except QuestionnaireFileError as error:
        for line in error.lines():
            typer.echo(line, err=True)
        raise typer.Exit(code=1) from None
    for item in loaded:
        q = item.questionnaire
        columns = [q.key, q.version, f"{q.question_count} questions", item.content_hash[:12]]
        typer.echo("\t".join([*columns, str(item.path)]))
    if not loaded:
        typer.echo("no questionnaire files found in: " + ", ".join(map(str, directories)))


@questionnaire_app.command("schema")
def questionnaire_schema() -> None:
    """Print the JSON Schema of the questionnaire format (for editor completion)."""
    typer.echo(json.dumps(Questionnaire.model_json_schema(), indent=2))


@org_app.command("create")
def org_create(
    name: str,
    slug: Annotated[str | None, typer.Option(help="URL name; made from NAME when omitted.")] = None,
) -> None:
    """Create an organization and print its first (owner) key, shown only once."""
    from api.core.errors import AppError
    from api.services import organizations
    from api.services.audit import COMMAND_LINE

    with database_session() as session:
        try:
            created = organizations.create_organization(
                session=session, name=name, slug=slug, profile=None, actor=COMMAND_LINE
            )
            session.commit()
        except AppError as error:
            typer.echo(f"error: {error.detail}", err=True)
            raise typer.Exit(code=1) from None
    typer.echo(f"organization {created.slug} ({created.id})")
    typer.echo(f"owner key (shown once): {created.api_key}")


@key_app.command("create")
def key_create(
    org: Annotated[str | None, typer.Option(help="Organization slug or id.")] = None,
    role: Annotated[str, typer.Option(help=", ".join(ORGANIZATION_ROLES) + ".")] = KeyRole.OWNER,
    name: Annotated[str, typer.Option(help="A name to tell the key apart.")] = "cli",
    admin: Annotated[bool, typer.Option("--admin", help="An admin key (no organization).")] = False,
    expires_in_days: Annotated[
        int | None,
        typer.Option(min=1, max=MAX_KEY_DAYS, help="Days until it expires (default: never)."),
    ] = None,
) -> None:
    """Create a key and print its secret, shown only once (and when it expires, if it does)."""
    from api.core.errors import AppError
    from api.services import organizations

    if admin == (org is not None):
        typer.echo("error: give either --org SLUG or --admin", err=True)
        raise typer.Exit(code=2)
    with database_session() as session:
        try:
            if admin:
                created = organizations.create_admin_key(
                    session=session, name=name, expires_in_days=expires_in_days
                )
            else:
                assert org is not None
                created = organizations.create_key_for(
                    session=session,
                    org=org,
                    name=name,
                    role=role,
                    expires_in_days=expires_in_days,
                )
            session.commit()
        except AppError as error:
            typer.echo(f"error: {error.detail}", err=True)
            raise typer.Exit(code=1) from None
    if created.expires_at is not None:
        typer.echo(f"expires at {created.expires_at.isoformat()}", err=True)
    typer.echo(f"{created.role} key {created.id} (shown once): {created.api_key}")


# Export and import


@contextmanager
def _reading_session() -> Iterator[Session]:
    """A reading session that sees one snapshot of the database."""
    with database_session(write=False) as session:
        if session.get_bind().dialect.name == "postgresql":  # SQLite's read is a snapshot
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield session


def _progress(label: str) -> Progress:
    """A progress bar on stderr, so that an export written to stdout stays clean."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    )


@app.command("export")
def export_organization(
    org: Annotated[str, typer.Option("--org", help="Organization slug or id.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
    ] = None,
) -> None:
    """Export an organization's data as JSON (`opm-export` version 1), to archive or move it.

    Everything but secrets: API keys, share links and respondent tokens are not exported
    (tokens are re-issued after an import). The audit trail is included, and the export is
    recorded in it.
    """
    from api.core.errors import AppError
    from api.services import exports
    from api.services.audit import COMMAND_LINE

    with _reading_session() as session, _progress("exporting assessments") as progress:
        task = progress.add_task("export", total=None)
        try:
            document = exports.export_organization(
                session=session,
                org=org,
                total=lambda count: progress.update(task, total=count),
                advance=lambda: progress.advance(task),
            )
        except AppError as error:
            typer.echo(f"error: {error.detail}", err=True)
            raise typer.Exit(code=1) from None
        # After the reading, so that a document exported again after an import is the same.
        exports.record_export(
            session=session, actor=COMMAND_LINE, organization_id=document.organization.id
        )
    text = exports.export_json(document)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(
            f"exported {document.organization.slug}: {len(document.assessments)} assessments "
            f"to {output}",
            err=True,
        )


@app.command("import")
def import_organization(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="An opm export.")],
) -> None:
    """Import an organization exported with `opm export`, in one transaction.

    Refuses, writing nothing, when its slug or any of its ids exists here already, or when a
    questionnaire version it uses is not loaded here with the same content hash. Respondent
    tokens are not in an export: re-issue them (`POST .../respondents/{r}/token`).
    """
    from api.services import exports
    from api.services.questionnaires import QuestionnaireChanged, load_and_register

    try:
        document = exports.parse_document(file.read_bytes())
    except exports.ImportRefused as refused:
        for problem in refused.problems:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(code=1) from None
    with database_session() as session:
        try:
            # The questionnaire files the service serves, registered as at its start, so that
            # the export's versions and content hashes can be checked against them.
            load_and_register(session=session, extra_directories=get_settings().questionnaire_dirs)
        except (QuestionnaireChanged, QuestionnaireFileError) as error:
            typer.echo(f"error: nothing imported: {error}", err=True)
            raise typer.Exit(code=1) from None
        try:
            with _progress("importing assessments") as progress:
                task = progress.add_task("import", total=len(document.assessments))
                summary = exports.import_organization(
                    session=session, document=document, advance=lambda: progress.advance(task)
                )
        except exports.ImportRefused as refused:
            session.rollback()
            typer.echo(f"error: nothing imported from {file}:", err=True)
            for problem in refused.problems:
                typer.echo(f"error: {problem}", err=True)
            raise typer.Exit(code=1) from None
        session.commit()
    typer.echo(
        f"imported organization {summary.slug} ({summary.organization_id}): "
        f"{summary.assessments} assessments, {summary.respondents} respondents, "
        f"{summary.answers} answers. Respondent tokens must be re-issued."
    )


if __name__ == "__main__":
    app()
