"""Benchmark: the closed report of 300 respondents on opm3-style stays small (issue 25, point 5).

Builds, on a migrated SQLite file (or OPM_DATABASE_URL), an assessment of opm3-style 2.0.0
with 300 respondents answering every in-scope question (234), each answer with a 100-character
comment; respondents and answers are inserted in bulk through the repository.
It closes the assessment through the service, then asks for its report page
(`GET .../report?format=html`) twice and prints the page's size (target at most 1.5 MB), the
first render's time (target at most 3 s on this machine), the second's, and whether the second
came from the closed-report cache; then the other formats' sizes, plain and gzipped, and the
export's. It prints figures; it asserts nothing about time.

    .venv/bin/python bench/report_size.py [--respondents 300]
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import sys
import tempfile
import time
from pathlib import Path

if not __package__:
    # As a script, this folder comes first on sys.path, and bench/scoring.py would shadow the
    # `scoring` package: import from the project root instead.
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.app import create_app
from api.core.config import Settings
from api.core.enums import ActorKind, ReportFormat
from api.core.ids import new_id
from api.core.principals import Actor
from api.http.report_responses import ClosedReports, ReportVariant
from api.services import assessments, organizations, questionnaires
from api.services.progress import questions_in_scope
from api.storage import repository
from api.storage.db import writer
from api.storage.migrate import upgrade
from api.storage.tables import AnswerRow, RespondentRow, utcnow
from scoring import in_scope

ADMIN = "bench-admin-secret-0123456789abcdef0123456789"
QUESTIONNAIRE = "opm3-style"
VERSION = "2.0.0"  # the 234 questions (2.1.0 has 238)
COMMENT_LENGTH = 100
TARGET_BYTES = 1.5 * 1024 * 1024
TARGET_SECONDS = 3.0
ACTOR = Actor(kind=ActorKind.CLI)
ROLES = ("Project manager", "Program manager", "Portfolio manager", "PMO analyst", "Sponsor")


def _comment(n: int, question: int) -> str:
    text = f"Respondent {n} on question {question}: what we do here, and what is still missing. "
    return (text * 3)[:COMMENT_LENGTH]


def build(client: TestClient, respondents: int) -> tuple[str, str, str, int]:
    """The closed assessment: its organization's slug, the owner key, its id, its questions."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    draw = random.Random(25)
    with Session(writer(engine)) as session:
        created = organizations.create_organization(
            session=session, name=f"Bench {respondents}", slug=None, profile=None, actor=ACTOR
        )
        organization = repository.get_organization(session=session, id_or_slug=created.id)
        assert organization is not None
        assessment = assessments.create_assessment(
            session=session,
            organization=organization,
            questionnaire_key=QUESTIONNAIRE,
            questionnaire_version=VERSION,
            title="Everyone, full questionnaire",
            period="2026-Q4",
            period_end=None,
            rigor=None,
            scope=None,
            seed_from=None,
            actor=ACTOR,
        )
        stored = questionnaires.questionnaire_of(session=session, assessment=assessment)
        questionnaire = stored.questionnaire
        questions = sorted(
            questions_in_scope(questionnaire, in_scope(questionnaire, assessment.scope))
        )
        scale = [option.value for option in questionnaire.scale.options]
        now = utcnow()
        people = [
            {
                "id": new_id("rsp"),
                "assessment_id": assessment.id,
                "name": f"Person {n:03d} Lastname",
                "role": ROLES[n % len(ROLES)],
                "email": f"person{n:03d}@example.org",
                "created_at": now,
            }
            for n in range(respondents)
        ]
        repository.insert_rows(session=session, table=RespondentRow, rows=people)
        for n, person in enumerate(people):
            repository.insert_rows(
                session=session,
                table=AnswerRow,
                rows=[
                    {
                        "assessment_id": assessment.id,
                        "respondent_id": person["id"],
                        "question_id": question,
                        "value": draw.choice(scale),
                        "not_applicable": False,
                        "dont_know": False,
                        "comment": _comment(n, q),
                        "evidence": [],
                        "written_by": person["id"],
                        "updated_at": now,
                    }
                    for q, question in enumerate(questions)
                ],
            )
        session.commit()
        started = time.perf_counter()
        assessments.close_assessment(
            session=session, organization=organization, assessment=assessment, actor=ACTOR
        )
        session.commit()
        print(f"close (scoring {respondents * len(questions):,} answers): "
              f"{time.perf_counter() - started:.2f} s")  # fmt: skip
        assert created.api_key is not None
        return organization.slug, created.api_key, assessment.id, len(questions)


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.2f} MB" if count >= 1024 * 1024 else f"{count / 1024:.1f} KB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=300)
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = os.environ.get("OPM_DATABASE_URL", f"sqlite:///{folder / 'bench.db'}")
    upgrade(url)
    settings = Settings(database_url=url, admin_key=ADMIN, allowed_hosts=["testserver"])
    with TestClient(create_app(settings)) as client:
        started = time.perf_counter()
        slug, secret, assessment, questions = build(client, arguments.respondents)
        print(f"built {arguments.respondents} respondents x {questions} questions, a "
              f"{COMMENT_LENGTH}-character comment on every answer, in "
              f"{time.perf_counter() - started:.1f} s ({url.split('://')[0]})")  # fmt: skip
        headers = {"Authorization": f"Bearer {secret}", "Accept-Encoding": "identity"}
        path = f"/v1/organizations/{slug}/assessments/{assessment}"
        closed: ClosedReports = client.app.state.closed_reports  # type: ignore[attr-defined]
        engine = client.app.state.engine  # type: ignore[attr-defined]
        with Session(engine) as session:
            organization = repository.get_organization(session=session, id_or_slug=slug)
            assert organization is not None
            stored = repository.get_assessment(
                session=session, organization_id=organization.id, assessment_id=assessment
            )
        assert stored is not None
        html = ReportVariant(ReportFormat.HTML)

        def kept() -> bool:
            return (
                closed.kept(assessment=stored, organization=organization, variant=html.key)
                is not None
            )

        cached_before = kept()
        started = time.perf_counter()
        first = client.get(f"{path}/report?format=html", headers=headers)
        first_seconds = time.perf_counter() - started
        cached_after = kept()
        started = time.perf_counter()
        second = client.get(f"{path}/report?format=html", headers=headers)
        second_seconds = time.perf_counter() - started
        assert first.status_code == second.status_code == 200, first.text[:500]
        size = len(first.content)
        print(
            f"closed HTML report: {_size(size)} ({size:,} bytes; target <= 1.5 MB: "
            f"{'met' if size <= TARGET_BYTES else 'MISSED'}), "
            f"{_size(len(gzip.compress(first.content)))} gzipped"
        )
        print(
            f"first render: {first_seconds:.2f} s (target <= {TARGET_SECONDS:.0f} s: "
            f"{'met' if first_seconds <= TARGET_SECONDS else 'MISSED'}); kept before: "
            f"{cached_before}, after: {cached_after}"
        )
        print(
            f"second request: {second_seconds * 1000:.1f} ms, from the closed-report cache: "
            f"{cached_after and second.content == first.content and second.headers['etag'] == first.headers['etag']}"  # noqa: E501
        )
        for fmt in ("json", "csv", "xlsx"):
            started = time.perf_counter()
            plain = client.get(f"{path}/report?format={fmt}", headers=headers)
            seconds = time.perf_counter() - started
            packed = client.get(
                f"{path}/report?format={fmt}", headers={**headers, "Accept-Encoding": "gzip"}
            )
            assert plain.status_code == packed.status_code == 200
            wire = int(packed.headers["content-length"])
            print(f"{fmt:5s} report: {_size(len(plain.content))}, {_size(wire)} gzipped "
                  f"(first made in {seconds:.2f} s)")  # fmt: skip
        started = time.perf_counter()
        export = client.get(f"{path}/export", headers={**headers, "Accept-Encoding": "gzip"})
        seconds = time.perf_counter() - started
        assert export.status_code == 200
        wire = int(export.headers["content-length"])
        print(f"export: {_size(len(export.content))}, {_size(wire)} gzipped, in {seconds:.2f} s")


if __name__ == "__main__":
    main()
