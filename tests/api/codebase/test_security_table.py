"""SECURITY.md's ASVS table (issue 27): every "met" line names tests, and each of them exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[3]
TEST_ID = re.compile(r"(tests/[\w/]+\.py)::(test_\w+)")
CHAPTERS = ("V2", "V3", "V4", "V5", "V7", "V8", "V13")


def _rows() -> list[list[str]]:
    lines = (ROOT / "SECURITY.md").read_text(encoding="utf-8").splitlines()
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in lines
        if line.startswith("| V")
    ]


def _defined(path: str, name: str) -> bool:
    source = ROOT / path
    return source.is_file() and re.search(rf"^def {name}\(", source.read_text(), re.M) is not None


def test_every_met_requirement_names_tests_that_exist() -> None:
    met = [row for row in _rows() if row[1] == "met"]
    assert len(met) >= 40
    missing = [
        f"{row[0]}: {path}::{name}"
        for row in met
        for path, name in TEST_ID.findall(row[2])
        if not _defined(path, name)
    ]
    assert missing == []
    without = [row[0] for row in met if not TEST_ID.search(row[2])]
    assert without == [], "a met requirement names no test"


def test_every_other_line_says_why() -> None:
    for requirement, status, reason in _rows():
        assert status in ("met", "n/a") or status.startswith("not met"), requirement
        assert len(reason) > 10, requirement


def test_the_table_covers_the_chapters_of_the_issue() -> None:
    chapters = {row[0].split(".")[0] for row in _rows()}
    assert set(CHAPTERS) <= chapters


def test_the_check_sees_a_test_that_does_not_exist() -> None:
    assert _defined(
        "tests/api/codebase/test_security_table.py",
        "test_the_check_sees_a_test_that_does_not_exist",
    )
    assert not _defined("tests/api/codebase/test_security_table.py", "test_no_such_test")
