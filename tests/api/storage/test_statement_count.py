"""A constant number of SQL statements per request, whatever the amount of data (no N+1).

Each test makes the same request on a small and on a large case (1 vs 50 answers, 1 vs 20
respondents, 1 vs 20 assessments, 1 vs 5 closed assessments...) and counts what the app's
engine executes while the request runs, with SQLAlchemy's `before_cursor_execute` event. The
counts must be equal; the number itself is free. The key's `last_used_at` update, which runs
after the response (`api.http.bearer._record_use`) when the last one is a minute old, is made due at
every request here, so that it is counted in both cases alike whatever the time between them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from api.http import bearer

from ...samples import TEST_Q_QUESTIONS
from ..factories import (
    Headers,
    answers_path,
    created,
    new_assessment,
    new_key,
    new_organization,
    new_respondent,
)


class StatementLog:
    """The statements the engine executes while `recording`."""

    def __init__(self) -> None:
        self.recording = False
        self.statements: list[str] = []

    def seen(
        self,
        _connection: Any,
        _cursor: Any,
        statement: str,
        _parameters: Any,
        _context: Any,
        _executemany: bool,
    ) -> None:
        if self.recording:
            self.statements.append(statement)


@pytest.fixture
def log(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[StatementLog]:
    monkeypatch.setattr(bearer, "LAST_USED_RESOLUTION", timedelta(0))
    statements = StatementLog()
    event.listen(engine, "before_cursor_execute", statements.seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", statements.seen)


def count(log: StatementLog, send: Callable[[], Any], status: int = 200) -> list[str]:
    """The statements run while `send()` is handled (and its background tasks)."""
    log.statements.clear()
    log.recording = True
    try:
        response = send()
    finally:
        log.recording = False
    assert response.status_code == status, response.text
    return list(log.statements)


def _shape(statement: str) -> str:
    """A statement with its bind lists collapsed, for a readable difference."""
    statement = re.sub(r"\s+", " ", statement)
    return re.sub(
        r"\((?:\s*(?:\?|%\([^)]*\)s|\$\d+|__\[POSTCOMPILE_\w+\])\s*,?)+\)", "(...)", statement
    )


def assert_same_count(what: str, small: list[str], large: list[str]) -> None:
    if len(small) == len(large):
        return
    difference = "\n".join(
        difflib.unified_diff(
            [_shape(s) for s in small],
            [_shape(s) for s in large],
            "small case",
            "large case",
            lineterm="",
        )
    )
    pytest.fail(
        f"{what}: {len(small)} statements in the small case, {len(large)} in the large one "
        f"(N+1?):\n{difference}"
    )


class Checks:
    """The same request on the small and the large side; every difference reported at the end."""

    def __init__(self, client: TestClient, log: StatementLog, small: Sized, large: Sized) -> None:
        self.client = client
        self.log = log
        self.sides = (small, large)
        self.problems: list[str] = []

    def same(
        self, what: str, on_small: Callable[[Sized], Any], on_large: Callable[[Sized], Any]
    ) -> None:
        small, large = self.sides
        counted = (
            count(self.log, lambda: on_small(small)),
            count(self.log, lambda: on_large(large)),
        )
        try:
            assert_same_count(what, *counted)
        except pytest.fail.Exception as different:
            self.problems.append(str(different))

    def get(self, what: str, template: str, **kwargs: Any) -> None:
        client = self.client

        def send(s: Sized) -> Any:
            path = template.format(slug=s.slug, a=s.open, r=s.respondents[0])
            return client.get(path, headers=s.owner, **kwargs)

        self.same(what, send, send)

    def done(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)


# Building data through the API


def _items(questions: list[str], seed: int = 0) -> list[dict[str, Any]]:
    return [
        {"question_id": q, "value": (seed + n) % 5, "comment": f"c{n}", "evidence": ["doc"]}
        for n, q in enumerate(questions)
    ]


def _patch(
    client: TestClient, headers: Headers, slug: str, a: str, r: str, items: list[dict[str, Any]]
) -> Any:
    return client.patch(answers_path(slug, a, r), json={"answers": items}, headers=headers)


def _answered(
    client: TestClient, owner: Headers, slug: str, respondents: int, title: str = "t"
) -> tuple[str, list[str]]:
    """An open test-q assessment whose respondents answered every question."""
    a = new_assessment(client, owner, slug, title=title)["id"]
    people = []
    for n in range(respondents):
        respondent, _token = new_respondent(client, owner, slug, a, f"Respondent {n}")
        created(_patch(client, owner, slug, a, respondent["id"], _items(TEST_Q_QUESTIONS, n)), 200)
        people.append(respondent["id"])
    return a, people


def _close(client: TestClient, owner: Headers, slug: str, a: str) -> Any:
    return client.post(f"/v1/organizations/{slug}/assessments/{a}/close", headers=owner)


@dataclass
class Sized:
    """An organization with `closed` closed assessments and one open, all fully answered.

    The open one has `respondents` respondents; the closed ones up to 3 (to keep it quick).
    """

    slug: str
    owner: Headers
    closed: list[str]
    open: str
    respondents: list[str]  # of the open assessment


def sized(client: TestClient, admin: Headers, name: str, *, closed: int, respondents: int) -> Sized:
    org, owner = new_organization(client, admin, name)
    slug = org["slug"]
    created(
        client.put(
            f"/v1/organizations/{slug}/targets/test-q",
            json={"domains": {"project": 2, "program": 1}},
            headers=owner,
        ),
        200,
    )
    closed_ids = []
    for n in range(closed):
        a, _ = _answered(client, owner, slug, min(respondents, 3), title=f"closed {n}")
        created(_close(client, owner, slug, a), 200)
        closed_ids.append(a)
    a, people = _answered(client, owner, slug, respondents, title="open")
    return Sized(slug=slug, owner=owner, closed=closed_ids, open=a, respondents=people)


def small_and_large(
    client: TestClient, admin: Headers, *, closed: tuple[int, int] = (1, 5)
) -> tuple[Sized, Sized]:
    return (
        sized(client, admin, "Small", closed=closed[0], respondents=1),
        sized(client, admin, "Large", closed=closed[1], respondents=20),
    )


# The requests


def test_saving_1_or_50_answers(client: TestClient, admin: Headers, log: StatementLog) -> None:
    catalogue = client.get("/v1/questionnaires", headers=admin).json()["items"]
    biggest = max(catalogue, key=lambda q: q["question_count"])
    assert biggest["question_count"] >= 50, "a built-in questionnaire of 50 questions or more"
    content = client.get(f"/v1/questionnaires/{biggest['key']}", headers=admin).json()
    questions = [q["id"] for bp in content["best_practices"] for q in bp["questions"]][:50]
    org, owner = new_organization(client, admin)
    a = new_assessment(client, owner, org["slug"], version=None, questionnaire_key=biggest["key"])
    one, many = (
        new_respondent(client, owner, org["slug"], a["id"], name)[0]["id"] for name in "AB"
    )
    slug, a_id = org["slug"], a["id"]

    def save(respondent: str, questions: list[str], seed: int) -> list[str]:
        return count(
            log, lambda: _patch(client, owner, slug, a_id, respondent, _items(questions, seed))
        )

    # New answers, then the same questions again (each replaces a stored answer).
    assert_same_count("PATCH answers, new", save(one, questions[:1], 0), save(many, questions, 0))
    assert_same_count(
        "PATCH answers, replacing", save(one, questions[:1], 1), save(many, questions, 1)
    )
    # 50 new answers for a respondent that already has many, against one.
    assert_same_count(
        "PATCH answers, mixed", save(one, questions[1:2], 2), save(one, questions[:50], 3)
    )


def test_listing_1_or_20_respondents(client: TestClient, admin: Headers, log: StatementLog) -> None:
    org, owner = new_organization(client, admin)
    slug = org["slug"]
    small, _ = _answered(client, owner, slug, 1)
    large, _ = _answered(client, owner, slug, 20)

    def listing(a: str) -> list[str]:
        return count(
            log,
            lambda: client.get(
                f"/v1/organizations/{slug}/assessments/{a}/respondents", headers=owner
            ),
        )

    assert_same_count("GET respondents", listing(small), listing(large))


def test_listing_1_or_20_assessments(client: TestClient, admin: Headers, log: StatementLog) -> None:
    small_org, small_owner = new_organization(client, admin, "Small")
    large_org, large_owner = new_organization(client, admin, "Large")
    _answered(client, small_owner, small_org["slug"], 1)
    for n in range(20):
        a, _ = _answered(client, large_owner, large_org["slug"], 1, title=f"a{n}")
        if n % 3 == 0:
            created(_close(client, large_owner, large_org["slug"], a), 200)

    def listing(slug: str, owner: Headers) -> list[str]:
        return count(
            log, lambda: client.get(f"/v1/organizations/{slug}/assessments", headers=owner)
        )

    assert_same_count(
        "GET assessments",
        listing(small_org["slug"], small_owner),
        listing(large_org["slug"], large_owner),
    )


def test_listing_1_or_20_keys(client: TestClient, admin: Headers, log: StatementLog) -> None:
    small_org, small_owner = new_organization(client, admin, "Small")
    large_org, large_owner = new_organization(client, admin, "Large")
    for n in range(20):
        new_key(client, large_owner, large_org["slug"], ("owner", "editor", "reader")[n % 3])

    def listing(slug: str, owner: Headers) -> list[str]:
        return count(log, lambda: client.get(f"/v1/organizations/{slug}/keys", headers=owner))

    assert_same_count(
        "GET keys",
        listing(small_org["slug"], small_owner),
        listing(large_org["slug"], large_owner),
    )


def test_an_assessment_of_few_or_many_answers_from_open_to_closed(
    client: TestClient, admin: Headers, log: StatementLog
) -> None:
    """1 respondent and 1 closed assessment before, against 20 respondents and 5."""
    small, large = small_and_large(client, admin)
    checks = Checks(client, log, small, large)
    a = "/v1/organizations/{slug}/assessments/{a}"
    checks.get("GET assessment", a)
    checks.get("GET respondent's answers", a + "/respondents/{r}/answers")
    checks.get("GET report (open)", a + "/report")
    checks.get("GET report (open, CSV)", a + "/report", params={"format": "csv"})
    checks.same(
        "POST close", *(lambda s: _close(client, s.owner, s.slug, s.open) for s in checks.sides)
    )
    checks.get("GET report (closed)", a + "/report")
    checks.get("GET report (closed, HTML)", a + "/report", params={"format": "html"})
    checks.done()


def test_trend_and_comparison_over_few_or_many_closed_assessments(
    client: TestClient, admin: Headers, log: StatementLog
) -> None:
    small, large = small_and_large(client, admin)
    checks = Checks(client, log, small, large)
    trend = "/v1/organizations/{slug}/trend"
    checks.get("GET trend, 1 or 5 closed", trend, params={"questionnaire": "test-q"})
    for s in (small, large):
        created(_close(client, s.owner, s.slug, s.open), 200)
        s.closed.append(s.open)
    checks.get("GET trend, 2 or 6 closed", trend, params={"questionnaire": "test-q"})
    checks.same(
        "GET compare, first and last",
        *(
            lambda s: client.get(
                f"/v1/organizations/{s.slug}/compare",
                params={"base": s.closed[0], "target": s.closed[-1]},
                headers=s.owner,
            )
            for s in checks.sides
        ),
    )
    checks.done()


def test_the_access_check_reads_the_key_and_what_the_path_names_in_one_statement(
    client: TestClient, admin: Headers, log: StatementLog
) -> None:
    """Key, throttle count, organization, assessment and respondent: one statement (issue 13).

    Each request is refused by the access check itself (403 for a reader's write, 404 for an
    unknown id), so what it reads is what the check reads.
    """
    org, owner = new_organization(client, admin)
    slug = org["slug"]
    a = new_assessment(client, owner, slug)["id"]
    r = new_respondent(client, owner, slug, a, "Ana")[0]["id"]
    reader = new_key(client, owner, slug, "reader")
    base = f"/v1/organizations/{slug}"
    cases = [
        ("PATCH", answers_path(slug, a, r), {"json": {"answers": []}}, 403, "respondent"),
        ("POST", f"{base}/assessments/{a}/close", {}, 403, "assessment"),
        ("POST", f"{base}/keys", {"json": {"name": "n", "role": "reader"}}, 403, "organization"),
        ("GET", f"{base}/assessments/asm_00000000000000000000", {}, 404, "assessment"),
    ]
    for method, path, kwargs, status, deepest in cases:
        send = partial(client.request, method, path, headers=reader, **kwargs)
        statements = count(log, send, status)
        reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(reads) == 1, (method, path, reads)
        assert "api_key" in reads[0] and "auth_failure" in reads[0] and deepest in reads[0]


# The pages: the same use cases behind a session cookie


def _console_cookie(client: TestClient, owner: Headers) -> dict[str, str]:
    """The console session of a key, as a header (each side signs in with its own key)."""
    signed = client.post(
        "/console/sign-in",
        data={"key": owner["Authorization"].removeprefix("Bearer ")},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text
    client.cookies.clear()
    return {"Cookie": f"opm_console={signed.cookies['opm_console']}"}


def _fill_cookie(client: TestClient, token: str) -> dict[str, str]:
    opened = client.get(f"/a/{token}", follow_redirects=False)
    assert opened.status_code == 303, opened.text
    client.cookies.clear()
    return {"Cookie": f"opm_fill={opened.cookies['opm_fill']}"}


def test_the_console_pages_over_few_or_many_assessments_and_respondents(
    client: TestClient, admin: Headers, log: StatementLog
) -> None:
    """1 closed assessment and 1 respondent against 5 closed and 20 (the review counted 10
    statements for the console's list of 1 assessment and 37 for 10)."""
    small, large = small_and_large(client, admin)
    cookies = {id(s): _console_cookie(client, s.owner) for s in (small, large)}
    checks = Checks(client, log, small, large)

    def page(template: str) -> Callable[[Sized], Any]:
        def send(s: Sized) -> Any:
            path = template.format(slug=s.slug, a=s.open, r=s.respondents[0])
            return client.get(path, headers=cookies[id(s)])

        return send

    for what, template in [
        ("console: assessments", "/console/{slug}"),
        ("console: overview", "/console/{slug}/overview/test-q"),
        ("console: one assessment", "/console/{slug}/assessments/{a}"),
        ("console: the organization", "/console/{slug}/organization"),
        ("console: the open report", "/console/{slug}/assessments/{a}/report"),
        ("console: close", "/console/{slug}/assessments/{a}/close"),
    ]:
        for side in (small, large):  # the process reads each questionnaire's content once
            page(template)(side)
        checks.same(what, page(template), page(template))
    checks.done()


def test_the_fill_pages_of_a_respondent_with_few_or_many_answers(
    client: TestClient, admin: Headers, log: StatementLog
) -> None:
    org, owner = new_organization(client, admin)
    slug = org["slug"]
    a = new_assessment(client, owner, slug)["id"]
    sides = []
    for name, answered in (("Few", TEST_Q_QUESTIONS[:1]), ("Many", TEST_Q_QUESTIONS)):
        respondent, token = new_respondent(client, owner, slug, a, name)
        created(_patch(client, owner, slug, a, respondent["id"], _items(answered)), 200)
        sides.append(_fill_cookie(client, token["Authorization"].removeprefix("Bearer ")))
    for path in ("/fill", "/fill/project~standardize", "/fill/submit"):
        few, many = (count(log, partial(client.get, path, headers=side)) for side in sides)
        assert_same_count(f"GET {path}", few, many)
