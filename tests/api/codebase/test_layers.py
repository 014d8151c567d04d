"""The rooms of `api/` import one way (`architecture.md`, Rooms inside `api/`).

Floors, highest first: the edges (`routes`, `pages`, `cli`), then `http`, `render`,
`services`, `storage`, `schemas`, `core`; `scoring` and `questionnaires` below all of them.
A room imports only from its own room and the floors below it; the edges never import each
other; `api.app` wires everything and only the command line (which serves it) imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

API = Path(__file__).resolve().parents[3] / "api"
FLOORS = ("core", "schemas", "storage", "services", "render", "http", "edges")
EDGES = {"routes", "pages", "cli"}


def _room(module: str) -> str:
    """The room of a module of `api` ("app" for the wiring itself)."""
    part = module.split(".")[1]
    return "edges" if part in EDGES else part


def _imports(path: Path) -> list[str]:
    modules: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "api":
            if node.module == "api":
                modules += [f"api.{alias.name}" for alias in node.names]
            else:
                modules.append(node.module)
        elif isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names if alias.name.startswith("api.")]
    return modules


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(API.rglob("*.py")):
        if "versions" in path.parts or path == API / "__init__.py":
            continue
        module = ".".join(path.relative_to(API.parent).with_suffix("").parts)
        found.append((module.removesuffix(".__init__"), path))
    return found


def upward_imports(modules: list[tuple[str, Path]]) -> list[str]:
    """Every import from a module of `api` that points up a floor or across the edges."""
    wrong = []
    for module, path in modules:
        room = _room(module)
        if room == "app":
            continue
        for imported in _imports(path):
            other = _room(imported)
            if other == "app":
                if not module.startswith("api.cli"):
                    wrong.append(f"{module} -> {imported}")
            elif room == "edges" and other == "edges":
                if module.split(".")[1] != imported.split(".")[1]:
                    wrong.append(f"{module} -> {imported}")
            elif FLOORS.index(other) > FLOORS.index(room):
                wrong.append(f"{module} -> {imported}")
    return wrong


def test_every_module_of_api_lives_in_a_room() -> None:
    rooms = {_room(module) for module, _ in _modules()}
    assert rooms <= {*FLOORS, "app"}, rooms - {*FLOORS, "app"}


def test_the_rooms_of_api_import_only_downward() -> None:
    assert upward_imports(_modules()) == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("api.storage.x", "from api.services import reports\n", ["api.storage.x -> api.services"]),
        ("api.routes.x", "from api.pages import console\n", ["api.routes.x -> api.pages"]),
        ("api.http.x", "from api.app import create_app\n", ["api.http.x -> api.app"]),
        ("api.services.x", "from api.storage import repository\n", []),
    ],
)
def test_the_check_sees_an_import_that_points_up(
    tmp_path: Path, module: str, source: str, expected: list[str]
) -> None:
    path = tmp_path / "x.py"
    path.write_text(source, encoding="utf-8")
    assert upward_imports([(module, path)]) == expected
