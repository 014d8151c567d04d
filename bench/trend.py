"""Benchmark: the trend of an organization with 2 and with 100 closed assessments.

Builds the assessments through the service functions on a migrated SQLite file (or
OPM_DATABASE_URL), then times `GET /v1/organizations/{org}/trend` and counts its SQL
statements (and checks that none reads the answer table). Prints the figures; asserts nothing
about time.

    .venv/bin/python bench/trend.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

if not __package__:
    # As a script, this folder comes first on sys.path, and bench/scoring.py would shadow the
    # `scoring` package: import from the project root instead.
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from api.app import create_app
from api.core.config import Settings
from api.schemas import AnswerItem
from api.services import answers, assessments, organizations, questionnaires, respondents
from api.storage import repository
from api.storage.db import writer
from api.storage.migrate import upgrade

ADMIN = "bench-admin-secret-0123456789abcdef0123456789"
RUNS = 30


def build(client: TestClient, count: int) -> tuple[str, str]:
    """An organization with `count` closed opm3-style assessments; its slug and owner key."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with Session(writer(engine)) as session:
        created = organizations.create_organization(
            session=session, name=f"Bench {count}", slug=None, profile=None
        )
        organization = repository.get_organization(session=session, id_or_slug=created.id)
        assert organization is not None
        for n in range(count):
            assessment = assessments.create_assessment(
                session=session,
                organization=organization,
                questionnaire_key="opm3-style",
                questionnaire_version=None,
                title=f"Assessment {n}",
                period=None,
                period_end=None,
                rigor=None,
            )
            stored = questionnaires.questionnaire_of(session=session, assessment=assessment)
            respondent = respondents.create_respondent(
                session=session, assessment=assessment, name="R", role=None, email=None
            ).respondent
            items = [
                AnswerItem(question_id=question_id, value=(n + i) % 5)
                for i, question_id in enumerate(stored.questionnaire.questions)
            ]
            answers.save_answers(
                session=session,
                assessment=assessment,
                respondent=respondent,
                items=items,
                written_by="bench",
            )
            assessments.close_assessment(
                session=session, organization=organization, assessment=assessment
            )
        session.commit()
        assert created.api_key is not None
        return organization.slug, created.api_key


def measure(client: TestClient, slug: str, secret: str) -> tuple[float, int, int]:
    """Median seconds of the trend request, its statement count, statements on `answer`."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    headers = {"Authorization": f"Bearer {secret}"}
    path = f"/v1/organizations/{slug}/trend?questionnaire=opm3-style"
    client.get(path, headers=headers)  # warm up (and record the key's use)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    response = client.get(path, headers=headers)
    event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, response.text
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(path, headers=headers)
        timings.append(time.perf_counter() - start)
    reading_answers = sum(" answer" in s.lower().replace("answer_", "x") for s in statements)
    return statistics.median(timings), len(statements), reading_answers


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    url = os.environ.get("OPM_DATABASE_URL", f"sqlite:///{folder / 'bench.db'}")
    upgrade(url)
    settings = Settings(database_url=url, admin_key=ADMIN)
    with TestClient(create_app(settings)) as client:
        print(f"database: {url.split('://')[0]}; median of {RUNS} requests each")
        for count in (2, 100):
            slug, secret = build(client, count)
            seconds, statements, on_answers = measure(client, slug, secret)
            print(
                f"trend of {count:3d} closed assessments: {seconds * 1000:7.1f} ms, "
                f"{statements} SQL statements, {on_answers} reading answers"
            )


if __name__ == "__main__":
    main()
