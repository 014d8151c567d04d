"""Concurrency: many clients saving answers of one assessment at once, and a close among them.

A real server (uvicorn, in a thread, on a free local port) and one HTTP client per thread, so
that requests really run at the same time, as they would in production, on SQLite (the write
lock taken up front with `BEGIN IMMEDIATE`) and on PostgreSQL (a row lock on the assessment).
What must hold (issue 4, point 9; `api.md`): every acknowledged answer is stored, no request
answers 5xx, no "database is locked" reaches a client, and a close that races with answer
writes stores a score card that holds every answer acknowledged before it, while the writes
after it answer 409.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from api.core.config import Settings
from api.services.guards import lock_assessment
from api.storage import repository
from api.storage.db import make_engine
from api.storage.tables import AnswerHistoryRow, AnswerRow, AssessmentRow
from questionnaires import load_file
from scoring import Answer, score

from ...samples import DATA, TEST_Q_QUESTIONS
from ..factories import (
    Headers,
    World,
    answers_path,
    new_assessment,
    new_key,
    new_organization,
    new_respondent,
)
from ..live_server import serve

TIMEOUT = httpx.Timeout(60.0)
QUESTIONNAIRE = load_file(DATA / "test-q-1.0.0.yaml").questionnaire


@dataclass
class Sent:
    """One request a thread made, and what came back."""

    thread: int
    sent_at: float
    received_at: float
    status: int
    body: str
    items: list[dict[str, Any]] = field(default_factory=list)


def _check_no_server_error(results: list[Sent]) -> None:
    errors = [r for r in results if r.status >= 500]
    assert not errors, f"{len(errors)} answer(s) 5xx, the first: {errors[0].body[:500]}"
    locked = [r for r in results if "locked" in r.body.lower()]
    assert not locked, f"'locked' reached a client: {locked[0].status} {locked[0].body[:500]}"


def _set_up(base: str, admin: Headers, respondents: int) -> dict[str, Any]:
    """An organization, its owner and editor keys, an open assessment and its respondents."""
    with httpx.Client(base_url=base, timeout=TIMEOUT) as client:
        org, owner = new_organization(client, admin, "Concurrent")
        slug = org["slug"]
        editor = new_key(client, owner, slug, "editor")
        a = new_assessment(client, owner, slug)["id"]
        people = []
        for n in range(respondents):
            respondent, token = new_respondent(client, owner, slug, a, f"Respondent {n}")
            people.append((respondent["id"], token))
    return {"slug": slug, "owner": owner, "editor": editor, "assessment": a, "respondents": people}


def _run(threads: list[threading.Thread], limit: float = 120) -> None:
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + limit
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), (
        f"threads still running after {limit} s"
    )


def _stored_in_database(url: str, assessment: str) -> tuple[dict[tuple[str, str], Any], int]:
    """The answers stored for the assessment, by (respondent, question), and the history size."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            rows = session.execute(
                select(AnswerRow).where(AnswerRow.assessment_id == assessment)
            ).scalars()
            stored = {
                (row.respondent_id, row.question_id): (row.value, row.comment) for row in rows
            }
            history = session.execute(
                select(func.count())
                .select_from(AnswerHistoryRow)
                .where(AnswerHistoryRow.assessment_id == assessment)
            ).scalar_one()
    finally:
        engine.dispose()
    return stored, history


ROUNDS = 6
WRITERS = 20  # 12 respondents: threads 0-11 write the first half of the questions of
RESPONDENTS = 12  # respondent n, threads 12-19 the second half of respondents 0-7
READERS = 4


def _cells(thread: int) -> tuple[int, list[str]]:
    """The respondent a writer thread writes for, and its questions (no two threads share one)."""
    if thread < RESPONDENTS:
        return thread, TEST_Q_QUESTIONS[:3]
    return thread - RESPONDENTS, TEST_Q_QUESTIONS[3:]


