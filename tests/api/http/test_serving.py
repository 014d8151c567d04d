"""Production serving: `opm serve --workers N`, and the PostgreSQL pool sized per worker."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest

from api.core.config import Settings
from api.storage.db import make_engine

from ..databases import ADMIN_KEY
from ..factories import bearer
from ..live_server import OPM, environment, serve_process


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
    env = environment(
        settings.database_url, settings.questionnaire_dirs, OPM_DATABASE_POOL_SIZE="3"
    )
    command = [OPM, "serve", "--workers", "2"]
    with serve_process(command, env, stop=signal.SIGTERM, capture=True, start_within=60) as served:
        assert len(workers(served.process.pid)) == 2
        admin = bearer(ADMIN_KEY)
        with httpx.Client(base_url=f"{served.url}/v1", timeout=20) as client:
            made = [
                client.post("/organizations", json={"name": f"Org {n}"}, headers=admin)
                for n in range(6)
            ]
            assert [response.status_code for response in made] == [201] * 6
            listed = client.get("/organizations", headers=admin).json()["items"]
            assert {"Org 0", "Org 5"} <= {organization["name"] for organization in listed}
    if not settings.database_url.startswith("sqlite"):
        assert "2 workers, each with up to 3 PostgreSQL connections: 6 at most" in served.output


def test_a_postgresql_engine_opens_at_most_its_pool_size() -> None:
    engine = make_engine("postgresql+psycopg://opm@127.0.0.1:1/none", pool_size=3)
    assert engine.pool.size() == 3  # type: ignore[attr-defined]
    assert engine.pool._max_overflow == 0  # type: ignore[attr-defined]


def test_the_pool_size_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPM_DATABASE_POOL_SIZE", "4")
    assert Settings().database_pool_size == 4
