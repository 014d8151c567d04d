"""The command line's layout (issue 20, finding 9): one module per command group, each naming
its dependencies at its top, and a health check that stays light."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from api.cli.main import app

PROJECT = Path(__file__).resolve().parents[3]
MODULES = sorted((PROJECT / "api" / "cli").glob("*.py"))


def test_opm_lists_its_commands_then_its_groups() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    names = group.list_commands(typer.Context(group))
    assert names == ["serve", "export", "import", "db", "questionnaire", "org", "key"]
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_no_module_imports_inside_a_function(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    hidden = [
        f"{path.name}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in top
    ]
    assert not hidden


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_each_module_has_a_docstring_and_names_its_public_names(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree)
    defined: set[str] = set()
    exported: list[str] | None = None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            defined.add(node.name)
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        for target in targets:
            if isinstance(target, ast.Name) and target.id == "__all__":
                assert node.value is not None
                exported = ast.literal_eval(node.value)
            elif isinstance(target, ast.Name):
                defined.add(target.id)
    assert exported is not None, f"{path.name} has no __all__"
    assert sorted(exported) == sorted(name for name in defined if not name.startswith("_"))


def test_the_health_check_loads_neither_the_app_nor_the_command_line() -> None:
    probe = (
        "import json, sys; import api.cli.healthcheck; "
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules} "
        "| {name for name in sys.modules if name.startswith('api.')})))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=PROJECT
    )
    loaded = set(json.loads(run.stdout))
    heavy = {"fastapi", "pydantic", "rich", "sqlalchemy", "sqlmodel", "starlette", "typer"}
    assert heavy.isdisjoint(loaded)
    assert {name for name in loaded if name.startswith("api.")} == {
        "api.cli",
        "api.cli.healthcheck",
    }