def _item(question: str, thread: int, round_: int) -> dict[str, Any]:
    return {
        "question_id": question,
        "value": (thread + round_) % 5,
        "comment": f"thread {thread}, round {round_}",
        "evidence": [f"https://example.org/{thread}/{round_}"],
    }


def test_twenty_threads_saving_answers_of_one_assessment_at_once(
    settings: Settings, admin: Headers
) -> None:
    with serve(settings) as base:
        world = _set_up(base, admin, RESPONDENTS)
        slug, a = world["slug"], world["assessment"]
        barrier = threading.Barrier(WRITERS + READERS, timeout=60)
        results: list[Sent] = []
        lock = threading.Lock()

        def writer(thread: int) -> None:
            n, questions = _cells(thread)
            respondent, token = world["respondents"][n]
            # Half the threads write with the respondent's token, half with the editor's key
            # (whose use is recorded after each response: one more writer to wait for).
            headers = token if thread % 2 == 0 else world["editor"]
            with httpx.Client(base_url=base, timeout=TIMEOUT) as client:
                for round_ in range(ROUNDS):
                    items = [_item(q, thread, round_) for q in questions]
                    barrier.wait()
                    sent_at = time.monotonic()
                    response = client.patch(
                        answers_path(slug, a, respondent), json={"answers": items}, headers=headers
                    )
                    with lock:
                        results.append(
                            Sent(
                                thread,
                                sent_at,
                                time.monotonic(),
                                response.status_code,
                                response.text,
                                items,
                            )
                        )

        def reader(thread: int) -> None:
            paths = [
                f"/v1/organizations/{slug}/assessments/{a}",
                f"/v1/organizations/{slug}/assessments/{a}/respondents",
                f"/v1/organizations/{slug}/assessments/{a}/report",
                answers_path(slug, a, world["respondents"][thread][0]),
            ]
            with httpx.Client(base_url=base, timeout=TIMEOUT) as client:
                for round_ in range(ROUNDS):
                    barrier.wait()
                    sent_at = time.monotonic()
                    response = client.get(paths[round_ % len(paths)], headers=world["owner"])
                    with lock:
                        results.append(
                            Sent(-1, sent_at, time.monotonic(), response.status_code, response.text)
                        )

        _run(
            [threading.Thread(target=writer, args=(t,)) for t in range(WRITERS)]
            + [threading.Thread(target=reader, args=(t,)) for t in range(READERS)]
        )
        _check_no_server_error(results)
        assert len(results) == (WRITERS + READERS) * ROUNDS
        assert {r.status for r in results} == {200}, sorted({r.status for r in results})

        # Every acknowledged answer is stored: the last round of each thread, since no two
        # threads write the same (respondent, question).
        expected: dict[tuple[str, str], tuple[int, str]] = {}
        for thread in range(WRITERS):
            n, questions = _cells(thread)
            for question in questions:
                item = _item(question, thread, ROUNDS - 1)
                expected[world["respondents"][n][0], question] = (item["value"], item["comment"])
        through_api: dict[tuple[str, str], tuple[int, str]] = {}
        with httpx.Client(base_url=base, timeout=TIMEOUT) as client:
            for respondent, _token in world["respondents"]:
                response = client.get(answers_path(slug, a, respondent), headers=world["owner"])
                assert response.status_code == 200, response.text
                for answer in response.json()["answers"]:
                    through_api[respondent, answer["question_id"]] = (
                        answer["value"],
                        answer["comment"],
                    )
        assert through_api == expected
        stored, history = _stored_in_database(settings.database_url, a)
        assert stored == expected
        assert history == sum(len(r.items) for r in results if r.thread >= 0)


CLOSE_WRITERS = 16
CLOSE_AFTER = 40  # acknowledged writes before the close is sent
MAX_ROUNDS = 200


