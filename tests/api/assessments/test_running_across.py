"""Running an assessment across an organization (issue 23, `api.md`): the assessment's due
date, message, contact and anonymity; its respondents counted; respondents' e-mail, domains
and activity times; `PATCH .../respondents/{r}`; `POST .../respondents/bulk`; `links.csv`.

test-q 1.0.0 has the domains project (PRJ-STD-01 Q1 Q2, PRJ-MEA-01 Q1) and program
(PGM-STD-01 Q1, PGM-MEA-01 Q1), and the enabler ENB-STR-01 (Q1).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from ..factories import (
    Headers,
    answers_path,
    close,
    created,
    new_assessment,
    new_key,
    new_respondent,
    save,
)


def _path(org: str, assessment: str) -> str:
    return f"/v1/organizations/{org}/assessments/{assessment}"


def _audit(client: TestClient, owner: Headers, org: str) -> list[dict[str, Any]]:
    response = client.get(f"/v1/organizations/{org}/audit", headers=owner, params={"limit": 200})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


# The assessment: due date, message, contact, anonymous


def test_due_date_message_contact_and_anonymous_are_set_at_creation_and_shown(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    made = new_assessment(
        client,
        owner,
        slug,
        due_date="2026-12-20",
        message="  Please answer by Friday.  ",
        contact="Ann Lee <ann@example.org>",
        anonymous=True,
    )
    assert made["due_date"] == "2026-12-20"
    assert made["message"] == "Please answer by Friday."
    assert made["contact"] == "Ann Lee <ann@example.org>"
    assert made["anonymous"] is True
    plain = new_assessment(client, owner, slug)
    assert (plain["due_date"], plain["message"], plain["contact"], plain["anonymous"]) == (
        None,
        None,
        None,
        False,
    )
    listed = client.get(f"/v1/organizations/{slug}/assessments", headers=owner).json()["items"]
    assert {item["id"]: item["anonymous"] for item in listed} == {
        made["id"]: True,
        plain["id"]: False,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("message", "x" * 2001),
        ("due_date", "20/12/2026"),
        ("contact", "c" * 321),
        ("anonymous", "yes"),
    ],
)
def test_a_bad_assessment_field_answers_422_naming_it(
    client: TestClient, org: tuple[str, Headers], field: str, value: Any
) -> None:
    slug, owner = org
    response = client.post(
        f"/v1/organizations/{slug}/assessments",
        json={"questionnaire_key": "test-q", "title": "T", field: value},
        headers=owner,
    )
    assert response.status_code == 422, response.text
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_patch_changes_due_date_message_and_contact_while_open_and_is_audited(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    made = new_assessment(client, owner, slug, message="First", contact="Ann")
    path = _path(slug, made["id"])
    changed = created(
        client.patch(path, json={"due_date": "2027-01-15", "message": "Second"}, headers=owner),
        200,
    )
    assert (changed["due_date"], changed["message"], changed["contact"]) == (
        "2027-01-15",
        "Second",
        "Ann",
    )
    cleared = created(client.patch(path, json={"contact": None}, headers=owner), 200)
    assert cleared["contact"] is None and cleared["message"] == "Second"
    entries = [e for e in _audit(client, owner, slug) if e["action"] == "assessment.changed"]
    assert [e["detail"] for e in entries] == [
        {"contact": {"from": "Ann", "to": None}},
        {
            "due_date": {"from": None, "to": "2027-01-15"},
            "message": {"from": "First", "to": "Second"},
        },
    ]


def test_patch_refuses_anonymous_and_bad_fields_with_422_naming_them(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    path = _path(slug, new_assessment(client, owner, slug)["id"])
    for body, field in [
        ({"anonymous": True}, "anonymous"),
        ({"anonymous": False}, "anonymous"),
        ({"message": "m" * 2001}, "message"),
        ({"due_date": "tomorrow"}, "due_date"),
        ({"title": "renamed"}, "title"),
    ]:
        response = client.patch(path, json=body, headers=owner)
        assert response.status_code == 422, body
        assert [error["field"] for error in response.json()["errors"]] == [field]
    assert client.get(path, headers=owner).json()["anonymous"] is False


def test_patch_answers_409_once_closed_and_403_to_a_reader(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    reader = new_key(client, owner, slug, "reader")
    path = _path(slug, assessment)
    assert client.patch(path, json={"message": "m"}, headers=reader).status_code == 403
    respondent, _ = new_respondent(client, owner, slug, assessment)
    assert save(client, owner, slug, assessment, respondent["id"], PRJ_STD_01_Q1=3).is_success
    close(client, owner, slug, assessment)
    assert client.patch(path, json={"message": "m"}, headers=owner).status_code == 409


def test_the_assessment_counts_its_respondents_by_where_they_are(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    path = _path(slug, assessment)
    assert client.get(path, headers=owner).json()["respondents"] == {
        "total": 0,
        "not_started": 0,
        "started": 0,
        "submitted": 0,
    }
    people = [new_respondent(client, owner, slug, assessment, name)[0] for name in "ABCDE"]
    save(client, owner, slug, assessment, people[0]["id"], PRJ_STD_01_Q1=3)
    save(client, owner, slug, assessment, people[1]["id"], PRJ_STD_01_Q1=2)
    created(client.post(f"{path}/respondents/{people[1]['id']}/submit", headers=owner), 200)
    # A comment alone is not an answer: still not started.
    client.patch(
        answers_path(slug, assessment, people[2]["id"]),
        json={"answers": [{"question_id": "PRJ-STD-01-Q1", "comment": "later"}]},
        headers=owner,
    )
    assert client.get(path, headers=owner).json()["respondents"] == {
        "total": 5,
        "not_started": 3,
        "started": 1,
        "submitted": 1,
    }
