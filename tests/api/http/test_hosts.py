"""Allowed hosts, and share URLs that never follow a host a client named (issue 15, item 3)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.app import create_app
from api.core.config import Settings

from ..factories import Headers, new_share_link, scored_assessment


@pytest.fixture
def loopback(settings: Settings) -> Iterator[TestClient]:
    """The app with the default allowed hosts (the loopback names), reached as localhost."""
    defaults = settings.model_copy(update={"allowed_hosts": Settings().allowed_hosts})
    with TestClient(create_app(defaults), base_url="http://localhost:8000") as client:
        yield client


def test_the_loopback_names_are_allowed_by_default() -> None:
    assert Settings().allowed_hosts == ["127.0.0.1", "localhost", "::1"]


@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1", "[::1]:8000", "LocalHost"])
def test_a_loopback_host_is_answered(loopback: TestClient, host: str) -> None:
    assert loopback.get("/v1/health", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "localhost.evil.example", "", "[::2]"])
def test_another_host_answers_400_in_problem_json(loopback: TestClient, host: str) -> None:
    response = loopback.get("/v1/health", headers={"Host": host})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "This service does not answer for the host in the request."
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_share_link_is_never_built_on_a_host_a_client_named(
    loopback: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(loopback, admin)
    refused = loopback.post(
        f"/v1/organizations/{scored['slug']}/share-links",
        json={"assessment_id": scored["assessment"], "expires_in_days": 7},
        headers={**scored["owner"], "Host": "evil.example"},
    )
    assert refused.status_code == 400
    link = new_share_link(
        loopback, scored["owner"], scored["slug"], assessment_id=scored["assessment"]
    )
    assert link["url"].startswith("http://localhost:8000/v1/shared/opms_")


def test_the_public_url_wins_over_the_request_host(settings: Settings, admin: Headers) -> None:
    public = settings.model_copy(
        update={"public_url": "https://opm.example.org", "allowed_hosts": ["127.0.0.1"]}
    )
    with TestClient(create_app(public), base_url="http://127.0.0.1") as client:
        scored = scored_assessment(client, admin)
        link = new_share_link(
            client, scored["owner"], scored["slug"], assessment_id=scored["assessment"]
        )
    assert link["url"].startswith("https://opm.example.org/v1/shared/opms_")


@pytest.mark.parametrize("hosts", ["*", "*.example.org", "opm.example.org,*"])
def test_a_wildcard_host_needs_the_public_url(hosts: str) -> None:
    with pytest.raises(ValidationError, match="a wildcard host needs OPM_PUBLIC_URL"):
        Settings(allowed_hosts=hosts)
    allowed = Settings(allowed_hosts=hosts, public_url="https://opm.example.org")
    assert allowed.allowed_hosts == hosts.split(",")


@pytest.mark.parametrize("hosts", ["opm.*.org", "**.example.org", "*example.org"])
def test_a_malformed_wildcard_is_refused(hosts: str) -> None:
    with pytest.raises(ValidationError, match="a wildcard is written"):
        Settings(allowed_hosts=hosts, public_url="https://opm.example.org")


def test_a_public_url_must_be_an_http_url() -> None:
    with pytest.raises(ValidationError):
        Settings(public_url="opm.example.org")