def test_a_close_racing_with_answer_writes_keeps_every_acknowledged_answer(
    settings: Settings, admin: Headers
) -> None:
    with serve(settings) as base:
        world = _set_up(base, admin, CLOSE_WRITERS // 2)
        slug, a = world["slug"], world["assessment"]
        barrier = threading.Barrier(CLOSE_WRITERS + 1, timeout=60)
        enough = threading.Event()  # enough writes acknowledged: close now
        closed = threading.Event()  # the close's response is in
        results: list[Sent] = []
        closing: list[Sent] = []
        lock = threading.Lock()

        def writer(thread: int) -> None:
            # Two threads a respondent, each with its own half of the questions. Each writes
            # until it meets the close (409), then once more after the close's response.
            respondent, token = world["respondents"][thread // 2]
            questions = TEST_Q_QUESTIONS[:3] if thread % 2 == 0 else TEST_Q_QUESTIONS[3:]
            with httpx.Client(base_url=base, timeout=TIMEOUT) as client:

                def write(round_: int) -> int:
                    items = [{"question_id": q, "value": (thread + round_) % 5} for q in questions]
                    sent_at = time.monotonic()
                    response = client.patch(
                        answers_path(slug, a, respondent), json={"answers": items}, headers=token
                    )
                    sent = Sent(
                        thread,
                        sent_at,
                        time.monotonic(),
                        response.status_code,
                        response.text,
                        items,
                    )
                    with lock:
                        results.append(sent)
                        if sum(r.status == 200 for r in results) >= CLOSE_AFTER:
                            enough.set()
                    return response.status_code

                barrier.wait()
                for round_ in range(MAX_ROUNDS):
                    if write(round_) != 200:
                        break
                if closed.wait(timeout=60):
                    write(MAX_ROUNDS)

        def closer() -> None:
            with httpx.Client(base_url=base, timeout=TIMEOUT) as client:
                barrier.wait()
                try:
                    if enough.wait(timeout=60):  # else: no close, and the test says so below
                        sent_at = time.monotonic()
                        response = client.post(
                            f"/v1/organizations/{slug}/assessments/{a}/close",
                            headers=world["owner"],
                        )
                        closing.append(
                            Sent(-1, sent_at, time.monotonic(), response.status_code, response.text)
                        )
                finally:
                    closed.set()

        _run(
            [threading.Thread(target=writer, args=(t,)) for t in range(CLOSE_WRITERS)]
            + [threading.Thread(target=closer)]
        )
        _check_no_server_error(results + closing)
        assert len(closing) == 1, "the close was never sent"
        close = closing[0]
        assert close.status == 200, close.body
        assert {r.status for r in results} <= {200, 409}, sorted({r.status for r in results})
        after = [r for r in results if r.sent_at > close.received_at]
        assert len(after) >= CLOSE_WRITERS, "each writer writes once more after the close"
        assert {r.status for r in after} == {409}
        assert any(r.status == 200 for r in results)
        assert all("closed" in json.loads(r.body)["detail"] for r in results if r.status == 409)

        # The stored card is the score of every acknowledged answer: per thread, its last 200.
        last: dict[int, Sent] = {}
        for r in sorted(results, key=lambda r: r.received_at):
            if r.status == 200:
                last[r.thread] = r
        acknowledged = {
            (world["respondents"][thread // 2][0], item["question_id"]): item["value"]
            for thread, sent in last.items()
            for item in sent.items
        }
        with httpx.Client(base_url=base, timeout=TIMEOUT) as client:
            report = client.get(
                f"/v1/organizations/{slug}/assessments/{a}/report", headers=world["owner"]
            )
            assert report.status_code == 200, report.text
            card = report.json()["score_card"]
            for respondent, token in world["respondents"]:
                # A respondent still reads its answers after close; they are the acknowledged.
                response = client.get(answers_path(slug, a, respondent), headers=token)
                assert response.status_code == 200, response.text
                assert {
                    (respondent, answer["question_id"]): answer["value"]
                    for answer in response.json()["answers"]
                } == {key: v for key, v in acknowledged.items() if key[0] == respondent}
        responses = {
            question["id"]: question["responses"]
            for practice in card["best_practices"]
            for question in practice["questions"]
        }
        assert responses == {
            q: sum(1 for (_, question) in acknowledged if question == q) for q in TEST_Q_QUESTIONS
        }
        answers = [Answer(r, q, value, False) for (r, q), value in acknowledged.items()]
        assert card == json.loads(score(QUESTIONNAIRE, answers).model_dump_json())
        stored, _history = _stored_in_database(settings.database_url, a)
        assert {key: value for key, (value, _comment) in stored.items()} == acknowledged


@pytest.fixture
def row(request: pytest.FixtureRequest, engine: Engine) -> AssessmentRow:
    """The open assessment's row of the `world`, for the lock tests (skipped on SQLite)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serializes every write")
    world: World = request.getfixturevalue("world")
    with Session(engine) as reading:
        row = repository.get_assessment(
            session=reading, organization_id=world.organization_id, assessment_id=world.assessment
        )
    assert row is not None
    return row


def test_answer_writes_share_the_assessment_lock_that_close_takes_alone(
    row: AssessmentRow, engine: Engine
) -> None:
    """PostgreSQL: two writers hold the assessment at once; a close waits for both to finish.

    (SQLite has one writer at a time in any case: `BEGIN IMMEDIATE`.)
    """
    with Session(engine) as first, Session(engine) as second, Session(engine) as closing:
        lock_assessment(session=first, assessment=row, action="take answers", shared=True)
        second.execute(text("SET LOCAL lock_timeout = '2s'"))
        lock_assessment(session=second, assessment=row, action="take answers", shared=True)
        closing.execute(text("SET LOCAL lock_timeout = '200ms'"))
        with pytest.raises(OperationalError, match="lock timeout"):
            lock_assessment(session=closing, assessment=row, action="be closed")
        first.rollback()
        second.rollback()


def test_a_waiting_close_holds_back_answer_writes_that_come_after_it(
    row: AssessmentRow, engine: Engine
) -> None:
    """PostgreSQL: a writer arriving while a close waits queues behind the close.

    A row's FOR SHARE alone would be granted to it at once (the row is only share-locked), and
    a steady stream of writers could keep the close waiting for ever: seen in a CI run.
    """
    with Session(engine) as writing, Session(engine) as closing, Session(engine) as late:
        lock_assessment(session=writing, assessment=row, action="take answers", shared=True)
        closing.execute(text("SET LOCAL lock_timeout = '5s'"))
        writer, closer = _backend_pid(writing), _backend_pid(closing)
        waiting = threading.Thread(
            target=lambda: suppress_timeout(
                lambda: lock_assessment(session=closing, assessment=row, action="be closed")
            )
        )
        waiting.start()
        _wait_until_blocked(engine, closer, by=writer, within=4)  # the close waits for the writer
        late.execute(text("SET LOCAL lock_timeout = '300ms'"))
        with pytest.raises(OperationalError, match="lock timeout"):
            lock_assessment(session=late, assessment=row, action="take answers", shared=True)
        writing.rollback()
        waiting.join()
        closing.rollback()


def _backend_pid(session: Session) -> int:
    pid: int = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    return pid


def _wait_until_blocked(engine: Engine, waiter: int, *, by: int, within: float) -> None:
    """Poll `pg_locks` (through `pg_blocking_pids`) until backend `waiter` waits for `by`."""
    deadline = time.monotonic() + within
    with engine.connect() as watching:
        while True:
            blocked = watching.execute(
                text("SELECT CAST(:by AS integer) = ANY(pg_blocking_pids(:waiter))"),
                {"waiter": waiter, "by": by},
            ).scalar_one()
            if blocked:
                return
            assert time.monotonic() < deadline, (
                f"backend {waiter} not waiting for {by} in {within} s"
            )
            time.sleep(0.01)


def suppress_timeout(lock: Callable[[], object]) -> None:
    with contextlib.suppress(OperationalError):
        lock()
