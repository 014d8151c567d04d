"""Can this process write its SQLite database? Asked before migrating or serving.

A folder mounted into the container on `/data` that the image's user (uid 10001) cannot write
would otherwise end in a long traceback from deep inside SQLite ("unable to open database
file"). This says in one line what to do instead. Standard library only, so that it can be
tried as another user without the project's dependencies.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["sqlite_file", "unwritable_database"]


def sqlite_file(database_url: str) -> Path | None:
    """The file of a SQLite URL (`sqlite:///relative`, `sqlite:////absolute`); None otherwise."""
    scheme, separator, rest = database_url.partition(":///")
    if not separator or not scheme.startswith("sqlite"):
        return None
    path = rest.split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def unwritable_database(database_url: str) -> str | None:
    """Why this process cannot write the SQLite database of `database_url`, or None if it can.

    Writing is tried, not inferred from mode bits: a read-only mount, or rules other than
    ownership, refuse as surely as the mode does.
    """
    database = sqlite_file(database_url)
    if database is None:
        return None
    folder = database.parent.resolve()
    uid, gid = os.getuid(), os.getgid()
    fix = (
        f"give uid {uid} that folder (for a folder mounted into a container, on the host: "
        f"sudo chown -R {uid}:{gid} FOLDER), or use a named volume"
    )
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".opm-write-check-"):
            pass
    except OSError:
        if not os.path.lexists(folder):
            return f"error: the database folder {folder} does not exist: create it, then {fix}"
        return f"error: uid {uid} cannot write the database folder {folder}: {fix}"
    if database.exists() and not os.access(database, os.W_OK):
        return f"error: uid {uid} cannot write the database {database.resolve()}: {fix}"
    return None
