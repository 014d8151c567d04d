"""Every `__all__` says what its module offers: each public name the module defines is listed,
each listed name exists, and a package that re-exports its submodules lists all it imports.

Read from the source (`ast`), not by importing: a name imported from elsewhere is not the
module's own, and nothing (migrations, the CLI) has to be importable for the check.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.storage import repository

PROJECT = Path(__file__).resolve().parents[3]
PACKAGES = ("api", "scoring", "questionnaires")
REPOSITORY = PROJECT / "api" / "storage" / "repository"


def _modules() -> dict[str, Path]:
    """Every module of the packages, by dotted name."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((PROJECT / package).rglob("*.py")):
            parts = path.relative_to(PROJECT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The module's top-level statements, with those inside a top-level `if` or `try`."""
    for node in body:
        yield node
        if isinstance(node, ast.If | ast.Try):
            blocks = [node.body, node.orelse]
            if isinstance(node, ast.Try):
                blocks += [node.finalbody, *(handler.body for handler in node.handlers)]
            for block in blocks:
                yield from _statements(block)


def _targets(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            yield from _targets(element)


def _defined(tree: ast.Module) -> list[str]:
    """The names the module binds itself: functions, classes and assigned names (no imports)."""
    names: list[str] = []
    for node in _statements(tree.body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                names.extend(_targets(target))
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            names.extend(_targets(node.target))
    return [name for name in names if name != "__all__"]


def _imported(tree: ast.Module) -> dict[str, str]:
    """Each name the module binds by an import, with the module it comes from."""
    names: dict[str, str] = {}
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _listed(tree: ast.Module) -> list[str] | None:
    """The module's `__all__`, or None when it has none."""
    for node in _statements(tree.body):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, list | tuple), "__all__ is a literal list of names"
            return list(value)
    return None


def _tree(module: str) -> ast.Module:
    return ast.parse(MODULES[module].read_text(encoding="utf-8"))


WITH_ALL = sorted(module for module in MODULES if _listed(_tree(module)) is not None)


def test_the_packages_modules_are_found() -> None:
    assert {"api.storage.repository", "api.services", "scoring", "questionnaires"} <= set(WITH_ALL)


@pytest.mark.parametrize("module", WITH_ALL)
def test_all_lists_every_public_name_the_module_defines(module: str) -> None:
    tree = _tree(module)
    listed = _listed(tree) or []
    public = [name for name in _defined(tree) if not name.startswith("_")]
    assert [name for name in public if name not in listed] == [], (
        f"{module}: public but not in __all__ (list it, or name it with a leading _)"
    )


@pytest.mark.parametrize("module", WITH_ALL)
def test_all_lists_only_names_the_module_has(module: str) -> None:
    tree = _tree(module)
    listed = _listed(tree) or []
    bound = set(_defined(tree)) | set(_imported(tree))
    assert [name for name in listed if name not in bound] == [], f"{module}: stale names"
    assert len(listed) == len(set(listed)), f"{module}: a name listed twice"


def _submodules(package: str) -> set[str]:
    folder = MODULES[package].parent
    return {path.stem for path in folder.glob("*.py") if path.stem != "__init__"} | {
        path.parent.name for path in folder.glob("*/__init__.py")
    }


def _submodules_imported(package: str) -> set[str]:
    """The package's own submodules its `__init__` imports by name (`from pkg import sub`)."""
    submodules = _submodules(package)
    return {
        name
        for name, origin in _imported(_tree(package)).items()
        if name in submodules and origin == f"{package}.{name}"
    }


# The packages whose `__init__` re-exports submodules (lists at least one it imports).
RE_EXPORTING = [
    module
    for module in WITH_ALL
    if MODULES[module].name == "__init__.py"
    and _submodules_imported(module) & set(_listed(_tree(module)) or [])
]


def test_the_re_exporting_packages_are_found() -> None:
    assert {"api.services", "api.render"} <= set(RE_EXPORTING)


@pytest.mark.parametrize("package", RE_EXPORTING)
def test_a_package_that_re_exports_submodules_lists_every_one_it_imports(package: str) -> None:
    listed = set(_listed(_tree(package)) or [])
    assert sorted(_submodules_imported(package) - listed) == [], f"{package}: not in __all__"


def test_the_repository_re_exports_every_public_name_of_its_modules() -> None:
    """`repository.get_x(...)` works for every function of every area module."""
    offered: list[str] = []
    for path in sorted(REPOSITORY.glob("*.py")):
        if path.name.startswith("_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstring = ast.get_docstring(tree) or ""
        assert docstring and "\n" not in docstring, f"{path.name}: a one-line docstring"
        listed = _listed(tree)
        assert listed is not None, f"{path.name} has its own __all__"
        offered += listed
    assert len(offered) == len(set(offered)), "one name in two modules"
    assert sorted(set(offered) - set(repository.__all__)) == [], "not in the package's __all__"
    assert sorted(set(repository.__all__) - set(offered)) == [], "in no module's __all__"
    assert [name for name in offered if not hasattr(repository, name)] == []
