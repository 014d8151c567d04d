"""Health, and problem JSON for what no route answers itself: 404, 405, 400, 413, 500.

An unauthenticated request with a malformed body answers 401 first: who asks is checked before
what is sent.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.core.config import Settings
from api.storage.db import make_engine
from api.storage.migrate import upgrade


def test_health_answers_ok_without_a_secret(client: TestClient) -> None:
    response = client.get("/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_answers_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/opm.db",
        questionnaire_dirs=[],
        allowed_hosts=["testserver"],
    )
    upgrade(settings.database_url)
    with TestClient(create_app(settings)) as client:
        client.app.state.engine.dispose()  # type: ignore[attr-defined]
        client.app.state.engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
        response = client.get("/v1/health")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["database"] == "unreachable"


def test_unknown_path_answers_404_problem(client: TestClient) -> None:
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_wrong_method_answers_405_problem(client: TestClient) -> None:
    response = client.delete("/v1/health")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"


def test_malformed_json_answers_400(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post(
        "/v1/organizations",
        content=b"{not json",
        headers={**admin, "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_malformed_json_without_a_secret_answers_401_first(client: TestClient) -> None:
    response = client.post(
        "/v1/organizations", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 401


def test_an_unexpected_error_answers_500_without_internals(client: TestClient) -> None:
    def explode() -> None:
        raise RuntimeError("secret internals")

    client.app.add_api_route("/v1/explode", explode)  # type: ignore[attr-defined]
    response = client.get("/v1/explode")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret internals" not in response.text


def test_a_body_over_the_limit_answers_413(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post(
        "/v1/organizations",
        content=b"x" * (1024 * 1024 + 1),
        headers={**admin, "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["status"] == 413
