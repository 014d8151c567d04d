"""Imports point one way (style.md): `scoring` and `questionnaires` load no web or database code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"fastapi", "sqlalchemy", "sqlmodel", "starlette"}


@pytest.mark.parametrize("package", ["scoring", "questionnaires"])
def test_importing_the_package_loads_no_web_or_database_library(package: str) -> None:
    probe = (
        f"import json, sys; import {package}; "
        f"print(json.dumps({{'all': {package}.__all__, "
        f"'loaded': sorted({{name.split('.')[0] for name in sys.modules}})}}))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=PROJECT
    )
    imported = json.loads(run.stdout)
    assert imported["all"], "the package itself was imported"
    assert FORBIDDEN.isdisjoint(imported["loaded"])
