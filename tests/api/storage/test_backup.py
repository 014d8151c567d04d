"""`opm db backup` and `opm db restore` on SQLite (issue 15, item 10)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from api.storage.migrate import upgrade

from ..command_line import opm

COMMITTED = 500


@pytest.fixture
def migrated(sqlite_template: Path, tmp_path: Path) -> Iterator[Path]:
    """A migrated, empty SQLite database of its own."""
    path = tmp_path / "live.db"
    shutil.copyfile(sqlite_template, path)
    yield path


def _count(path: Path, table: str) -> int:
    with closing(sqlite3.connect(path)) as connection:
        count: int = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        return count


def test_a_backup_of_a_live_database_holds_every_committed_row_and_no_other(
    monkeypatch: pytest.MonkeyPatch, migrated: Path, tmp_path: Path
) -> None:
    writer = sqlite3.connect(migrated, isolation_level=None)
    try:
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("PRAGMA wal_autocheckpoint=0")  # committed rows stay in the -wal file
        writer.execute("CREATE TABLE probe (n INTEGER)")
        writer.executemany("INSERT INTO probe VALUES (?)", [(n,) for n in range(COMMITTED)])
        # A plain copy of the database file would miss them all: they are in the log.
        naive = tmp_path / "naive.db"
        shutil.copyfile(migrated, naive)
        with closing(sqlite3.connect(naive)) as copy:
            assert copy.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'probe'"
            ).fetchone() == (0,)
        writer.execute("BEGIN IMMEDIATE")  # a writer in the middle of its transaction
        writer.executemany("INSERT INTO probe VALUES (?)", [(n,) for n in range(100)])
        result = opm(monkeypatch, migrated, "db", "backup", str(tmp_path / "copy.db"))
        writer.execute("ROLLBACK")
    finally:
        writer.close()
    assert result.exit_code == 0, result.output
    assert f"backed up {migrated} to {tmp_path / 'copy.db'}" in result.output
    copy = tmp_path / "copy.db"
    assert _count(copy, "probe") == COMMITTED
    assert _count(copy, "alembic_version") == 1
    with closing(sqlite3.connect(copy)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == ["copy.db"]


def test_a_backup_never_replaces_a_file_unless_forced(
    monkeypatch: pytest.MonkeyPatch, migrated: Path, tmp_path: Path
) -> None:
    existing = tmp_path / "keep.db"
    existing.write_text("precious")
    refused = opm(monkeypatch, migrated, "db", "backup", str(existing))
    assert refused.exit_code == 1
    assert "exists: choose another name, or give --force" in refused.output
    assert existing.read_text() == "precious"
    forced = opm(monkeypatch, migrated, "db", "backup", "--force", str(existing))
    assert forced.exit_code == 0, forced.output
    assert _count(existing, "alembic_version") == 1


def test_a_restore_refuses_to_overwrite_a_database_that_holds_data_unless_forced(
    monkeypatch: pytest.MonkeyPatch, migrated: Path, tmp_path: Path
) -> None:
    assert opm(monkeypatch, migrated, "org", "create", "Acme").exit_code == 0
    assert opm(monkeypatch, migrated, "db", "backup", str(tmp_path / "acme.db")).exit_code == 0
    other = tmp_path / "other.db"
    shutil.copyfile(migrated, other)
    assert opm(monkeypatch, other, "org", "create", "Beta").exit_code == 0

    refused = opm(monkeypatch, other, "db", "restore", str(tmp_path / "acme.db"))
    assert refused.exit_code == 1
    assert f"the database at {other} holds data: give --force" in refused.output
    assert _count(other, "organization") == 2

    forced = opm(monkeypatch, other, "db", "restore", "--force", str(tmp_path / "acme.db"))
    assert forced.exit_code == 0, forced.output
    with closing(sqlite3.connect(other)) as connection:
        names = [name for (name,) in connection.execute("SELECT name FROM organization")]
    assert names == ["Acme"]


def test_a_restore_into_an_empty_database_needs_no_force(
    monkeypatch: pytest.MonkeyPatch, migrated: Path, tmp_path: Path
) -> None:
    assert opm(monkeypatch, migrated, "org", "create", "Acme").exit_code == 0
    assert opm(monkeypatch, migrated, "db", "backup", str(tmp_path / "acme.db")).exit_code == 0
    fresh = tmp_path / "fresh.db"
    upgrade(f"sqlite:///{fresh}")
    restored = opm(monkeypatch, fresh, "db", "restore", str(tmp_path / "acme.db"))
    assert restored.exit_code == 0, restored.output
    assert "now run `opm db upgrade`" in restored.output
    assert _count(fresh, "organization") == 1
    nowhere = tmp_path / "new-machine.db"
    assert opm(monkeypatch, nowhere, "db", "restore", str(tmp_path / "acme.db")).exit_code == 0
    assert _count(nowhere, "organization") == 1


def test_a_restore_refuses_a_file_that_is_not_an_opm_database(
    monkeypatch: pytest.MonkeyPatch, migrated: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database at all" * 100)
    refused = opm(monkeypatch, migrated, "db", "restore", str(junk))
    assert refused.exit_code == 1
    assert "is not an opm database" in refused.output


def test_postgresql_is_backed_up_with_pg_dump(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    result = opm(monkeypatch, url, "db", "backup", str(tmp_path / "copy.db"))
    assert result.exit_code == 1
    assert "pg_dump" in result.output
    assert not (tmp_path / "copy.db").exists()
