"""`Idempotency-Key` on creating POSTs (`api.md`, Retries)."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from ..factories import Headers, bearer, new_assessment, new_organization


def test_the_same_key_and_body_replays_and_creates_nothing(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    headers = {**admin, "Idempotency-Key": "create-acme-1"}
    first = client.post("/v1/organizations", json={"name": "Acme"}, headers=headers)
    second = client.post("/v1/organizations", json={"name": "Acme"}, headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == {**first.json(), "api_key": None}
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM organization")).scalar() == 1
        kept = connection.execute(text("SELECT body FROM idempotency_record")).scalar_one()
    assert first.json()["api_key"] not in kept


def test_the_same_key_with_another_body_answers_422(client: TestClient, admin: Headers) -> None:
    headers = {**admin, "Idempotency-Key": "k"}
    client.post("/v1/organizations", json={"name": "Acme"}, headers=headers)
    response = client.post("/v1/organizations", json={"name": "Other"}, headers=headers)
    assert response.status_code == 422


def test_a_key_is_scoped_to_the_principal_and_the_path(client: TestClient, admin: Headers) -> None:
    org, owner = new_organization(client, admin)
    payload = {"questionnaire_key": "test-q", "title": "2026"}
    path = f"/v1/organizations/{org['slug']}/assessments"
    first = client.post(path, json=payload, headers={**owner, "Idempotency-Key": "same"})
    by_admin = client.post(path, json=payload, headers={**admin, "Idempotency-Key": "same"})
    assert first.json()["id"] != by_admin.json()["id"]
    replay = client.post(path, json=payload, headers={**owner, "Idempotency-Key": "same"})
    assert replay.json()["id"] == first.json()["id"]
    assert len(client.get(path, headers=owner).json()["items"]) == 2


def test_a_replayed_respondent_carries_no_token(client: TestClient, admin: Headers) -> None:
    org, owner = new_organization(client, admin)
    a = new_assessment(client, owner, org["slug"])["id"]
    path = f"/v1/organizations/{org['slug']}/assessments/{a}/respondents"
    headers = {**owner, "Idempotency-Key": "invite-ann"}
    first = client.post(path, json={"name": "Ann"}, headers=headers)
    replay = client.post(path, json={"name": "Ann"}, headers=headers)
    assert replay.json() == {**first.json(), "token": None}
    assert client.get("/v1/me", headers=bearer(first.json()["token"])).status_code == 200
    assert len(client.get(path, headers=owner).json()["items"]) == 1


def test_a_failed_request_is_not_kept(client: TestClient, admin: Headers) -> None:
    new_organization(client, admin, slug="taken")
    headers = {**admin, "Idempotency-Key": "retry-me"}
    conflict = client.post(
        "/v1/organizations", json={"name": "X", "slug": "taken"}, headers=headers
    )
    assert conflict.status_code == 409
    # Kept, the failed request would bind the key to its body: another body would answer 422.
    fixed = client.post("/v1/organizations", json={"name": "X", "slug": "free"}, headers=headers)
    assert fixed.status_code == 201
    assert fixed.json()["slug"] == "free"


def test_a_key_is_forgotten_after_24_hours(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    headers = {**admin, "Idempotency-Key": "daily"}
    first = client.post("/v1/organizations", json={"name": "Acme"}, headers=headers)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE idempotency_record SET created_at = :then"),
            {"then": datetime(2000, 1, 1)},
        )
    again = client.post("/v1/organizations", json={"name": "Acme"}, headers=headers)
    assert again.status_code == 201
    assert again.json()["id"] != first.json()["id"]
    assert again.json()["api_key"] is not None
