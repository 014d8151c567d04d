"""Reproducible installs: lock files that match pyproject.toml, and every install uses them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tools.lock import LOCKS, stale_locks, stamp

ROOT = Path(__file__).parents[2]
PIN = re.compile(r"^([a-z0-9][a-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def _project_copy(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name in ("pyproject.toml", *LOCKS):
        shutil.copyfile(ROOT / name, tmp_path / name)
    return tmp_path


def _pins(lock: str) -> dict[str, str]:
    return dict(PIN.findall((ROOT / lock).read_text()))


def test_the_locks_match_pyproject() -> None:
    assert stale_locks(ROOT) == []


def test_a_new_requirement_makes_the_locks_stale(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"rich>=13",', '"rich>=13",\n    "attrs",'))
    assert stale_locks(project) == [
        f"{name} no longer matches the requirements of pyproject.toml: run `make lock`"
        for name in LOCKS
    ]
    stamp(project)
    assert stale_locks(project) == []


def test_a_changed_bound_an_extra_or_a_build_requirement_makes_the_locks_stale(
    tmp_path: Path,
) -> None:
    for old, new in [
        ('"fastapi>=0.115"', '"fastapi>=0.200"'),
        ('"pytest>=8",', '"pytest>=8",\n    "coverage",'),
        ('requires = ["setuptools>=69"]', 'requires = ["setuptools>=70"]'),
        ('requires-python = ">=3.11"', 'requires-python = ">=3.12"'),
    ]:
        project = _project_copy(tmp_path / old.split('"')[1].split(">")[0])
        pyproject = project / "pyproject.toml"
        assert old in pyproject.read_text()
        pyproject.write_text(pyproject.read_text().replace(old, new))
        assert len(stale_locks(project)) == 2, old


def test_order_and_formatting_do_not_count(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    text = text.replace('    "fastapi>=0.115",\n', "").replace(
        '"jinja2>=3.1",', '"jinja2>=3.1",\n    "FastAPI >= 0.115",'
    )
    pyproject.write_text(text)
    assert stale_locks(project) == []


def test_a_missing_lock_is_named(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    (project / "requirements.lock").unlink()
    assert stale_locks(project) == ["requirements.lock is missing: run `make lock`"]


def test_the_check_exits_non_zero_with_one_line_per_stale_lock(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    shutil.copytree(ROOT / "tools", project / "tools")
    (project / "pyproject.toml").write_text(
        (project / "pyproject.toml").read_text().replace('"rich>=13"', '"rich>=14"')
    )
    done = subprocess.run(
        [sys.executable, str(project / "tools" / "lock.py"), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 2


def test_every_locked_file_is_pinned_with_its_hashes() -> None:
    for lock in LOCKS:
        entries = re.split(r"\n(?=[a-z])", (ROOT / lock).read_text().split("\n", 3)[3])
        for entry in entries:
            if entry.strip() and not entry.startswith("#"):
                assert PIN.match(entry), entry[:80]
                assert "--hash=sha256:" in entry, entry[:80]


def test_the_image_runs_the_versions_the_suite_runs() -> None:
    runtime, development = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert {"fastapi", "starlette", "sqlalchemy", "uvicorn", "pydantic"} <= set(runtime)
    assert {name: development.get(name) for name in runtime} == runtime


def test_make_install_ci_and_the_image_install_from_the_locks() -> None:
    planned = subprocess.run(
        ["make", "--no-print-directory", "--dry-run", "--always-make", "test"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("MAKE")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "tools/lock.py check" in planned.split("pytest")[0]
    assert "pip install --quiet --require-hashes --no-deps --requirement requirements-dev.lock" in (
        planned
    )
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --require-hashes --no-deps --requirement requirements.lock" in dockerfile
    pip_lines = [line for line in dockerfile.splitlines() if "pip install" in line]
    assert all(
        "--requirement requirements.lock" in line or "--no-deps" in line for line in pip_lines
    )
