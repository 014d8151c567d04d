"""Whatever a client sends answers a clear 4xx, never a 500, in the contract's order."""

from __future__ import annotations

import base64
import json
from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient
from pydantic import Strict

from api.schemas import Input
from api.storage.db import make_engine

from ..factories import Headers, World, new_key, save


def _at(path: str, world: World) -> str:
    """A path of the parameters below, in the world's organization, assessment and respondent."""
    return path.format(slug=world.slug, a=world.assessment, r=world.respondent)


def _raw(client: TestClient, method: str, path: str, body: bytes, headers: Headers) -> Any:
    return client.request(
        method, path, content=body, headers={**headers, "content-type": "application/json"}
    )


@pytest.mark.parametrize(
    "path",
    [
        "/v1/organizations/%00",
        "/v1/organizations/{slug}/assessments/%00",
        "/v1/organizations/{slug}/assessments/{a}/respondents/%00/answers",
        "/v1/questionnaires/%00",
        "/v1/questionnaires/test-q/versions/%00",
        "/v1/organizations/{slug}/trend?questionnaire=%00",
        "/v1/organizations/{slug}/compare?base=%00&target={a}",
        "/v1/organizations/{slug}/targets/%00",
    ],
)
def test_a_nul_in_a_path_or_query_id_answers_404(
    client: TestClient, world: World, path: str
) -> None:
    response = client.get(_at(path, world), headers=world.owner)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/organizations", b'{"name": "a\\u0000b"}'),
        ("POST", "/v1/organizations/{slug}/assessments",
         b'{"questionnaire_key": "test-q", "title": "a\\u0000b"}'),
        ("PATCH", "/v1/organizations/{slug}/assessments/{a}/respondents/{r}/answers",
         b'{"answers": [{"question_id": "PRJ-STD-01-Q1", "value": 1, "comment": "\\ud800"}]}'),
        ("PATCH", "/v1/organizations/{slug}/assessments/{a}/respondents/{r}/answers",
         b'{"answers": [{"question_id": "\\ud800", "value": 1}]}'),
        ("PATCH", "/v1/organizations/{slug}/assessments/{a}/respondents/{r}/answers",
         b'{"answers": [{"question_id": "PRJ-STD-01-Q1", "evidence": ["\\udc00"]}]}'),
        ("PUT", "/v1/organizations/{slug}/targets/test-q", b'{"domains": {"\\ud800": 1}}'),
        ("PUT", "/v1/organizations/{slug}/targets/test-q", b'{"domains": {"\\ud800": true}}'),
        ("POST", "/v1/organizations/{slug}/share-links",
         b'{"assessment_id": "\\ud800", "expires_in_days": 1}'),
        ("PATCH", "/v1/organizations/{slug}", b'{"name": "x", "\\ud800": 1}'),
    ],
)  # fmt: skip
def test_text_that_cannot_be_stored_answers_422(
    client: TestClient, world: World, admin: Headers, method: str, path: str, body: bytes
) -> None:
    headers = admin if path == "/v1/organizations" else world.owner
    response = _raw(client, method, _at(path, world), body, headers)
    assert response.status_code == 422, response.text
    assert response.json()["status"] == 422


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", "/v1/organizations/{slug}/assessments/{a}/respondents/{r}/answers",
         {"answers": [{"question_id": "PRJ-STD-01-Q1", "value": True}]}),
        ("PATCH", "/v1/organizations/{slug}/assessments/{a}/respondents/{r}/answers",
         {"answers": [{"question_id": "PRJ-STD-01-Q1", "value": 2.0}]}),
        ("PATCH", "/v1/organizations/{slug}/assessments/{a}/respondents/{r}/answers",
         {"answers": [{"question_id": "PRJ-STD-01-Q1", "value": 10**30}]}),
        ("PUT", "/v1/organizations/{slug}/targets/test-q", {"domains": {"project": True}}),
        ("POST", "/v1/organizations/{slug}/share-links",
         {"questionnaire_key": "test-q", "expires_in_days": True}),
        ("POST", "/v1/organizations/{slug}/assessments",
         {"questionnaire_key": "test-q", "title": "x", "period_end": 86400}),
        ("POST", "/v1/organizations/{slug}/assessments",
         {"questionnaire_key": "test-q", "title": "x", "period_end": "30/06/2025"}),
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_type_is_not_coerced(
    client: TestClient, world: World, method: str, path: str, body: dict[str, Any]
) -> None:
    response = client.request(method, _at(path, world), json=body, headers=world.owner)
    assert response.status_code == 422, response.text


def _cursor(position: list[Any], filters: dict[str, Any]) -> str:
    raw = json.dumps({"p": position, "f": filters}, sort_keys=True, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "position",
    [
        ["2026-01-01T00:00:00+00:00", {"a": 1}],
        ["2026-01-01T00:00:00+00:00", [1, 2]],
        ["2026-01-01T00:00:00+00:00", 1e40],
        ["9999-12-31T23:59:59-23:59", "asm_x"],
        ["0001-01-01T00:00:00+23:59", "asm_x"],
        ["2026-01-01T00:00:00", "asm_x"],
        ["not a date", "asm_x"],
        ["2026-01-01T00:00:00+00:00"],
    ],
)
def test_a_tampered_cursor_answers_422(
    client: TestClient, world: World, position: list[Any]
) -> None:
    filters = {"organization": world.organization_id, "status": None, "questionnaire": None}
    response = client.get(
        f"/v1/organizations/{world.slug}/assessments?cursor={_cursor(position, filters)}",
        headers=world.owner,
    )
    assert response.status_code == 422


