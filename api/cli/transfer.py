"""`opm export` and `opm import`: a whole organization as one JSON document (`opm-export`
version 1), with a progress bar on stderr while the assessments are read or written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from sqlmodel import Session

from api.cli.common import database_session
from api.core.config import get_settings
from api.core.errors import AppError
from api.services import exports
from api.services.audit import COMMAND_LINE
from api.services.questionnaires import QuestionnaireChanged, load_and_register
from questionnaires import QuestionnaireFileError

__all__ = ["export_organization", "import_organization"]


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


def import_organization(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="An opm export.")],
) -> None:
    """Import an organization exported with `opm export`, in one transaction.

    Refuses, writing nothing, when its slug or any of its ids exists here already, or when a
    questionnaire version it uses is not loaded here with the same content hash. Respondent
    tokens are not in an export: re-issue them (`POST .../respondents/{r}/token`).
    """
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
