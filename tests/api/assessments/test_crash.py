"""A crash under load loses no acknowledged answer (issue 15, proof in the suite).

A served instance (uvicorn in a process of its own) takes answers from concurrent writers and
is killed with SIGKILL in the middle of it; a new instance is started on the same database.
Every answer acknowledged before the kill must be there with its acknowledged value: for each
writer, what is stored is its last acknowledged write, or the write it was waiting on when the
server died (sent, maybe committed, never answered). Each writer owns its cells, and each write
is told apart by its comment. Bounded by construction (a few hundred writes, every wait with
a timeout): 15 to 20 s an engine here; no timing assertion, which a busy machine would break.
A writer the kill caught before its first answer may have nothing stored.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from api.core.config import Settings

from ...samples import TEST_Q_QUESTIONS
from ..databases import ADMIN_KEY
from ..factories import (
    Headers,
    answers_path,
    bearer,
    new_assessment,
    new_organization,
    new_respondent,
)
from ..live_server import UVICORN, Served, environment, serve_process

WRITERS = 8
KILL_AFTER = 120  # acknowledged writes before the kill
MAX_ROUNDS = 500  # a writer's bound, should the kill never come
TIMEOUT = httpx.Timeout(20.0)


@contextmanager
def served_process(settings: Settings) -> Iterator[Served]:
    """The app served by uvicorn in a process of its own, killed at the end if still running."""
    env = environment(settings.database_url, settings.questionnaire_dirs)
    command = [*UVICORN, "--log-level", "warning", "--no-access-log"]
    with serve_process(command, env, stop=signal.SIGKILL) as served:
        yield served


@dataclass
class Writer:
    """What one writer sent: its last acknowledged write, and the one in flight at the kill."""

    number: int
    respondent: str
    questions: list[str]
    acknowledged: dict[str, Any] | None = None
    in_flight: dict[str, Any] | None = None
    errors: list[str] = field(default_factory=list)

    def items(self, round_: int) -> dict[str, Any]:
        comment = f"writer {self.number}, round {round_}"
        return {q: ((self.number + round_) % 5, comment) for q in self.questions}


def _set_up(base: str) -> tuple[str, str, Headers, list[str]]:
    with httpx.Client(base_url=base, timeout=TIMEOUT) as client:
        org, owner = new_organization(client, bearer(ADMIN_KEY), "Crash")
        slug = org["slug"]
        assessment = new_assessment(client, owner, slug)["id"]
        respondents = [
            new_respondent(client, owner, slug, assessment, f"R{n}")[0]["id"]
            for n in range(WRITERS // 2)
        ]
    return slug, assessment, owner, respondents


def test_a_killed_server_keeps_every_acknowledged_answer(settings: Settings) -> None:
    with served_process(settings) as served:
        base = served.url
        slug, assessment, owner, respondents = _set_up(base)
        writers = [
            Writer(
                number=n,
                respondent=respondents[n // 2],
                questions=TEST_Q_QUESTIONS[:3] if n % 2 == 0 else TEST_Q_QUESTIONS[3:],
            )
            for n in range(WRITERS)
        ]
        lock = threading.Lock()
        acknowledged = 0
        enough = threading.Event()

        def write(writer: Writer) -> None:
            nonlocal acknowledged
            path = answers_path(slug, assessment, writer.respondent)
            with httpx.Client(base_url=base, timeout=TIMEOUT) as client:
                for round_ in range(MAX_ROUNDS):
                    cells = writer.items(round_)
                    writer.in_flight = cells
                    body = {
                        "answers": [
                            {"question_id": q, "value": value, "comment": comment}
                            for q, (value, comment) in cells.items()
                        ]
                    }
                    try:
                        response = client.patch(path, json=body, headers=owner)
                    except httpx.TransportError:
                        return  # the server is gone; this write may or may not be stored
                    if response.status_code != 200:
                        writer.errors.append(f"{response.status_code} {response.text[:200]}")
                        return
                    writer.acknowledged, writer.in_flight = cells, None
                    with lock:
                        acknowledged += 1
                        if acknowledged >= KILL_AFTER:
                            enough.set()

        threads = [threading.Thread(target=write, args=(w,)) for w in writers]
        for thread in threads:
            thread.start()
        assert enough.wait(timeout=20), f"only {acknowledged} writes acknowledged in 20 s"
        served.stop()  # SIGKILL
        for thread in threads:
            thread.join(timeout=20)
        assert not any(thread.is_alive() for thread in threads)
    assert all(not w.errors for w in writers), [w.errors for w in writers]

    with (
        served_process(settings) as restarted,
        httpx.Client(base_url=restarted.url, timeout=TIMEOUT) as client,
    ):
        stored: dict[tuple[str, str], tuple[int, str]] = {}
        for respondent in respondents:
            response = client.get(answers_path(slug, assessment, respondent), headers=owner)
            assert response.status_code == 200, response.text
            for answer in response.json()["answers"]:
                stored[respondent, answer["question_id"]] = (answer["value"], answer["comment"])
    lost = []
    for writer in writers:
        for question in writer.questions:
            found = stored.get((writer.respondent, question))
            # A writer the kill caught before its first answer may have nothing stored.
            allowed = [writer.acknowledged[question]] if writer.acknowledged else [None]
            if writer.in_flight is not None:
                allowed.append(writer.in_flight[question])
            if found not in allowed:
                lost.append(f"{writer.respondent} {question}: {found}, expected one of {allowed}")
    assert not lost, "acknowledged answers lost or changed:\n" + "\n".join(lost)
