"""The questionnaire command line: validate, schema, list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.main import app

from ...samples import BROKEN, DATA, GOOD, SHORT_FORM


def test_cli_validate_prints_every_problem_and_exits_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN)
    result = CliRunner().invoke(app, ["questionnaire", "validate", str(GOOD), str(bad)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(bad))]
    assert len(lines) >= 7
    assert f"{bad}: colour: Extra inputs are not permitted" in lines


def test_cli_validate_accepts_a_good_file() -> None:
    result = CliRunner().invoke(app, ["questionnaire", "validate", str(GOOD)])
    assert result.exit_code == 0, result.output
    assert "ok (test-q 1.0.0, 6 questions)" in result.output


def test_cli_schema_prints_the_json_schema_of_the_format() -> None:
    result = CliRunner().invoke(app, ["questionnaire", "schema"])
    schema = json.loads(result.output)
    assert schema["title"] == "Questionnaire"
    assert {"key", "version", "scale", "best_practices"} <= set(schema["properties"])


def test_cli_list_shows_configured_questionnaires(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.core.config import get_settings

    monkeypatch.setenv("OPM_QUESTIONNAIRE_DIRS", str(DATA))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["questionnaire", "list"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "test-q\t1.10.0\t7 questions" in result.output


def test_cli_validate_checks_a_short_form_against_its_full_file(tmp_path: Path) -> None:
    short_form = tmp_path / "short.yaml"
    short_form.write_text(SHORT_FORM)
    result = CliRunner().invoke(app, ["questionnaire", "validate", str(short_form), str(GOOD)])
    assert result.exit_code == 0, result.output
    assert (
        f"{short_form}: ok (test-q-short 1.0.0, 5 questions; keeps its promise to test-q 1.0.0)"
        in result.output
    )


def test_cli_validate_prints_each_broken_promise_when_both_files_are_given(
    tmp_path: Path,
) -> None:
    short_form = tmp_path / "short.yaml"
    short_form.write_text(
        SHORT_FORM.replace(
            "text: Schedule variance is recorded.", "text: Cost is recorded."
        ).replace("id: ENB-STR-01-Q1", "id: ENB-STR-01-Q5")
    )
    result = CliRunner().invoke(app, ["questionnaire", "validate", str(GOOD), str(short_form)])
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.startswith(str(short_form))] == [
        f"{short_form}: best_practices.1.questions.0.text: question 'PRJ-MEA-01-Q1' has another "
        "text than in test-q 1.0.0",
        f"{short_form}: best_practices.4.questions.0.id: question 'ENB-STR-01-Q5' is not in "
        "test-q 1.0.0",
    ]
    assert f"{GOOD}: ok (test-q 1.0.0, 6 questions)" in result.output


def test_cli_validate_says_a_short_form_given_alone_was_not_checked(tmp_path: Path) -> None:
    short_form = tmp_path / "short.yaml"
    short_form.write_text(SHORT_FORM)
    result = CliRunner().invoke(app, ["questionnaire", "validate", str(short_form)])
    assert result.exit_code == 0, result.output
    assert "short form of test-q 1.0.0, give its file to check" in result.output
