"""`opm` run in the test's process (Typer's runner), against a database of the test's choosing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from api.cli.main import app as cli
from api.core.config import get_settings

from ..samples import DATA


def opm(monkeypatch: pytest.MonkeyPatch, database: str | Path, *args: str) -> Result:
    """`opm ARGS...` on `database` (a URL, or a SQLite file's path), with the test questionnaires.

    The settings are read again from the environment before the run and forgotten after it.
    """
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    monkeypatch.setenv("OPM_DATABASE_URL", url)
    monkeypatch.setenv("OPM_QUESTIONNAIRE_DIRS", str(DATA))
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(cli, list(args))
    finally:
        get_settings.cache_clear()


def export_file(
    monkeypatch: pytest.MonkeyPatch, database: str, slug: str, path: Path
) -> dict[str, Any]:
    """`opm export --org SLUG --output PATH`, and the document it wrote."""
    result = opm(monkeypatch, database, "export", "--org", slug, "--output", str(path))
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document