def test_json_nested_too_deep_answers_400(client: TestClient, world: World) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    path = world.answers
    assert _raw(client, "PATCH", path, body, world.token).status_code == 400


def test_an_unknown_key_is_404_before_a_missing_right(client: TestClient, world: World) -> None:
    slug = world.slug
    editor = new_key(client, world.owner, slug, "editor")
    reader = new_key(client, world.owner, slug, "reader")
    unknown_key = client.delete(f"/v1/organizations/{slug}/keys/key_{'0' * 20}", headers=editor)
    unknown_link = client.delete(
        f"/v1/organizations/{slug}/share-links/shl_{'0' * 20}", headers=reader
    )
    unknown_targets = client.put(
        f"/v1/organizations/{slug}/targets/nope", json={"domains": {}}, headers=reader
    )
    assert [r.status_code for r in (unknown_key, unknown_link, unknown_targets)] == [404] * 3
    known_key = client.get(f"/v1/organizations/{slug}/keys", headers=world.owner).json()
    forbidden = client.delete(
        f"/v1/organizations/{slug}/keys/{known_key['items'][0]['id']}", headers=editor
    )
    assert forbidden.status_code == 403


def test_compare_answers_404_for_an_unknown_side_before_409_for_an_open_one(
    client: TestClient, world: World
) -> None:
    response = client.get(
        f"/v1/organizations/{world.slug}/compare?base={world.assessment}&target=asm_{'0' * 20}",
        headers=world.owner,
    )
    assert response.status_code == 404


def test_no_token_is_issued_once_the_assessment_is_closed(client: TestClient, world: World) -> None:
    slug, a, r = world.slug, world.assessment, world.respondent
    save(client, world.owner, slug, a, r, PRJ_STD_01_Q1=3)
    client.post(f"/v1/organizations/{slug}/assessments/{a}/close", headers=world.owner)
    response = client.post(
        f"/v1/organizations/{slug}/assessments/{a}/respondents/{r}/token", headers=world.owner
    )
    assert response.status_code == 409
    assert client.get(world.answers, headers=world.token).status_code == 200


def test_an_idempotency_key_holds_whether_the_organization_is_named_by_slug_or_id(
    client: TestClient, world: World
) -> None:
    headers = {**world.owner, "Idempotency-Key": "invite-1"}
    by_slug = client.post(
        f"/v1/organizations/{world.slug}/assessments/{world.assessment}/respondents",
        json={"name": "Bo"},
        headers=headers,
    )
    by_id = client.post(
        f"/v1/organizations/{world.organization_id}/assessments/{world.assessment}/respondents",
        json={"name": "Bo"},
        headers=headers,
    )
    assert by_id.json()["id"] == by_slug.json()["id"]
    assert by_id.json()["token"] is None


def test_a_database_that_went_away_answers_503(client: TestClient, world: World) -> None:
    client.app.state.engine.dispose()  # type: ignore[attr-defined]
    client.app.state.engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # type: ignore[attr-defined]
    try:
        response = client.get("/v1/me", headers=world.owner)
    finally:
        client.app.state.engine.dispose()  # type: ignore[attr-defined]
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"


def test_a_filter_that_cannot_be_a_questionnaire_key_answers_422(
    client: TestClient, world: World
) -> None:
    response = client.get(
        f"/v1/organizations/{world.slug}/assessments?questionnaire=%00", headers=world.owner
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "questionnaire"


@pytest.mark.parametrize("loose", ["yes", 1, "true", 0])
def test_a_not_applicable_that_is_not_a_json_boolean_answers_422(
    client: TestClient, world: World, loose: object
) -> None:
    path = world.answers
    response = client.patch(
        path,
        json={"answers": [{"question_id": "PGM-STD-01-Q1", "not_applicable": loose}]},
        headers=world.token,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "answers.0.not_applicable"
    assert client.get(path, headers=world.token).json()["answers"] == []


@pytest.mark.parametrize("loose", ["yes", 1, "false"])
def test_a_pmo_exists_that_is_not_a_json_boolean_answers_422(
    client: TestClient, world: World, loose: object
) -> None:
    response = client.patch(
        f"/v1/organizations/{world.slug}",
        json={"profile": {"pmo": {"exists": loose}}},
        headers=world.owner,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "profile.pmo.exists"


def _request_models() -> list[type[Input]]:
    found: list[type[Input]] = []
    pending: list[type[Input]] = [Input]
    while pending:
        model = pending.pop()
        found.append(model)
        pending.extend(model.__subclasses__())
    return found


def test_every_boolean_of_every_request_body_is_strict() -> None:
    import api.app  # noqa: F401 - every route, so every request model, is defined

    loose = [
        f"{model.__name__}.{name}"
        for model in _request_models()
        for name, field in model.model_fields.items()
        if bool in (field.annotation, *get_args(field.annotation))
        and not any(isinstance(meta, Strict) and meta.strict for meta in field.metadata)
    ]
    assert loose == []
