"""Two app processes on PostgreSQL, one outbox, one SMTP server: each mail is delivered once.

Real `opm serve` processes, each with its sender in its lifespan, configured by their
environment as in production; the SMTP server counts what it received. Runs when
OPM_TEST_POSTGRES_URL names a server (CI sets it).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from api.storage.db import make_engine
from api.storage.migrate import upgrade

from ...samples import DATA
from ..databases import ADMIN_KEY, POSTGRES_URL, scratch_postgres
from ..factories import bearer, created
from ..live_server import OPM, environment, serve_process
from .conftest import Inbox

pytestmark = pytest.mark.skipif(POSTGRES_URL is None, reason="OPM_TEST_POSTGRES_URL is not set")

MAILS = 60
SENT_LINE = re.compile(r"mail mal_[0-9a-f]+ sent")


@pytest.fixture
def postgres() -> Iterator[str]:
    with scratch_postgres("mail") as url:
        upgrade(url)
        yield url


def _queue_invitations(base: str, people: int) -> tuple[str, str]:
    """An organization with an assessment of `people` respondents, all invited through `base`."""
    with httpx.Client(base_url=base, timeout=30) as client:
        organization = created(
            client.post("/v1/organizations", json={"name": "Acme"}, headers=bearer(ADMIN_KEY))
        )
        owner = bearer(organization["api_key"])
        slug = organization["slug"]
        assessment = created(
            client.post(
                f"/v1/organizations/{slug}/assessments",
                json={"questionnaire_key": "test-q", "title": "2026"},
                headers=owner,
            )
        )["id"]
        path = f"/v1/organizations/{slug}/assessments/{assessment}"
        for n in range(people):
            created(
                client.post(
                    f"{path}/respondents",
                    json={"name": f"P{n:02d}", "email": f"p{n:02d}@example.org"},
                    headers=owner,
                )
            )
        queued = created(client.post(f"{path}/invitations", json={}, headers=owner), 202)
        assert queued == {"queued": people}
        return path, organization["api_key"]


def test_two_processes_and_one_outbox_deliver_each_mail_exactly_once(
    postgres: str, inbox: Inbox, tmp_path: Path
) -> None:
    env = environment(
        postgres,
        [DATA],
        OPM_SMTP_URL=f"smtp://127.0.0.1:{inbox.port}",
        OPM_MAIL_FROM="pmo@example.org",
        OPM_PUBLIC_URL="http://127.0.0.1",
        OPM_MAIL_POLL_SECONDS="0.2",
        OPM_ALLOWED_HOSTS="127.0.0.1",
    )
    command = [OPM, "serve"]
    with (
        serve_process(command, env, capture=True) as first,
        serve_process(command, env, capture=True) as second,
    ):
        _queue_invitations(first.url, MAILS)
        engine = make_engine(postgres)
        deadline = time.monotonic() + 60
        try:
            while True:
                with engine.connect() as connection:
                    left = connection.execute(
                        text("SELECT count(*) FROM mail_outbox WHERE status <> 'sent'")
                    ).scalar_one()
                if left == 0 and len(inbox.messages) >= MAILS:
                    break
                assert time.monotonic() < deadline, f"{left} mails not sent in 60 s"
                inbox.arrived.clear()
                inbox.arrived.wait(0.2)
        finally:
            engine.dispose()
        outputs = [first.stop(), second.stop()]
    recipients = inbox.recipients()
    assert len(recipients) == MAILS, f"{len(recipients)} mails received for {MAILS} queued"
    assert len(set(recipients)) == MAILS
    per_process = [len(SENT_LINE.findall(output)) for output in outputs]
    assert sum(per_process) == MAILS
    print(f"mails sent by each process: {per_process}")
