"""Throttling failed authentication (issue 15, item 6): counted per address, in the database.

The apps here are served to a client at 127.0.0.1, a trusted proxy unless a test says
otherwise, so `X-Forwarded-For` picks the address each request comes from. Time is a
`FakeClock`: nothing sleeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from ipaddress import ip_network
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError
from starlette.requests import Request

from api.app import create_app
from api.core.config import Settings
from api.http.client_address import client_address
from api.storage import repository

from ..clock import FakeClock
from ..factories import Headers, bearer, new_organization

ATTACKER = {"X-Forwarded-For": "203.0.113.7"}
NEIGHBOUR = {"X-Forwarded-For": "203.0.113.8"}
WRONG = bearer("opmk_a-guess-that-is-wrong")
FAILURE_LIMIT = Settings.model_fields["auth_failure_limit"].default  # 20 (issue 15)


@contextmanager
def served(
    settings: Settings, clock: FakeClock, *, trusted: str = "127.0.0.1"
) -> Iterator[TestClient]:
    update = {"trusted_proxies": [ip_network(trusted)]}
    app = create_app(settings.model_copy(update=update), clock=clock)
    with TestClient(app, raise_server_exceptions=False, client=("127.0.0.1", 40000)) as client:
        yield client


def fail(client: TestClient, times: int, address: dict[str, str] = ATTACKER) -> None:
    for _ in range(times):
        response = client.get("/v1/me", headers=WRONG | address)
        assert response.status_code == 401, response.text


def owner_of_an_organization(client: TestClient, admin: Headers) -> Headers:
    return new_organization(client, admin)[1]


def test_after_twenty_failures_a_request_with_a_secret_answers_429_until_the_window_passes(
    settings: Settings, admin: Headers
) -> None:
    clock = FakeClock()
    with served(settings, clock) as client:
        owner = owner_of_an_organization(client, admin)
        fail(client, FAILURE_LIMIT - 1)
        clock.advance(seconds=10)
        fail(client, 1)  # the 20th, ten seconds after the others
        for secret in (owner, WRONG, admin):  # even a right secret: a guess must learn nothing
            throttled = client.get("/v1/me", headers=secret | ATTACKER)
            assert throttled.status_code == 429, throttled.text
            assert throttled.headers["retry-after"] == "50"
            assert throttled.headers["content-type"] == "application/problem+json"
            problem = throttled.json()
            assert set(problem) == {"type", "title", "status", "detail", "errors"}
            assert problem["status"] == 429 and problem["title"] == "Too Many Requests"
            assert str(FAILURE_LIMIT) in problem["detail"]
        clock.advance(seconds=49)
        assert client.get("/v1/me", headers=owner | ATTACKER).headers["retry-after"] == "1"
        clock.advance(seconds=1)  # the first 19 are a minute old: 1 failure left in the window
        assert client.get("/v1/me", headers=owner | ATTACKER).status_code == 200
        fail(client, FAILURE_LIMIT - 2)
        assert client.get("/v1/me", headers=owner | ATTACKER).status_code == 200
        fail(client, 1)
        assert client.get("/v1/me", headers=owner | ATTACKER).status_code == 429
        clock.advance(seconds=60)
        assert client.get("/v1/me", headers=owner | ATTACKER).status_code == 200


def test_the_default_limit_is_twenty_a_minute() -> None:
    assert FAILURE_LIMIT == 20


def test_nineteen_failures_do_not_throttle(settings: Settings, admin: Headers) -> None:
    clock = FakeClock()
    with served(settings, clock) as client:
        owner = owner_of_an_organization(client, admin)
        fail(client, FAILURE_LIMIT - 1)
        assert client.get("/v1/me", headers=owner | ATTACKER).status_code == 200
        fail(client, 1)
        assert client.get("/v1/me", headers=owner | ATTACKER).status_code == 429


def test_other_addresses_are_not_affected(settings: Settings, admin: Headers) -> None:
    clock = FakeClock()
    with served(settings, clock) as client:
        owner = owner_of_an_organization(client, admin)
        fail(client, FAILURE_LIMIT)
        assert client.get("/v1/me", headers=owner | ATTACKER).status_code == 429
        assert client.get("/v1/me", headers=owner | NEIGHBOUR).status_code == 200
        assert client.get("/v1/me", headers=WRONG | NEIGHBOUR).status_code == 401


def test_a_request_without_a_secret_counts_for_nothing(settings: Settings, admin: Headers) -> None:
    clock = FakeClock()
    with served(settings, clock) as client:
        owner = owner_of_an_organization(client, admin)
        for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}):
            for _ in range(FAILURE_LIMIT + 5):
                assert client.get("/v1/me", headers=headers | ATTACKER).status_code == 401
        assert client.get("/v1/me", headers=owner | ATTACKER).status_code == 200
        # And a throttled address still answers 401, not 429, when it presents no secret.
        fail(client, FAILURE_LIMIT)
        assert client.get("/v1/me", headers=ATTACKER).status_code == 401


def test_revoked_and_expired_keys_are_failures_too(settings: Settings, admin: Headers) -> None:
    clock = FakeClock()
    with served(settings, clock) as client:
        org, owner = new_organization(client, admin)
        keys = f"/v1/organizations/{org['slug']}/keys"
        revoked = client.post(keys, json={"name": "r", "role": "reader"}, headers=owner).json()
        assert client.delete(f"{keys}/{revoked['id']}", headers=owner).status_code == 204
        expiring = client.post(
            keys, json={"name": "e", "role": "reader", "expires_in_days": 1}, headers=owner
        ).json()
        clock.advance(days=2)
        for n in range(FAILURE_LIMIT):
            secret = (revoked, expiring)[n % 2]["api_key"]
            assert client.get("/v1/me", headers=bearer(secret) | ATTACKER).status_code == 401
        assert client.get("/v1/me", headers=owner | ATTACKER).status_code == 429


def test_the_count_holds_across_app_processes(settings: Settings, admin: Headers) -> None:
    """Two apps on one database (as two processes behind a load balancer) share the count."""
    clock = FakeClock()
    with served(settings, clock) as first, served(settings, clock) as second:
        owner = owner_of_an_organization(first, admin)
        fail(first, FAILURE_LIMIT // 2)
        fail(second, FAILURE_LIMIT - FAILURE_LIMIT // 2)
        assert first.get("/v1/me", headers=owner | ATTACKER).status_code == 429
        assert second.get("/v1/me", headers=owner | ATTACKER).status_code == 429


def test_x_forwarded_for_is_not_believed_from_an_untrusted_peer(
    settings: Settings, admin: Headers
) -> None:
    clock = FakeClock()
    with served(settings, clock, trusted="192.0.2.0/24") as client:
        owner = owner_of_an_organization(client, admin)
        for n in range(FAILURE_LIMIT):  # a new made-up address each time: all are 127.0.0.1
            client.get("/v1/me", headers=WRONG | {"X-Forwarded-For": f"198.51.100.{n}"})
        assert client.get("/v1/me", headers=owner | NEIGHBOUR).status_code == 429


def test_a_failing_writing_request_is_counted_without_waiting_for_its_own_lock(
    settings: Settings, admin: Headers
) -> None:
    """A PATCH holds the write lock on SQLite; its failure is written after it ends."""
    clock = FakeClock()
    with served(settings, clock) as client:
        owner = owner_of_an_organization(client, admin)
        for _ in range(FAILURE_LIMIT):
            response = client.patch(
                "/v1/organizations/acme", json={"name": "x"}, headers=WRONG | ATTACKER
            )
            assert response.status_code == 401
        assert client.get("/v1/me", headers=owner | ATTACKER).status_code == 429


def _request(peer: str, forwarded: list[str]) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return Request({"type": "http", "client": (peer, 1234), "headers": headers})


def test_the_client_address_walks_x_forwarded_for_through_trusted_proxies_only() -> None:
    proxies = [ip_network("10.0.0.0/8"), ip_network("::1/128")]
    assert (
        client_address(_request("10.0.0.2", ["198.51.100.1, 10.0.0.9"]), proxies) == "198.51.100.1"
    )
    assert (
        client_address(_request("10.0.0.2", ["1.2.3.4, 198.51.100.1"]), proxies) == "198.51.100.1"
    )
    assert client_address(_request("10.0.0.2", ["1.2.3.4", "10.1.1.1"]), proxies) == "1.2.3.4"
    assert client_address(_request("::1", ["2001:db8::1"]), proxies) == "2001:db8::1"
    assert client_address(_request("198.51.100.9", ["1.2.3.4"]), proxies) == "198.51.100.9"
    assert client_address(_request("10.0.0.2", ["not-an-address"]), proxies) == "10.0.0.2"
    assert client_address(_request("10.0.0.2", []), proxies) == "10.0.0.2"
    assert client_address(_request("10.0.0.2", ["1.2.3.4"]), []) == "10.0.0.2"


def test_a_successful_authentication_reads_the_key_and_the_count_in_one_statement(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    owner = owner_of_an_organization(client, admin)
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get("/v1/me", headers=owner).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1, reads
    assert "auth_failure" in reads[0] and "api_key" in reads[0]


def test_a_failure_that_cannot_be_counted_answers_alike_on_the_api_and_the_pages(
    settings: Settings, admin: Headers, monkeypatch: Any
) -> None:
    """One way of counting: a database that refuses the failure's row changes no answer."""

    def refuse(**_: object) -> None:
        raise OperationalError("INSERT INTO auth_failure", {}, Exception("disk I/O error"))

    monkeypatch.setattr(repository, "add_auth_failure", refuse)
    with served(settings, FakeClock()) as client:
        assert client.get("/v1/me", headers=WRONG | ATTACKER).status_code == 401
        link = client.get("/a/opmr_not-a-token-of-ours", headers=ATTACKER, follow_redirects=False)
        assert link.status_code == 404
        assert "This link is not valid" in link.text
        signed = client.post("/console/sign-in", data={"key": "opmk_a-guess"}, headers=ATTACKER)
        assert signed.status_code == 401
