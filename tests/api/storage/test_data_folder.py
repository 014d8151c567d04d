"""A database folder this process cannot write stops `opm` with one line (issue 14, item 10).

In the container, a host folder mounted on `/data` that uid 10001 cannot write. The check is
tried for real as uid 10001 (with the system's Python: it needs the standard library only),
and `opm db upgrade` on a folder that not even root can write.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.cli.data_folder import sqlite_file, unwritable_database

ROOT = Path(__file__).parents[3]
BIN = Path(sys.executable).parent
CONTAINER_USER = 10001
SYSTEM_PYTHON = "/usr/bin/python3"


@pytest.fixture
def host_folder() -> Iterator[Path]:
    """A folder others may enter but only its owner (this user) may write, like a bind mount."""
    folder = Path(tempfile.mkdtemp(prefix="opm-data-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def _check_as(uid: int, database_url: str) -> str:
    """What `unwritable_database` says when run by `uid` (root may become anyone)."""
    code = (
        "import sys; from api.cli.data_folder import unwritable_database as u; "
        "print(u(sys.argv[1]))"
    )
    done = subprocess.run(
        [SYSTEM_PYTHON, "-c", code, database_url],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        user=uid,
        group=uid,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


needs_root = pytest.mark.skipif(
    os.geteuid() != 0 or not Path(SYSTEM_PYTHON).exists(),
    reason="trying another uid needs root and the system's Python",
)


@needs_root
def test_a_folder_the_container_user_cannot_write_is_named_with_the_fix(
    host_folder: Path,
) -> None:
    said = _check_as(CONTAINER_USER, f"sqlite:///{host_folder}/opm.db")
    assert said == (
        f"error: uid 10001 cannot write the database folder {host_folder}: give uid 10001 that "
        "folder (for a folder mounted into a container, on the host: sudo chown -R 10001:10001 "
        "FOLDER), or use a named volume"
    )


@needs_root
def test_the_same_folder_given_to_the_container_user_is_fine(host_folder: Path) -> None:
    os.chown(host_folder, CONTAINER_USER, CONTAINER_USER)
    assert _check_as(CONTAINER_USER, f"sqlite:///{host_folder}/opm.db") == "None"


@needs_root
def test_a_database_file_the_container_user_cannot_write_is_named(host_folder: Path) -> None:
    os.chown(host_folder, CONTAINER_USER, CONTAINER_USER)
    (host_folder / "opm.db").write_bytes(b"")  # root's, mode 644
    said = _check_as(CONTAINER_USER, f"sqlite:///{host_folder}/opm.db")
    assert said.startswith(f"error: uid 10001 cannot write the database {host_folder}/opm.db: ")


def test_opm_db_upgrade_on_an_unwritable_folder_says_what_to_do_in_one_line() -> None:
    environment = {**os.environ, "OPM_DATABASE_URL": "sqlite:////proc/opm.db"}
    environment.pop("OPM_ADMIN_KEY", None)
    for command in (["db", "upgrade"], ["serve", "--port", "1"]):
        done = subprocess.run(
            [str(BIN / "opm"), *command],
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 1
        assert done.stderr.splitlines() == [
            f"error: uid {os.getuid()} cannot write the database folder /proc: give uid "
            f"{os.getuid()} that folder (for a folder mounted into a container, on the host: "
            f"sudo chown -R {os.getuid()}:{os.getgid()} FOLDER), or use a named volume"
        ]


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    said = unwritable_database(f"sqlite:///{tmp_path}/none/opm.db")
    assert said is not None
    assert said.startswith(f"error: the database folder {tmp_path}/none does not exist: ")


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("sqlite:////data/opm.db", Path("/data/opm.db")),
        ("sqlite:///./opm.db", Path("./opm.db")),
        ("sqlite+pysqlite:///opm.db?mode=rwc", Path("opm.db")),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("postgresql+psycopg://postgres@127.0.0.1:5432/test", None),
    ],
)
def test_the_sqlite_file_of_a_url(url: str, file: Path | None) -> None:
    assert sqlite_file(url) == file
