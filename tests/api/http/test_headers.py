"""Headers every answer carries; a 405 lists every method its path allows (issue 15, item 5)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.core.config import Settings

from ..factories import Headers, new_organization, scored_assessment


def test_json_answers_carry_nosniff_and_no_store(client: TestClient, admin: Headers) -> None:
    for response in (
        client.get("/v1/health"),
        client.get("/v1/me", headers=admin),
        client.get("/v1/me"),  # a 401
        client.get("/v1/nowhere"),  # a 404 of the router
    ):
        assert response.headers["x-content-type-options"] == "nosniff", response.url
        assert response.headers["cache-control"] == "no-store", response.url


def test_answers_that_carry_a_secret_are_not_stored(client: TestClient, admin: Headers) -> None:
    response = client.post("/v1/organizations", json={"name": "Acme"}, headers=admin)
    assert response.status_code == 201 and response.json()["api_key"]
    assert response.headers["cache-control"] == "no-store"
    key = client.post(
        "/v1/organizations/acme/keys",
        json={"name": "bi", "role": "reader"},
        headers={"Authorization": f"Bearer {response.json()['api_key']}"},
    )
    assert key.status_code == 201
    assert key.headers["cache-control"] == "no-store"


def test_reports_and_exports_are_not_stored(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    path = scored["path"]
    for url in (f"{path}/report", f"{path}/report?format=csv", f"{path}/export"):
        response = client.get(url, headers=scored["owner"])
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == "no-store", url
        assert response.headers["x-content-type-options"] == "nosniff", url


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/v1/organizations", "GET, HEAD, POST"),
        ("PUT", "/v1/organizations/acme", "GET, HEAD, PATCH"),
        ("PATCH", "/v1/organizations/acme/keys", "GET, HEAD, POST"),
        ("DELETE", "/v1/organizations/acme/share-links", "GET, HEAD, POST"),
        ("POST", "/v1/organizations/acme/targets/test-q", "GET, HEAD, PUT"),
        ("POST", "/v1/health", "GET, HEAD"),
    ],
)
def test_a_405_lists_every_method_the_path_allows(
    client: TestClient, admin: Headers, method: str, path: str, allowed: str
) -> None:
    _, owner = new_organization(client, admin)
    response = client.request(method, path, headers=owner)
    assert response.status_code == 405
    assert response.headers["allow"] == allowed
    assert response.headers["content-type"] == "application/problem+json"


def test_the_docs_pages_are_served_only_with_opm_docs(settings: Settings) -> None:
    """Swagger UI and ReDoc load scripts from a CDN on the console's origin (issue 27, item 7)."""
    with TestClient(create_app(settings)) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/redoc").status_code == 404
        assert client.get("/openapi.json").status_code == 200  # the contract is always served
    with TestClient(create_app(settings.model_copy(update={"docs": True}))) as client:
        assert client.get("/docs").status_code == 200
        assert client.get("/redoc").status_code == 200


def test_opm_docs_is_off_unless_said_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPM_DOCS", raising=False)
    assert Settings().docs is False
    monkeypatch.setenv("OPM_DOCS", "true")
    assert Settings().docs is True
