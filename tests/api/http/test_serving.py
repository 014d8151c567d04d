"""Production serving: `opm serve --workers N`, and the PostgreSQL pool sized per worker."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from api.core.config import Settings
from api.storage.db import make_engine

from ..databases import ADMIN_KEY
from ..factories import bearer


def workers(pid: int) -> list[int]:
    """The worker processes `pid` started (Linux; not multiprocessing's resource tracker)."""
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [
        int(child)
        for child in found
        if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


def test_serve_with_two_workers_answers_from_two_processes_on_one_port(
    settings: Settings,
) -> None:
    opm = shutil.which("opm", path=os.path.dirname(sys.executable))
    assert opm is not None
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "OPM_DATABASE_URL": settings.database_url,
        "OPM_ADMIN_KEY": ADMIN_KEY,
        "OPM_DATABASE_POOL_SIZE": "3",
        "OPM_QUESTIONNAIRE_DIRS": os.pathsep.join(map(str, settings.questionnaire_dirs)),
    }
    command = [opm, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 60
        while True:  # polling the health endpoint until it answers: the processes start alone
            assert process.poll() is None, "the server stopped while starting"
            assert time.monotonic() < deadline, "the server did not start in 60 s"
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        assert len(workers(process.pid)) == 2
        admin = bearer(ADMIN_KEY)
        with httpx.Client(base_url=base, timeout=20) as client:
            made = [
                client.post("/organizations", json={"name": f"Org {n}"}, headers=admin)
                for n in range(6)
            ]
            assert [response.status_code for response in made] == [201] * 6
            listed = client.get("/organizations", headers=admin).json()["items"]
            assert {"Org 0", "Org 5"} <= {organization["name"] for organization in listed}
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    if not settings.database_url.startswith("sqlite"):
        assert b"2 workers, each with up to 3 PostgreSQL connections: 6 at most" in output


def test_a_postgresql_engine_opens_at_most_its_pool_size() -> None:
    engine = make_engine("postgresql+psycopg://opm@127.0.0.1:1/none", pool_size=3)
    assert engine.pool.size() == 3  # type: ignore[attr-defined]
    assert engine.pool._max_overflow == 0  # type: ignore[attr-defined]


def test_the_pool_size_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPM_DATABASE_POOL_SIZE", "4")
    assert Settings().database_pool_size == 4
