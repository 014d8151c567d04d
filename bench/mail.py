"""Measure the outbox: queue invitations to 300 people, then send them through a local SMTP
server (aiosmtpd) with one sender, then with two senders on separate engines at once.

Run from the project root: `.venv/bin/python bench/mail.py [--database postgresql]
[--people 300]`. SQLite file by default; with `--database postgresql`, a new database on the
local PostgreSQL (OPM_TEST_POSTGRES_URL or postgresql+psycopg://postgres@127.0.0.1:5432/test).
It prints how long the queueing request took and mails a second for each sender set-up; it
asserts only that every mail arrived once.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from api.core.config import Settings  # noqa: E402
from api.services.mail import MailSender  # noqa: E402
from api.storage.db import make_engine  # noqa: E402
from api.storage.migrate import upgrade  # noqa: E402

ADMIN_KEY = "bench-admin-secret-0123456789abcdef0123456789"
POSTGRES = os.environ.get(
    "OPM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


class Counter:
    def __init__(self) -> None:
        self.recipients: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/opm.db"
            upgrade(url)
            yield url
        return
    name = f"opm_bench_mail_{os.getpid()}"
    server = make_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    url = make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        server.dispose()


def queue(client: TestClient, people: int) -> tuple[str, dict[str, str], float]:
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    organization = client.post("/v1/organizations", json={"name": "Bench"}, headers=admin).json()
    owner = {"Authorization": f"Bearer {organization['api_key']}"}
    slug = organization["slug"]
    assessment = client.post(
        f"/v1/organizations/{slug}/assessments",
        json={"questionnaire_key": "opm3-style", "title": "Bench"},
        headers=owner,
    ).json()["id"]
    path = f"/v1/organizations/{slug}/assessments/{assessment}"
    for n in range(people):
        client.post(
            f"{path}/respondents",
            json={"name": f"Person {n}", "email": f"p{n}@example.org"},
            headers=owner,
        )
    started = time.perf_counter()
    response = client.post(f"{path}/invitations", json={}, headers=owner)
    elapsed = time.perf_counter() - started
    assert response.json() == {"queued": people}, response.text
    return path, owner, elapsed


def send(settings: Settings, senders: int, counter: Counter, people: int) -> float:
    engines = [make_engine(settings.database_url) for _ in range(senders)]
    workers = [MailSender(engine=e, settings=settings, clock=_now) for e in engines]
    start = threading.Barrier(senders)

    def run(sender: MailSender) -> None:
        start.wait()
        sender.run_once()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for engine in engines:
        engine.dispose()
    assert sorted(counter.recipients) == sorted(f"p{n}@example.org" for n in range(people))
    return elapsed


def _now() -> Any:
    from api.storage.tables import utcnow

    return utcnow()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--people", type=int, default=300)
    arguments = parser.parse_args()
    for senders in (1, 2):
        counter = Counter()
        port = free_port()
        controller = Controller(counter, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            with database(arguments.database) as url:
                settings = Settings(
                    database_url=url,
                    admin_key=ADMIN_KEY,
                    allowed_hosts=["testserver"],
                    smtp_url=f"smtp://127.0.0.1:{port}",  # type: ignore[arg-type]
                    mail_from="bench@example.org",
                    public_url="https://opm.example.org",
                )
                app = create_app(settings, send_mail=False)
                with TestClient(app) as client:
                    _, _, queued = queue(client, arguments.people)
                elapsed = send(settings, senders, counter, arguments.people)
        finally:
            controller.stop()
        print(
            f"{arguments.database}, {senders} sender(s): queued {arguments.people} invitations "
            f"in {queued * 1000:.0f} ms; sent them in {elapsed:.2f} s "
            f"({arguments.people / elapsed:.0f} mails/s)"
        )


if __name__ == "__main__":
    main()
