"""Share links (`api.md`): read-only, expiring, revocable URLs opened without a key."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from api.app import create_app
from api.core.config import Settings
from api.core.secrets import secret_hash
from api.render.html import CONTENT_SECURITY_POLICY

from ..factories import (
    Headers,
    close,
    new_assessment,
    new_key,
    new_organization,
    new_respondent,
    new_share_link,
    save,
    scored_assessment,
)


def shared_path(link: dict[str, str]) -> str:
    return urlsplit(link["url"]).path


def test_a_report_link_opens_the_page_without_a_key(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    before = datetime.now(UTC)
    link = new_share_link(
        client, scored["owner"], scored["slug"], assessment_id=scored["assessment"]
    )
    assert link["id"].startswith("shl_")
    assert re.fullmatch(r"http://testserver/v1/shared/opms_[A-Za-z0-9_-]{43}", link["url"])
    expires = datetime.fromisoformat(link["expires_at"])
    assert timedelta(days=7) <= expires - before < timedelta(days=7, minutes=1)
    response = client.get(shared_path(link))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert "Acme Énergie" in response.text and 'id="heatmap"' in response.text
    assert "shared read-only" in response.text


def test_the_link_uses_the_configured_public_url(settings: Settings, admin: Headers) -> None:
    public = settings.model_copy(update={"public_url": "https://opm.example.org/"})
    with TestClient(create_app(public)) as client:
        scored = scored_assessment(client, admin)
        link = new_share_link(
            client, scored["owner"], scored["slug"], assessment_id=scored["assessment"]
        )
    assert link["url"].startswith("https://opm.example.org/v1/shared/opms_")


def test_a_shared_open_assessment_shows_the_provisional_banner(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin, closed=False)
    link = new_share_link(
        client, scored["owner"], scored["slug"], assessment_id=scored["assessment"]
    )
    html = client.get(shared_path(link)).text
    assert 'id="provisional"' in html


def test_only_the_hash_of_the_token_is_stored(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    scored = scored_assessment(client, admin)
    link = new_share_link(
        client, scored["owner"], scored["slug"], assessment_id=scored["assessment"]
    )
    token = shared_path(link).rsplit("/", 1)[-1]
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT * FROM share_link WHERE id = :id"), {"id": link["id"]}
        ).one()
    assert row.token_hash == secret_hash(token)
    assert token not in [str(value) for value in row]


def test_a_revoked_link_answers_404(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    link = new_share_link(
        client, scored["owner"], scored["slug"], assessment_id=scored["assessment"]
    )
    path = f"/v1/organizations/{scored['slug']}/share-links/{link['id']}"
    assert client.delete(path, headers=scored["owner"]).status_code == 204
    gone = client.get(shared_path(link))
    assert gone.status_code == 404
    assert gone.headers["content-type"] == "application/problem+json"
    page = client.get(shared_path(link), headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "This link is not available" in page.text
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert client.delete(path, headers=scored["owner"]).status_code == 204  # harmless twice


def test_an_expired_link_answers_404(client: TestClient, admin: Headers, engine: Engine) -> None:
    scored = scored_assessment(client, admin)
    link = new_share_link(
        client, scored["owner"], scored["slug"], assessment_id=scored["assessment"]
    )
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE share_link SET expires_at = :past WHERE id = :id"),
            {"past": datetime(2020, 1, 1), "id": link["id"]},
        )
    assert client.get(shared_path(link)).status_code == 404


def test_a_made_up_token_answers_404(client: TestClient) -> None:
    assert client.get("/v1/shared/opms_" + "A" * 43).status_code == 404
    assert client.get("/v1/shared/not-a-token").status_code == 404
    assert client.get("/v1/shared/opms_x/assessments/asm_1").status_code == 404


@pytest.mark.parametrize("days", [0, 366, -1])
def test_the_lifetime_is_one_to_365_days(client: TestClient, admin: Headers, days: int) -> None:
    scored = scored_assessment(client, admin)
    response = client.post(
        f"/v1/organizations/{scored['slug']}/share-links",
        json={"assessment_id": scored["assessment"], "expires_in_days": days},
        headers=scored["owner"],
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "expires_in_days"


@pytest.mark.parametrize(
    "fields", [{}, {"assessment_id": "ASSESSMENT", "questionnaire_key": "test-q"}]
)
def test_a_link_is_to_one_report_or_to_the_overview(
    client: TestClient, admin: Headers, fields: dict[str, str]
) -> None:
    scored = scored_assessment(client, admin)
    body = {k: scored["assessment"] if v == "ASSESSMENT" else v for k, v in fields.items()}
    response = client.post(
        f"/v1/organizations/{scored['slug']}/share-links",
        json={**body, "expires_in_days": 3},
        headers=scored["owner"],
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        "assessment_id",
        "questionnaire_key",
    }


def test_an_unknown_questionnaire_key_answers_422(client: TestClient, admin: Headers) -> None:
    body, owner = new_organization(client, admin, "Keys")
    response = client.post(
        f"/v1/organizations/{body['slug']}/share-links",
        json={"questionnaire_key": "nope", "expires_in_days": 3},
        headers=owner,
    )
    assert response.status_code == 422


def test_another_organizations_assessment_is_unknown_content(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin)
    other, owner = new_organization(client, admin, "Other")
    path = f"/v1/organizations/{other['slug']}/share-links"
    foreign = client.post(
        path, json={"assessment_id": scored["assessment"], "expires_in_days": 3}, headers=owner
    )
    unknown = client.post(
        path, json={"assessment_id": "asm_" + "0" * 20, "expires_in_days": 3}, headers=owner
    )
    assert (foreign.status_code, unknown.status_code) == (422, 422)
    assert foreign.json()["errors"][0]["field"] == "assessment_id"
    assert foreign.json()["detail"].replace(scored["assessment"], "x") == unknown.json()[
        "detail"
    ].replace("asm_" + "0" * 20, "x")


def test_who_may_create_and_revoke_links(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    path = f"/v1/organizations/{scored['slug']}/share-links"
    payload = {"assessment_id": scored["assessment"], "expires_in_days": 3}
    assert client.post(path, json=payload).status_code == 401
    reader = new_key(client, scored["owner"], scored["slug"], "reader")
    assert client.post(path, json=payload, headers=reader).status_code == 403
    editor = new_key(client, scored["owner"], scored["slug"], "editor")
    link = new_share_link(client, editor, scored["slug"], assessment_id=scored["assessment"])
    assert client.delete(f"{path}/{link['id']}", headers=reader).status_code == 403
    _, stranger = new_organization(client, admin, "Stranger")
    assert client.post(path, json=payload, headers=stranger).status_code == 404
    assert client.delete(f"{path}/{link['id']}", headers=stranger).status_code == 404
    assert client.delete(f"{path}/shl_unknown", headers=editor).status_code == 404
    assert client.delete(f"{path}/{link['id']}", headers=admin).status_code == 204


def test_a_replayed_creation_carries_no_url(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    path = f"/v1/organizations/{scored['slug']}/share-links"
    payload = {"assessment_id": scored["assessment"], "expires_in_days": 3}
    headers = {**scored["owner"], "Idempotency-Key": "share-1"}
    first = client.post(path, json=payload, headers=headers)
    again = client.post(path, json=payload, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["url"].startswith("http://testserver/v1/shared/opms_")
    assert again.json() == {**first.json(), "url": None}


@dataclass(frozen=True)
class Overview:
    slug: str
    owner: Headers
    closed: list[str]
    open: str
    other_key: str
    link: dict[str, Any]


@pytest.fixture
def overview(client: TestClient, admin: Headers) -> Overview:
    """An organization with two closed test-q assessments, one open, one of another key."""
    body, owner = new_organization(client, admin, "Overview Org")
    slug = body["slug"]
    closed = []
    for period, value in (("2025", 2), ("2026", 4)):
        a = new_assessment(client, owner, slug, period=period)["id"]
        r, _ = new_respondent(client, owner, slug, a)
        save(client, owner, slug, a, r["id"], PRJ_STD_01_Q1=value, PRJ_STD_01_Q2=value)
        close(client, owner, slug, a)
        closed.append(a)
    still_open = new_assessment(client, owner, slug, period="2027")["id"]
    other_key = new_assessment(
        client, owner, slug, version=None, questionnaire_key="evolving", title="Other"
    )["id"]
    link = new_share_link(client, owner, slug, questionnaire_key="test-q")
    return Overview(slug, owner, closed, still_open, other_key, link)


def test_a_shared_overview_links_to_shared_reports(client: TestClient, overview: Overview) -> None:
    base = shared_path(overview.link)
    response = client.get(base)
    assert response.status_code == 200
    hrefs = re.findall(r'<a href="([^"]+)"', response.text)
    token = base.rsplit("/", 1)[-1]
    assert hrefs == [f"{token}/assessments/{a}" for a in overview.closed]
    for href in hrefs:
        resolved = base.rsplit("/", 1)[0] + "/" + href  # how a browser resolves it
        report = client.get(resolved)
        assert report.status_code == 200
        assert 'id="heatmap"' in report.text and "shared read-only" in report.text


def test_a_shared_overview_opens_only_its_closed_assessments(
    client: TestClient, admin: Headers, overview: Overview
) -> None:
    base = shared_path(overview.link)
    assert client.get(f"{base}/assessments/{overview.open}").status_code == 404
    assert client.get(f"{base}/assessments/{overview.other_key}").status_code == 404
    stranger = scored_assessment(client, admin, name="Stranger")
    assert client.get(f"{base}/assessments/{stranger['assessment']}").status_code == 404


def test_a_report_link_does_not_open_other_reports(client: TestClient, overview: Overview) -> None:
    first, second = overview.closed
    link = new_share_link(client, overview.owner, overview.slug, assessment_id=first)
    assert client.get(f"{shared_path(link)}/assessments/{second}").status_code == 404


def test_a_revoked_overview_link_closes_its_reports_too(
    client: TestClient, overview: Overview
) -> None:
    report = f"{shared_path(overview.link)}/assessments/{overview.closed[0]}"
    assert client.get(report).status_code == 200
    client.delete(
        f"/v1/organizations/{overview.slug}/share-links/{overview.link['id']}",
        headers=overview.owner,
    )
    assert client.get(report).status_code == 404


def test_share_links_are_listed_without_their_tokens(client: TestClient, admin: Headers) -> None:
    org, owner = new_organization(client, admin)
    a = new_assessment(client, owner, org["slug"])["id"]
    path = f"/v1/organizations/{org['slug']}/share-links"
    first = client.post(path, json={"assessment_id": a, "expires_in_days": 7}, headers=owner).json()
    second = client.post(
        path, json={"questionnaire_key": "test-q", "expires_in_days": 30}, headers=owner
    ).json()
    client.delete(f"{path}/{first['id']}", headers=owner)
    listed = client.get(path, headers=owner).json()
    assert [link["id"] for link in listed["items"]] == [second["id"], first["id"]]
    assert listed["items"][1]["revoked_at"] is not None
    assert listed["items"][0]["questionnaire_key"] == "test-q"
    token = second["url"].rsplit("/", 1)[-1]
    assert token not in json.dumps(listed)
