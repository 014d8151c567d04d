"""`opm questionnaire validate|list|schema`: questionnaire files, checked, listed, described."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from api.core.config import get_settings
from api.services.questionnaires import questionnaire_directories
from questionnaires import (
    LoadedQuestionnaire,
    Questionnaire,
    QuestionnaireFileError,
    load_directories,
    load_file,
    short_form_problems,
)

__all__ = [
    "questionnaire_app",
    "questionnaire_list",
    "questionnaire_schema",
    "questionnaire_validate",
]

questionnaire_app = typer.Typer(help="Questionnaire files.", no_args_is_help=True)


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
