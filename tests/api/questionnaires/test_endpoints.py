"""The questionnaire endpoints: lists of keys and versions (limit, cursor), one version whole."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def test_questionnaires_need_a_secret(client: TestClient) -> None:
    response = client.get("/v1/questionnaires")
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_questionnaire_list_shows_the_newest_version_of_each_key(
    client: TestClient, admin: dict[str, str]
) -> None:
    response = client.get("/v1/questionnaires", headers=admin)
    assert response.status_code == 200
    page = response.json()
    by_key = {item["key"]: item for item in page["items"]}
    assert by_key["test-q"] == {
        "key": "test-q",
        "version": "1.10.0",
        "title": "Test questionnaire",
        "description": "Small enough to reason about by hand.",
        "question_count": 7,
        "best_practice_count": 6,
    }
    assert page["next_cursor"] is None


def test_questionnaire_versions_order_by_semantic_version(
    client: TestClient, admin: dict[str, str]
) -> None:
    response = client.get("/v1/questionnaires/test-q/versions", headers=admin)
    assert [v["version"] for v in response.json()["items"]] == ["1.10.0", "1.9.0", "1.0.0"]
    assert all(len(v["content_hash"]) == 64 for v in response.json()["items"])


def test_questionnaire_versions_paginate_with_a_cursor(
    client: TestClient, admin: dict[str, str]
) -> None:
    first = client.get("/v1/questionnaires/test-q/versions?limit=2", headers=admin).json()
    assert [v["version"] for v in first["items"]] == ["1.10.0", "1.9.0"]
    second = client.get(
        f"/v1/questionnaires/test-q/versions?limit=2&cursor={first['next_cursor']}", headers=admin
    ).json()
    assert [v["version"] for v in second["items"]] == ["1.0.0"]
    assert second["next_cursor"] is None


def test_a_cursor_used_with_another_filter_answers_422(
    client: TestClient, admin: dict[str, str]
) -> None:
    """A cursor carries its list's filters (`api.md`, Lists): here the key, or none at all."""
    first = client.get("/v1/questionnaires/test-q/versions?limit=1", headers=admin).json()
    cursor = first["next_cursor"]
    other_filters = {
        "type": "about:blank",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "cursor was made with other filters; start again without a cursor",
        "errors": [
            {"field": "cursor", "in": "query", "message": "filters differ from the cursor's"}
        ],
    }
    for path in ("/v1/questionnaires/test-q-quick/versions", "/v1/questionnaires"):
        response = client.get(path, params={"cursor": cursor}, headers=admin)
        assert (response.status_code, response.json()) == (422, other_filters), path
    # An unknown key is not a list at all: 404, whatever the cursor.
    unknown = client.get(
        "/v1/questionnaires/test-q2/versions", params={"cursor": cursor}, headers=admin
    )
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "No questionnaire with key 'test-q2'."


@pytest.mark.parametrize("limit", [0, 201, -1])
def test_a_limit_out_of_range_answers_422(
    client: TestClient, admin: dict[str, str], limit: int
) -> None:
    response = client.get(f"/v1/questionnaires?limit={limit}", headers=admin)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"


def test_a_questionnaire_is_served_whole(client: TestClient, admin: dict[str, str]) -> None:
    response = client.get("/v1/questionnaires/test-q/versions/1.0.0", headers=admin)
    assert response.status_code == 200
    body = response.json()
    assert body["key"] == "test-q"
    assert body["scoring"] == {
        "attainment_threshold": 0.75,
        "stage_threshold": 0.8,
        "aggregation": "mean",
        "credit_floor": 0.0,
        "question_floor": 0.5,
        "shortfalls_allowed": 1,
    }
    assert body["subset_of"] is None
    assert [bp["id"] for bp in body["best_practices"]][:2] == ["PRJ-STD-01", "PRJ-MEA-01"]


def test_the_newest_questionnaire_is_served_by_key(
    client: TestClient, admin: dict[str, str]
) -> None:
    assert client.get("/v1/questionnaires/test-q", headers=admin).json()["version"] == "1.10.0"


def test_unknown_questionnaire_answers_404_problem(
    client: TestClient, admin: dict[str, str]
) -> None:
    response = client.get("/v1/questionnaires/test-q/versions/9.9.9", headers=admin)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert set(response.json()) >= {"type", "title", "status", "detail", "errors"}
