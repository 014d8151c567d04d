"""Small factories for the API tests: organizations, keys, assessments, respondents, answers."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

Headers = dict[str, str]


def bearer(secret: str) -> Headers:
    return {"Authorization": f"Bearer {secret}"}


def created(response: Any, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def new_organization(
    client: TestClient, admin: Headers, name: str = "Acme", **fields: Any
) -> tuple[dict[str, Any], Headers]:
    """An organization and its owner key's headers."""
    body = created(client.post("/v1/organizations", json={"name": name, **fields}, headers=admin))
    return body, bearer(body["api_key"])


def new_key(client: TestClient, owner: Headers, org: str, role: str) -> Headers:
    body = created(
        client.post(
            f"/v1/organizations/{org}/keys", json={"name": role, "role": role}, headers=owner
        )
    )
    return bearer(body["api_key"])


def new_assessment(
    client: TestClient, headers: Headers, org: str, version: str | None = "1.0.0", **fields: Any
) -> dict[str, Any]:
    payload = {"questionnaire_key": "test-q", "questionnaire_version": version, "title": "2026"}
    return created(
        client.post(
            f"/v1/organizations/{org}/assessments", json={**payload, **fields}, headers=headers
        )
    )


def new_respondent(
    client: TestClient, headers: Headers, org: str, assessment: str, name: str = "Ann"
) -> tuple[dict[str, Any], Headers]:
    """A respondent and its token's headers."""
    body = created(
        client.post(
            f"/v1/organizations/{org}/assessments/{assessment}/respondents",
            json={"name": name, "role": "PMO lead"},
            headers=headers,
        )
    )
    return body, bearer(body["token"])


def answers_path(org: str, assessment: str, respondent: str) -> str:
    return f"/v1/organizations/{org}/assessments/{assessment}/respondents/{respondent}/answers"


def save(
    client: TestClient, headers: Headers, org: str, assessment: str, respondent: str, **values: Any
) -> Any:
    """PATCH answers given as question_id=value (None clears, "na" marks N/A)."""
    items = [
        {"question_id": question_id.replace("_", "-")}
        | ({"not_applicable": True} if value == "na" else {"value": value})
        for question_id, value in values.items()
    ]
    return client.patch(
        answers_path(org, assessment, respondent), json={"answers": items}, headers=headers
    )
