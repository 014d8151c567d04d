"""One validation for both edges (issue 27, findings 3 and 4): every console and fill form is read
by the JSON API's request models, so what the API answers 422 a form answers 422 with the field
named, never 500 and never stored: a NUL in a text, "²" (a digit to `str.isdigit`, not to `int`),
an integer of more than 4,300 digits.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ..factories import Headers, answers_path, new_assessment, new_organization, new_respondent

SAME_SITE = {"origin": "http://testserver"}
NOT_INTEGERS = ["\u00b2", "9" * 5000, "1e3", "-1", " "]
NOT_INTEGER_IDS = ["superscript-two", "5000-digits", "exponent", "negative", "blank"]


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def _console(client: TestClient, admin: Headers) -> dict[str, Any]:
    org, owner = new_organization(client, admin, "Acme")
    assessment = new_assessment(client, owner, org["slug"])["id"]
    respondent, _ = new_respondent(client, owner, org["slug"], assessment)
    signed_in = client.post(
        "/console/sign-in", data={"key": owner["Authorization"].split()[1]}, headers=SAME_SITE
    )
    assert signed_in.status_code == 200
    base = f"/console/{org['slug']}"
    return {
        "org": org["slug"],
        "owner": owner,
        "assessment": assessment,
        "respondent": respondent["id"],
        "base": base,
        "csrf": _csrf(client.get(f"{base}/organization").text),
    }


def _post(client: TestClient, path: str, csrf: str, **fields: Any) -> Any:
    return client.post(path, data={"csrf": csrf, **fields}, headers=SAME_SITE)


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "Q1\x00"), ("period", "2026\x00Q1"), ("title", "x" * 201)],
    ids=["nul-title", "nul-period", "long-title"],
)
def test_the_new_assessment_form_refuses_what_the_api_refuses(
    client: TestClient, admin: Headers, field: str, value: str
) -> None:
    scene = _console(client, admin)
    fields = {"questionnaire": "test-q@1.0.0", "title": "2027", field: value}
    response = _post(client, f"{scene['base']}/assessments", scene["csrf"], **fields)
    assert response.status_code == 422
    assert f'id="err-{field}"' in response.text
    listed = client.get(f"/v1/organizations/{scene['org']}/assessments", headers=scene["owner"])
    assert len(listed.json()["items"]) == 1


@pytest.mark.parametrize(
    "fields",
    [{"name": "Bo\x00"}, {"name": "Bo", "role": "lead\x00"}],
    ids=["nul-name", "nul-role"],
)
def test_the_invitation_form_refuses_a_nul(
    client: TestClient, admin: Headers, fields: dict[str, str]
) -> None:
    scene = _console(client, admin)
    path = f"{scene['base']}/assessments/{scene['assessment']}/respondents"
    response = _post(client, path, scene["csrf"], **fields)
    assert response.status_code == 422
    listed = client.get(
        f"/v1/organizations/{scene['org']}/assessments/{scene['assessment']}/respondents",
        headers=scene["owner"],
    )
    assert [item["name"] for item in listed.json()["items"]] == ["Ann"]


def test_the_profile_form_refuses_a_nul(client: TestClient, admin: Headers) -> None:
    scene = _console(client, admin)
    path = f"{scene['base']}/organization/profile"
    response = _post(client, path, scene["csrf"], industry="Ener\x00gy", pmo_exists="no")
    assert response.status_code == 422
    profile = client.get(f"/v1/organizations/{scene['org']}", headers=scene["owner"]).json()
    assert profile["profile"]["industry"] is None


@pytest.mark.parametrize("value", NOT_INTEGERS, ids=NOT_INTEGER_IDS)
def test_the_targets_form_refuses_what_is_not_a_level(
    client: TestClient, admin: Headers, value: str
) -> None:
    scene = _console(client, admin)
    path = f"{scene['base']}/targets/test-q"
    fields = {"target:project": value, "target:program": "2"}
    response = _post(client, path, scene["csrf"], **fields)
    if value.strip():
        assert response.status_code == 422, response.text
    targets = client.get(f"/v1/organizations/{scene['org']}/targets/test-q", headers=scene["owner"])
    if value.strip():
        assert targets.status_code == 404  # nothing stored
    else:
        assert targets.json()["domains"] == {"program": 2}  # a blank target is no target


@pytest.mark.parametrize("value", NOT_INTEGERS, ids=NOT_INTEGER_IDS)
def test_the_share_link_form_refuses_what_is_not_a_number_of_days(
    client: TestClient, admin: Headers, value: str
) -> None:
    scene = _console(client, admin)
    target = f"assessment:{scene['assessment']}"
    path = f"{scene['base']}/share-links"
    response = _post(client, path, scene["csrf"], target=target, expires_in_days=value)
    assert response.status_code == 422, response.text
    assert 'id="err-days"' in response.text
    listed = client.get(f"/v1/organizations/{scene['org']}/share-links", headers=scene["owner"])
    assert listed.json()["items"] == []


@pytest.mark.parametrize("value", NOT_INTEGERS[:3], ids=NOT_INTEGER_IDS[:3])
def test_the_workshop_form_refuses_what_is_not_a_scale_value(
    client: TestClient, admin: Headers, value: str
) -> None:
    scene = _console(client, admin)
    base = f"{scene['base']}/assessments/{scene['assessment']}/respondents/{scene['respondent']}"
    section = f"{base}/fill/project~standardize"
    csrf = _csrf(client.get(section).text)
    fields = {"question": "PRJ-STD-01-Q1", "value:PRJ-STD-01-Q1": value}
    response = _post(client, section, csrf, **fields)
    assert response.status_code == 422, response.text
    path = answers_path(scene["org"], scene["assessment"], scene["respondent"])
    assert client.get(path, headers=scene["owner"]).json()["answers"] == []


@pytest.mark.parametrize(
    "fields",
    [
        {"value:PRJ-STD-01-Q1": "\u00b2"},
        {"value:PRJ-STD-01-Q1": "9" * 5000},
        {"value:PRJ-STD-01-Q1": "2", "comment:PRJ-STD-01-Q1": "a\x00b"},
        {"value:PRJ-STD-01-Q1": "2", "evidence:PRJ-STD-01-Q1": "doc\x00"},
    ],
    ids=["superscript-two", "5000-digits", "nul-comment", "nul-evidence"],
)
def test_the_fill_form_refuses_what_the_api_refuses(
    client: TestClient, admin: Headers, fields: dict[str, str]
) -> None:
    org, owner = new_organization(client, admin, "Acme")
    assessment = new_assessment(client, owner, org["slug"])["id"]
    respondent, token = new_respondent(client, owner, org["slug"], assessment)
    client.get(f"/a/{token['Authorization'].split()[1]}")
    section = "/fill/project~standardize"
    csrf = _csrf(client.get(section).text)
    response = _post(client, section, csrf, question="PRJ-STD-01-Q1", **fields)
    assert response.status_code == 422, response.text
    path = answers_path(org["slug"], assessment, respondent["id"])
    assert client.get(path, headers=owner).json()["answers"] == []


@pytest.mark.parametrize("rating", NOT_INTEGERS, ids=NOT_INTEGER_IDS)
def test_the_settle_form_refuses_what_is_not_a_rating(
    client: TestClient, admin: Headers, rating: str
) -> None:
    org, owner = new_organization(client, admin, "Workshop")
    assessment = new_assessment(client, owner, org["slug"], rigor="facilitated")["id"]
    signed_in = client.post(
        "/console/sign-in", data={"key": owner["Authorization"].split()[1]}, headers=SAME_SITE
    )
    assert signed_in.status_code == 200
    base = f"/console/{org['slug']}"
    csrf = _csrf(client.get(f"{base}/organization").text)
    response = _post(
        client,
        f"{base}/assessments/{assessment}/settle/PRJ-STD-01-Q1",
        csrf,
        rating=rating,
        rationale="Agreed in the workshop.",
    )
    assert response.status_code == 422, response.text
    ratings = client.get(
        f"/v1/organizations/{org['slug']}/assessments/{assessment}/consensus", headers=owner
    )
    assert ratings.json()["items"] == []
