"""Organizations, keys and principals (`api.md`, Organizations and keys; `GET /v1/me`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text

from api.core.config import Settings
from api.core.secrets import secret_hash
from api.storage.tables import utcnow

from ..command_line import opm
from ..factories import bearer, created, new_assessment, new_key, new_organization, new_respondent

PMO = {"exists": True, "type": "controlling", "permanence": "permanent", "scope": "enterprise"}


def test_admin_creates_an_organization_with_a_first_owner_key(
    client: TestClient, admin: dict[str, str]
) -> None:
    body, owner = new_organization(client, admin, "Acme Corp", profile={"pmo": PMO})
    assert body["id"].startswith("org_")
    assert body["slug"] == "acme-corp"
    assert body["profile"]["pmo"] == PMO
    assert body["api_key"].startswith("opmk_")
    me = client.get("/v1/me", headers=owner).json()
    assert me == {
        "kind": "key",
        "role": "owner",
        "organization": body["id"],
        "assessment": None,
        "respondent": None,
        "questionnaire": None,
        "organization_name": None,
        "assessment_title": None,
        "scope": None,
    }


def test_a_taken_slug_answers_409(client: TestClient, admin: dict[str, str]) -> None:
    new_organization(client, admin, "Acme", slug="acme")
    response = client.post(
        "/v1/organizations", json={"name": "Other", "slug": "acme"}, headers=admin
    )
    assert response.status_code == 409


def test_a_slug_made_from_a_name_avoids_taken_ones(
    client: TestClient, admin: dict[str, str]
) -> None:
    first, _ = new_organization(client, admin, "Acme")
    second, _ = new_organization(client, admin, "ACME!")
    assert (first["slug"], second["slug"]) == ("acme", "acme-2")


def test_an_invalid_slug_answers_422(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post(
        "/v1/organizations", json={"name": "A", "slug": "Not_A_Slug"}, headers=admin
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "slug"


def test_pmo_details_without_a_pmo_answer_422(client: TestClient, admin: dict[str, str]) -> None:
    profile = {"pmo": {"exists": False, "type": "directive"}}
    response = client.post(
        "/v1/organizations", json={"name": "A", "profile": profile}, headers=admin
    )
    assert response.status_code == 422


def test_only_an_admin_creates_or_lists_organizations(
    client: TestClient, admin: dict[str, str]
) -> None:
    _, owner = new_organization(client, admin)
    assert client.post("/v1/organizations", json={"name": "B"}, headers=owner).status_code == 403
    assert client.get("/v1/organizations", headers=owner).status_code == 403
    assert client.get("/v1/organizations", headers=admin).status_code == 200


def test_organizations_list_newest_first_across_pages(
    client: TestClient, admin: dict[str, str]
) -> None:
    slugs = [new_organization(client, admin, f"Org {n}")[0]["slug"] for n in range(5)]
    first = client.get("/v1/organizations?limit=2", headers=admin).json()
    second = client.get(f"/v1/organizations?limit=2&cursor={first['next_cursor']}", headers=admin)
    third = client.get(
        f"/v1/organizations?limit=2&cursor={second.json()['next_cursor']}", headers=admin
    ).json()
    listed = [o["slug"] for page in (first, second.json(), third) for o in page["items"]]
    assert listed == list(reversed(slugs))
    assert third["next_cursor"] is None


def test_an_organization_is_found_by_id_or_slug(client: TestClient, admin: dict[str, str]) -> None:
    body, owner = new_organization(client, admin)
    a = new_assessment(client, owner, body["slug"])["id"]
    r = new_respondent(client, owner, body["slug"], a)[0]["id"]
    for org in (body["id"], body["slug"]):
        # Each depth of the lookup that reads the path with the key (`{org}`, `{a}`, `{r}`).
        assert client.get(f"/v1/organizations/{org}", headers=owner).json()["id"] == body["id"]
        got = client.get(f"/v1/organizations/{org}/assessments/{a}", headers=owner)
        assert got.json()["id"] == a
        answers = client.get(
            f"/v1/organizations/{org}/assessments/{a}/respondents/{r}/answers", headers=owner
        )
        assert answers.status_code == 200


def test_patch_changes_only_what_is_given(client: TestClient, admin: dict[str, str]) -> None:
    body, owner = new_organization(client, admin, profile={"industry": "Energy"})
    response = client.patch(
        f"/v1/organizations/{body['slug']}", json={"name": "New"}, headers=owner
    )
    assert response.json()["name"] == "New"
    assert response.json()["profile"]["industry"] == "Energy"
    response = client.patch(
        f"/v1/organizations/{body['slug']}",
        json={"name": None, "profile": {"pmo": PMO}},
        headers=owner,
    )
    assert response.json()["name"] == "New"
    assert response.json()["profile"] == {"industry": None, "size": None, "pmo": PMO}


def test_keys_are_stored_hashed_and_shown_once(
    client: TestClient, admin: dict[str, str], engine: Engine
) -> None:
    body, owner = new_organization(client, admin)
    key = created(
        client.post(
            f"/v1/organizations/{body['slug']}/keys",
            json={"name": "BI", "role": "reader"},
            headers=owner,
        )
    )
    listed = client.get(f"/v1/organizations/{body['slug']}/keys", headers=owner).json()["items"]
    assert all("api_key" not in item for item in listed)
    assert key["prefix"] == key["api_key"][:12]
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT secret_hash FROM api_key WHERE id = :id"), {"id": key["id"]}
        ).scalar()
        everything = " ".join(
            str(v) for row in connection.execute(text("SELECT * FROM api_key")) for v in row
        )
    assert stored == secret_hash(key["api_key"])
    assert key["api_key"] not in everything


def test_a_revoked_key_answers_401(client: TestClient, admin: dict[str, str]) -> None:
    body, owner = new_organization(client, admin)
    reader = new_key(client, owner, body["slug"], "reader")
    assert client.get(f"/v1/organizations/{body['slug']}", headers=reader).status_code == 200
    key_id = client.get(f"/v1/organizations/{body['slug']}/keys", headers=owner).json()["items"][0][
        "id"
    ]
    response = client.delete(f"/v1/organizations/{body['slug']}/keys/{key_id}", headers=owner)
    assert response.status_code == 204
    assert client.get(f"/v1/organizations/{body['slug']}", headers=reader).status_code == 401


def test_an_editor_key_cannot_manage_keys(client: TestClient, admin: dict[str, str]) -> None:
    body, owner = new_organization(client, admin)
    editor = new_key(client, owner, body["slug"], "editor")
    response = client.post(
        f"/v1/organizations/{body['slug']}/keys",
        json={"name": "x", "role": "owner"},
        headers=editor,
    )
    assert response.status_code == 403
    assert (
        client.patch(
            f"/v1/organizations/{body['slug']}", json={"name": "E"}, headers=editor
        ).status_code
        == 200
    )


def test_a_reader_key_only_reads(client: TestClient, admin: dict[str, str]) -> None:
    body, owner = new_organization(client, admin)
    reader = new_key(client, owner, body["slug"], "reader")
    assert (
        client.get(f"/v1/organizations/{body['slug']}/assessments", headers=reader).status_code
        == 200
    )
    response = client.post(
        f"/v1/organizations/{body['slug']}/assessments",
        json={"questionnaire_key": "test-q", "title": "x"},
        headers=reader,
    )
    assert response.status_code == 403


def test_an_admin_acts_as_any_owner(client: TestClient, admin: dict[str, str]) -> None:
    body, _ = new_organization(client, admin)
    assessment = new_assessment(client, admin, body["slug"])
    assert assessment["status"] == "open"
    key = client.post(
        f"/v1/organizations/{body['slug']}/keys",
        json={"name": "x", "role": "editor"},
        headers=admin,
    )
    assert key.status_code == 201


def test_me_tells_a_respondent_its_questionnaire(client: TestClient, admin: dict[str, str]) -> None:
    body, owner = new_organization(client, admin)
    assessment = new_assessment(client, owner, body["slug"])
    respondent, token = new_respondent(client, owner, body["slug"], assessment["id"])
    assert client.get("/v1/me", headers=token).json() == {
        "kind": "respondent",
        "role": None,
        "organization": body["id"],
        "assessment": assessment["id"],
        "respondent": respondent["id"],
        "questionnaire": {"key": "test-q", "version": "1.0.0"},
        "organization_name": "Acme",
        "assessment_title": "2026",
        "scope": ["project", "program"],
    }
    assert client.get("/v1/me", headers=admin).json()["kind"] == "admin"


def test_an_unknown_secret_answers_401(client: TestClient) -> None:
    response = client.get("/v1/me", headers=bearer("opmk_nothing"))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_cli_creates_an_admin_key_that_works(
    client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = opm(monkeypatch, settings.database_url, "key", "create", "--admin", "--name", "ops")
    org = opm(monkeypatch, settings.database_url, "org", "create", "Beta Ltd")
    assert result.exit_code == 0, result.output
    secret = result.output.strip().rsplit(" ", 1)[-1]
    assert client.get("/v1/organizations", headers=bearer(secret)).status_code == 200
    assert org.exit_code == 0, org.output
    owner = org.output.strip().rsplit(" ", 1)[-1]
    assert client.get("/v1/organizations/beta-ltd", headers=bearer(owner)).status_code == 200


def test_a_slug_made_from_a_name_keeps_accented_letters(
    client: TestClient, admin: dict[str, str]
) -> None:
    body, _ = new_organization(client, admin, "Acme Énergie Société")
    assert body["slug"] == "acme-energie-societe"


def test_a_key_records_when_it_was_last_used(client: TestClient, admin: dict[str, str]) -> None:
    body, owner = new_organization(client, admin)
    reader = new_key(client, owner, body["slug"], "reader")
    keys = client.get(f"/v1/organizations/{body['slug']}/keys", headers=owner).json()["items"]
    assert keys[0]["last_used_at"] is None
    client.get(f"/v1/organizations/{body['slug']}", headers=reader)
    keys = client.get(f"/v1/organizations/{body['slug']}/keys", headers=owner).json()["items"]
    assert keys[0]["role"] == "reader"
    assert keys[0]["last_used_at"] is not None


def test_a_key_in_steady_use_records_its_use_at_most_once_a_minute(
    client: TestClient, admin: dict[str, str], engine: Engine
) -> None:
    body, owner = new_organization(client, admin)
    reader = new_key(client, owner, body["slug"], "reader")
    keys = client.get(f"/v1/organizations/{body['slug']}/keys", headers=owner).json()["items"]
    key_id = next(key["id"] for key in keys if key["role"] == "reader")
    organization = f"/v1/organizations/{body['slug']}"

    def key_updates_during_a_request() -> list[str]:
        statements: list[str] = []

        def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", seen)
        try:
            assert client.get(organization, headers=reader).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        return [s for s in statements if s.lstrip().upper().startswith("UPDATE API_KEY")]

    assert key_updates_during_a_request(), "a first use is recorded"
    assert not key_updates_during_a_request(), "a use within the minute writes nothing"
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE api_key SET last_used_at = :then WHERE id = :id"),
            {"then": "2020-01-01 00:00:00.000000", "id": key_id},
        )
    assert key_updates_during_a_request(), "a use a minute after the last one is recorded"
    with engine.connect() as connection:
        recorded = connection.execute(
            text("SELECT last_used_at FROM api_key WHERE id = :id"), {"id": key_id}
        ).scalar_one()
    assert str(recorded) > "2021"


# Keys that end (issue 15, item 8)


def test_a_key_created_without_expiry_never_expires(
    client: TestClient, admin: dict[str, str]
) -> None:
    body, owner = new_organization(client, admin)
    key = created(
        client.post(
            f"/v1/organizations/{body['slug']}/keys",
            json={"name": "BI", "role": "reader"},
            headers=owner,
        )
    )
    assert key["expires_at"] is None
    client.app.state.clock = lambda: utcnow() + timedelta(days=10_000)  # type: ignore[attr-defined]
    assert client.get("/v1/me", headers=bearer(key["api_key"])).status_code == 200


def test_an_expired_key_answers_401_like_a_revoked_one(
    client: TestClient, admin: dict[str, str]
) -> None:
    body, owner = new_organization(client, admin)
    before = utcnow()
    key = created(
        client.post(
            f"/v1/organizations/{body['slug']}/keys",
            json={"name": "contractor", "role": "editor", "expires_in_days": 30},
            headers=owner,
        )
    )
    expires_at = datetime.fromisoformat(key["expires_at"])
    assert before + timedelta(days=30) <= expires_at <= utcnow() + timedelta(days=30)
    listed = client.get(f"/v1/organizations/{body['slug']}/keys", headers=owner).json()["items"]
    assert {item["id"]: item["expires_at"] for item in listed}[key["id"]] == key["expires_at"]
    path, headers = f"/v1/organizations/{body['slug']}", bearer(key["api_key"])
    client.app.state.clock = lambda: expires_at - timedelta(seconds=1)  # type: ignore[attr-defined]
    assert client.get(path, headers=headers).status_code == 200
    client.app.state.clock = lambda: expires_at  # type: ignore[attr-defined]
    expired = client.get(path, headers=headers)
    assert expired.status_code == 401
    assert expired.headers["content-type"] == "application/problem+json"
    assert expired.headers["www-authenticate"] == "Bearer"
    revoked = client.get(path, headers=bearer("opmk_revoked-or-unknown"))
    assert expired.json() == revoked.json(), "an expired key says no more than an unknown one"


def test_expires_in_days_must_be_a_whole_number_of_days_from_one(
    client: TestClient, admin: dict[str, str]
) -> None:
    body, owner = new_organization(client, admin)
    for days in (0, -1, 3651, 1.5, "7", True):
        response = client.post(
            f"/v1/organizations/{body['slug']}/keys",
            json={"name": "k", "role": "reader", "expires_in_days": days},
            headers=owner,
        )
        assert response.status_code == 422, (days, response.text)
        assert response.json()["errors"][0]["field"] == "expires_in_days"


def test_cli_creates_a_key_that_expires(
    client: TestClient, admin: dict[str, str], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    body, owner = new_organization(client, admin)
    result = opm(
        monkeypatch, settings.database_url,
        "key", "create", "--org", body["slug"], "--role", "reader", "--expires-in-days", "2",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    secret = result.output.strip().rsplit(" ", 1)[-1]
    keys = client.get(f"/v1/organizations/{body['slug']}/keys", headers=owner).json()["items"]
    expires_at = datetime.fromisoformat(keys[0]["expires_at"])
    assert timedelta(days=2) - timedelta(minutes=1) < expires_at - utcnow() <= timedelta(days=2)
    client.app.state.clock = lambda: expires_at  # type: ignore[attr-defined]
    assert client.get("/v1/me", headers=bearer(secret)).status_code == 401


def test_an_organization_key_is_never_an_admin_key(
    client: TestClient, admin: dict[str, str]
) -> None:
    body, owner = new_organization(client, admin)
    for headers in (owner, admin):
        response = client.post(
            f"/v1/organizations/{body['slug']}/keys",
            json={"name": "k", "role": "admin"},
            headers=headers,
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "role"
