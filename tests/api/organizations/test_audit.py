"""The audit trail (issue 15, item 7): who did what, when, from where; read only."""

from __future__ import annotations

import json
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.core.config import Settings

from ..command_line import export_file, opm
from ..factories import (
    Headers,
    bearer,
    close,
    created,
    new_assessment,
    new_organization,
    new_respondent,
    new_share_link,
    save,
)


def audit(client: TestClient, headers: Headers, org: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"/v1/organizations/{org}/audit", headers=headers, params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_every_security_relevant_action_is_recorded_with_who_and_from_where(
    client: TestClient, admin: Headers
) -> None:
    org, owner = new_organization(client, admin, "Audited")
    slug = org["slug"]
    owner_key = next(
        k["id"] for k in client.get(f"/v1/organizations/{slug}/keys", headers=owner).json()["items"]
    )
    created(
        client.patch(f"/v1/organizations/{slug}", json={"name": "Audited Ltd"}, headers=owner), 200
    )
    key = created(
        client.post(
            f"/v1/organizations/{slug}/keys", json={"name": "bi", "role": "reader"}, headers=owner
        )
    )
    assert (
        client.delete(f"/v1/organizations/{slug}/keys/{key['id']}", headers=owner).status_code
        == 204
    )
    assessment = new_assessment(client, owner, slug)["id"]
    respondent, token = new_respondent(client, owner, slug, assessment)
    path = f"/v1/organizations/{slug}/assessments/{assessment}"
    created(client.post(f"{path}/respondents/{respondent['id']}/token", headers=owner))
    created(
        client.put(
            f"/v1/organizations/{slug}/targets/test-q",
            json={"domains": {"project": 2}},
            headers=admin,
        ),
        200,
    )
    link = new_share_link(client, owner, slug, assessment_id=assessment)
    shared = link["url"].split("testserver", 1)[1]
    assert client.get(shared).status_code == 200
    assert client.get(shared).status_code == 200  # opened twice, recorded once
    assert (
        client.delete(
            f"/v1/organizations/{slug}/share-links/{link['id']}", headers=owner
        ).status_code
        == 204
    )
    assert client.get(f"{path}/export", headers=owner).status_code == 200
    owner_headers = owner
    assert save(
        client, owner_headers, slug, assessment, respondent["id"], PRJ_STD_01_Q1=3
    ).is_success
    close(client, owner, slug, assessment)
    doomed = new_assessment(client, owner, slug, title="Doomed")["id"]
    assert (
        client.delete(f"/v1/organizations/{slug}/assessments/{doomed}", headers=owner).status_code
        == 204
    )

    entries = list(reversed(audit(client, owner, slug, limit=200)))
    assert [e["action"] for e in entries] == [
        "organization.created",
        "key.created",  # the first owner key
        "organization.changed",
        "key.created",
        "key.revoked",
        "assessment.created",
        "respondent.invited",
        "respondent.token_reissued",
        "targets.set",
        "share_link.created",
        "share_link.first_opened",
        "share_link.revoked",
        "export.run",
        "assessment.closed",
        "assessment.created",
        "assessment.deleted",
    ]
    by_owner = {"actor_kind": "key", "actor_id": owner_key, "actor_role": "owner"}
    by_admin = {"actor_kind": "admin", "actor_id": "admin", "actor_role": "admin"}
    who = [{k: e[k] for k in ("actor_kind", "actor_id", "actor_role")} for e in entries]
    assert who[0] == who[1] == who[8] == by_admin
    assert who[10] == {"actor_kind": "share_link", "actor_id": link["id"], "actor_role": None}
    assert all(w == by_owner for n, w in enumerate(who) if n not in (0, 1, 8, 10))
    assert {e["address"] for e in entries} == {"testclient"}
    subjects = [e["subject_id"] for e in entries]
    assert subjects[3] == subjects[4] == key["id"]
    assert subjects[5] == subjects[12] == subjects[13] == assessment
    assert subjects[6] == subjects[7] == respondent["id"] and subjects[8] == "test-q"
    assert subjects[9] == subjects[10] == subjects[11] == link["id"]
    assert subjects[14] == subjects[15] == doomed
    assert entries[2]["detail"]["name"] == {"from": "Audited", "to": "Audited Ltd"}
    assert entries[3]["detail"] == {"name": "bi", "role": "reader", "expires_at": None}
    assert entries[6]["detail"] == {"assessment_id": assessment, "name": "Ann"}
    assert entries[8]["detail"] == {"from": {}, "to": {"project": 2}}
    assert entries[15]["detail"]["title"] == "Doomed", "an entry outlives what it names"
    assert all(e["created_at"] for e in entries)
    assert token["Authorization"].split()[1] not in json.dumps(entries), "no secret in the trail"


def test_a_refused_action_leaves_no_entry(client: TestClient, admin: Headers) -> None:
    org, owner = new_organization(client, admin)
    assessment = new_assessment(client, owner, org["slug"])["id"]
    response = client.post(
        f"/v1/organizations/{org['slug']}/assessments/{assessment}/close", headers=owner
    )
    assert response.status_code == 409  # nothing answered
    assert "assessment.closed" not in [e["action"] for e in audit(client, owner, org["slug"])]


def test_the_address_is_the_client_behind_a_trusted_proxy(
    settings: Settings, admin: Headers
) -> None:
    trusted = settings.model_copy(update={"trusted_proxies": [ip_network("127.0.0.1")]})
    with TestClient(create_app(trusted), client=("127.0.0.1", 40000)) as client:
        org, owner = new_organization(client, admin)
        forwarded = owner | {"X-Forwarded-For": "198.51.100.23, 127.0.0.1"}
        new_assessment(client, forwarded, org["slug"])
        newest = audit(client, owner, org["slug"])[0]
        assert (newest["action"], newest["address"]) == ("assessment.created", "198.51.100.23")


def test_the_trail_pages_newest_first(client: TestClient, admin: Headers) -> None:
    org, owner = new_organization(client, admin)
    for n in range(3):
        new_assessment(client, owner, org["slug"], title=f"a{n}")
    first = client.get(
        f"/v1/organizations/{org['slug']}/audit", params={"limit": 2}, headers=owner
    ).json()
    second = client.get(
        f"/v1/organizations/{org['slug']}/audit",
        params={"limit": 2, "cursor": first["next_cursor"]},
        headers=owner,
    ).json()
    third = client.get(
        f"/v1/organizations/{org['slug']}/audit",
        params={"limit": 2, "cursor": second["next_cursor"]},
        headers=owner,
    ).json()
    titles = [e["detail"].get("title") for page in (first, second, third) for e in page["items"]]
    assert titles == ["a2", "a1", "a0", None, None]
    assert third["next_cursor"] is None


def test_only_owner_keys_and_admins_read_the_trail(client: TestClient, admin: Headers) -> None:
    org, owner = new_organization(client, admin)
    for role in ("editor", "reader"):
        key = created(
            client.post(
                f"/v1/organizations/{org['slug']}/keys",
                json={"name": role, "role": role},
                headers=owner,
            )
        )
        response = client.get(
            f"/v1/organizations/{org['slug']}/audit", headers=bearer(key["api_key"])
        )
        assert response.status_code == 403
    assert len(audit(client, admin, org["slug"])) == 4


def test_no_route_changes_or_removes_an_entry(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    audit_paths = {path: set(ops) for path, ops in paths.items() if "audit" in path}
    assert audit_paths == {"/v1/organizations/{org}/audit": {"get"}, "/v1/audit": {"get"}}


def test_opm_export_holds_the_trail_and_records_itself(
    monkeypatch: pytest.MonkeyPatch,
    client: TestClient,
    admin: Headers,
    settings: Settings,
    tmp_path: Path,
) -> None:
    org, owner = new_organization(client, admin)
    new_assessment(client, owner, org["slug"])
    document = export_file(
        monkeypatch, settings.database_url, org["slug"], tmp_path / "export.json"
    )
    assert [e["action"] for e in document["audit"]] == [
        "organization.created",
        "key.created",
        "assessment.created",
    ]
    newest = audit(client, owner, org["slug"])[0]
    assert (newest["action"], newest["actor_kind"], newest["subject_id"]) == (
        "export.run",
        "cli",
        org["id"],
    )


def test_import_writes_the_trail_and_accepts_documents_without_one(
    monkeypatch: pytest.MonkeyPatch,
    client: TestClient,
    admin: Headers,
    settings: Settings,
    tmp_path: Path,
) -> None:
    org, owner = new_organization(client, admin, "Travelling")
    new_assessment(client, owner, org["slug"])
    document = export_file(
        monkeypatch, settings.database_url, org["slug"], tmp_path / "export.json"
    )
    for n, (change, slug) in enumerate(
        [(lambda d: None, "with-trail"), (lambda d: d.pop("audit"), "without-trail")]
    ):
        copy = json.loads(json.dumps(document))
        change(copy)
        # Moved into this same database: every id the trail names is made new as well (a
        # trail naming rows of another organization is refused).
        renamed = {copy["organization"]["id"]: f"org_{n:020x}"}
        copy["organization"].update(id=f"org_{n:020x}", slug=slug)
        for assessment in copy["assessments"]:
            renamed[assessment["id"]] = assessment["id"] = f"asm_{n:020x}"
        for entry in copy.get("audit") or []:
            entry["id"] = entry["id"][:-2] + f"{n:02x}"
            for part in ("actor_id", "subject_id"):
                if entry[part] and entry[part].startswith("key_"):
                    renamed.setdefault(entry[part], f"key_{n:020x}")
                entry[part] = renamed.get(entry[part], entry[part])
        (tmp_path / f"{slug}.json").write_text(json.dumps(copy), encoding="utf-8")
        result = opm(monkeypatch, settings.database_url, "import", str(tmp_path / f"{slug}.json"))
        assert result.exit_code == 0, result.output
    imported = [e["action"] for e in reversed(audit(client, admin, "with-trail"))]
    assert imported == ["organization.created", "key.created", "assessment.created"]
    assert audit(client, admin, "without-trail") == []


# Issue 27, finding 10: invitations, failed sign-ins, admin sign-ins; the whole trail for admins


def every_entry(client: TestClient, headers: Headers, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/audit", headers=headers, params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def test_an_invitation_made_on_the_console_is_recorded(client: TestClient, admin: Headers) -> None:
    org, owner = new_organization(client, admin)
    assessment = new_assessment(client, owner, org["slug"])["id"]
    signed_in = client.post(
        "/console/sign-in",
        data={"key": owner["Authorization"].split()[1]},
        headers={"origin": "http://testserver"},
    )
    assert signed_in.status_code == 200
    page = client.get(f"/console/{org['slug']}/assessments/{assessment}").text
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    invited = client.post(
        f"/console/{org['slug']}/assessments/{assessment}/respondents",
        data={"csrf": csrf, "name": "Bo", "role": "PMO lead"},
        headers={"origin": "http://testserver"},
    )
    assert invited.status_code == 200, invited.text
    newest = audit(client, owner, org["slug"])[0]
    assert newest["action"] == "respondent.invited"
    assert (newest["actor_kind"], newest["detail"]["name"]) == ("key", "Bo")


@pytest.mark.parametrize("route", ["console", "invitation"])
def test_a_failed_sign_in_is_recorded_with_its_address_and_no_secret(
    client: TestClient, admin: Headers, route: str
) -> None:
    secret = "opmk_a-wrong-guess-of-forty-characters-0001"
    if route == "console":
        response = client.post("/console/sign-in", data={"key": secret})
        assert response.status_code == 401
    else:
        assert client.get(f"/a/{secret}").status_code == 404
    entries = every_entry(client, admin, action="page_session.sign_in_failed")["items"]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["address"] == "testclient" and entry["detail"] == {"route": route}
    assert (entry["actor_kind"], entry["actor_id"], entry["subject_id"]) == (
        "anonymous",
        None,
        None,
    )
    assert secret not in json.dumps(entries)


def test_admin_sign_ins_are_read_in_the_whole_trail(client: TestClient, admin: Headers) -> None:
    response = client.post(
        "/console/sign-in", data={"key": admin["Authorization"].split()[1]}, follow_redirects=False
    )
    assert response.status_code == 303
    entries = every_entry(client, admin, action="page_session.signed_in")["items"]
    assert [(e["actor_kind"], e["address"]) for e in entries] == [("admin", "testclient")]


def test_the_whole_trail_filters_by_organization_and_action_and_pages(
    client: TestClient, admin: Headers
) -> None:
    first, first_owner = new_organization(client, admin, "First")
    second, second_owner = new_organization(client, admin, "Second")
    for n in range(3):
        new_assessment(client, first_owner, first["slug"], title=f"a{n}")
    new_assessment(client, second_owner, second["slug"], title="other")
    everything = every_entry(client, admin, limit=200)["items"]
    assert {e["action"] for e in everything} >= {"organization.created", "assessment.created"}
    for name in (first["slug"], first["id"]):
        only_first = every_entry(client, admin, organization=name, limit=200)["items"]
        assert only_first == audit(client, admin, first["slug"], limit=200)
    pages = [
        every_entry(client, admin, organization=first["slug"], action="assessment.created", limit=2)
    ]
    pages.append(
        every_entry(
            client,
            admin,
            organization=first["slug"],
            action="assessment.created",
            limit=2,
            cursor=pages[0]["next_cursor"],
        )
    )
    titles = [e["detail"]["title"] for page in pages for e in page["items"]]
    assert titles == ["a2", "a1", "a0"] and pages[1]["next_cursor"] is None
    other_filters = client.get(
        "/v1/audit", params={"cursor": pages[0]["next_cursor"], "limit": 2}, headers=admin
    )
    assert other_filters.status_code == 422


def test_the_whole_trail_is_for_admins_and_refuses_unknown_filters(
    client: TestClient, admin: Headers
) -> None:
    _, owner = new_organization(client, admin)
    assert client.get("/v1/audit").status_code == 401
    assert client.get("/v1/audit", headers=owner).status_code == 403
    for params in ({"organization": "nope"}, {"organization": "org_x"}, {"action": "nope"}):
        response = client.get("/v1/audit", params=params, headers=admin)
        assert response.status_code == 422, (params, response.text)
