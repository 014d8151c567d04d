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
    bearer,
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


# Respondents: e-mail, domains, activity times, PATCH


def _respondents(client: TestClient, owner: Headers, org: str, assessment: str) -> list[Any]:
    response = client.get(f"{_path(org, assessment)}/respondents", headers=owner)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


def _invite(client: TestClient, owner: Headers, org: str, assessment: str, **fields: Any) -> Any:
    return client.post(
        f"{_path(org, assessment)}/respondents", json={"name": "Ann", **fields}, headers=owner
    )


@pytest.mark.parametrize("email", ["ann", "ann@", "@example.org", "ann@example", "a b@x.org"])
def test_a_bad_email_answers_422_naming_it(
    client: TestClient, org: tuple[str, Headers], email: str
) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    response = _invite(client, owner, slug, assessment, email=email)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["email"]


@pytest.mark.parametrize(
    ("domains", "wrong"),
    [(["portfolio"], "'portfolio'"), (["project", "project"], "twice"), (["nope"], "'nope'")],
)
def test_domains_outside_the_scope_or_repeated_answer_422(
    client: TestClient, org: tuple[str, Headers], domains: list[str], wrong: str
) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    response = _invite(client, owner, slug, assessment, domains=domains)
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert error["field"] == "domains" and wrong in error["message"]
    assert _respondents(client, owner, slug, assessment) == []


def test_a_respondent_is_asked_its_own_domains_and_the_enablers(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    project = created(_invite(client, owner, slug, assessment, domains=["project"]))
    enablers = created(_invite(client, owner, slug, assessment, name="Eve", domains=[]))
    everyone = created(_invite(client, owner, slug, assessment, name="Al"))
    assert (project["domains"], enablers["domains"], everyone["domains"]) == (["project"], [], None)
    # Its progress counts its questions only: 3 project + 1 enabler; 1 enabler; all 6.
    assert [p["progress"]["questions"] for p in (project, enablers, everyone)] == [4, 1, 6]
    questionnaire = client.get(
        f"{_path(slug, assessment)}/questionnaire", headers=bearer(project["token"])
    ).json()
    assert questionnaire["scope"] == ["project"]
    assert {bp["domain"] for bp in questionnaire["best_practices"]} == {"project", None}
    assert [d["in_scope"] for d in questionnaire["domains"]] == [True, False]
    # A key still reads the assessment's whole questionnaire.
    whole = client.get(f"{_path(slug, assessment)}/questionnaire", headers=owner).json()
    assert whole["scope"] == ["project", "program"]
    refused = save(
        client, bearer(project["token"]), slug, assessment, project["id"], PGM_STD_01_Q1=2
    )
    assert refused.status_code == 422


def test_lists_carry_domains_and_activity_times(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    ann = created(_invite(client, owner, slug, assessment, email="ann@example.org"))
    (listed,) = _respondents(client, owner, slug, assessment)
    assert listed["email"] == "ann@example.org"
    assert (
        listed["domains"],
        listed["invited_at"],
        listed["reminded_at"],
        listed["last_activity_at"],
        listed["submitted_at"],
    ) == (None, None, None, None, None)
    # A key answering for the respondent is activity too (a workshop).
    assert save(client, owner, slug, assessment, ann["id"], PRJ_STD_01_Q1=3).is_success
    (saved,) = _respondents(client, owner, slug, assessment)
    assert saved["last_activity_at"] is not None
    submitted = created(
        client.post(
            f"{_path(slug, assessment)}/respondents/{ann['id']}/submit",
            headers=bearer(ann["token"]),
        ),
        200,
    )
    assert submitted["last_activity_at"] == submitted["submitted_at"]
    assert submitted["last_activity_at"] >= saved["last_activity_at"]


def test_patch_changes_a_respondent_and_is_audited(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    ann = created(_invite(client, owner, slug, assessment, role="PMO lead"))
    path = f"{_path(slug, assessment)}/respondents/{ann['id']}"
    changed = created(
        client.patch(
            path,
            json={"name": "Ann Lee", "email": "ann@example.org", "domains": ["program"]},
            headers=owner,
        ),
        200,
    )
    assert (changed["name"], changed["role"], changed["email"], changed["domains"]) == (
        "Ann Lee",
        "PMO lead",
        "ann@example.org",
        ["program"],
    )
    assert changed["progress"]["questions"] == 3  # 2 program + 1 enabler
    cleared = created(client.patch(path, json={"role": None, "domains": None}, headers=owner), 200)
    assert (cleared["role"], cleared["domains"]) == (None, None)
    (entry, *_) = [e for e in _audit(client, owner, slug) if e["action"] == "respondent.changed"]
    assert entry["subject_id"] == ann["id"]
    assert entry["detail"]["domains"] == {"from": ["program"], "to": None}


def test_patch_answers_409_naming_the_answers_a_domain_removal_would_leave_out(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    ann = created(_invite(client, owner, slug, assessment))
    save(client, owner, slug, assessment, ann["id"], PGM_STD_01_Q1=2, PRJ_STD_01_Q1=3)
    path = f"{_path(slug, assessment)}/respondents/{ann['id']}"
    response = client.patch(path, json={"domains": ["project"]}, headers=owner)
    assert response.status_code == 409
    assert response.json()["answers"] == ["PGM-STD-01-Q1"]
    assert "PGM-STD-01-Q1" in response.json()["detail"]
    assert client.patch(path, json={"domains": ["program", "project"]}, headers=owner).is_success


def test_patch_answers_409_once_submitted_or_closed(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    ann = created(_invite(client, owner, slug, assessment))
    bob = created(_invite(client, owner, slug, assessment, name="Bob"))
    save(client, owner, slug, assessment, ann["id"], PRJ_STD_01_Q1=3)
    created(
        client.post(f"{_path(slug, assessment)}/respondents/{ann['id']}/submit", headers=owner), 200
    )
    ann_path = f"{_path(slug, assessment)}/respondents/{ann['id']}"
    assert client.patch(ann_path, json={"name": "A"}, headers=owner).status_code == 409
    close(client, owner, slug, assessment)
    bob_path = f"{_path(slug, assessment)}/respondents/{bob['id']}"
    assert client.patch(bob_path, json={"name": "B"}, headers=owner).status_code == 409


def test_an_email_twice_in_the_assessment_answers_422(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    created(_invite(client, owner, slug, assessment, email="ann@example.org"))
    again = _invite(client, owner, slug, assessment, name="Other", email="ANN@example.org")
    assert again.status_code == 422
    assert [e["field"] for e in again.json()["errors"]] == ["email"]
    bob = created(_invite(client, owner, slug, assessment, name="Bob"))
    taken = client.patch(
        f"{_path(slug, assessment)}/respondents/{bob['id']}",
        json={"email": "ann@example.org"},
        headers=owner,
    )
    assert taken.status_code == 422


# POST .../respondents/bulk


def _bulk(
    client: TestClient, headers: Headers, org: str, assessment: str, rows: Any, **kw: Any
) -> Any:
    return client.post(
        f"{_path(org, assessment)}/respondents/bulk",
        json={"respondents": rows},
        headers=headers,
        **kw,
    )


def test_bulk_creates_every_row_with_its_token_and_is_audited_once(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    rows = [
        {"name": f"Person {n}", "role": "Project manager", "email": f"p{n}@example.org"}
        for n in range(20)
    ] + [{"name": "Pat", "domains": ["program"]}]
    body = created(_bulk(client, owner, slug, assessment, rows))
    assert [item["name"] for item in body["items"]] == [row["name"] for row in rows]
    assert len({item["token"] for item in body["items"]}) == 21
    token = bearer(body["items"][-1]["token"])
    me = client.get("/v1/me", headers=token).json()
    assert me["respondent"] == body["items"][-1]["id"]
    listed = {r["name"]: r for r in _respondents(client, owner, slug, assessment)}
    assert listed["Pat"]["domains"] == ["program"] and listed["Person 3"]["domains"] is None
    entries = [e for e in _audit(client, owner, slug) if e["action"] == "respondents.created"]
    assert [e["detail"] for e in entries] == [{"assessment_id": assessment, "count": 21}]


def test_bulk_is_all_or_nothing_and_names_each_bad_row(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    created(_invite(client, owner, slug, assessment, email="ann@example.org"))
    rows = [
        {"name": "Good", "email": "good@example.org"},
        {"name": "Again", "email": "Ann@Example.org"},  # an existing respondent's
        {"name": "Portfolio", "domains": ["portfolio"]},
        {"name": "Twin", "email": "good@example.org"},  # row 0's
    ]
    response = _bulk(client, owner, slug, assessment, rows)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [
        "respondents.1.email",
        "respondents.2.domains",
        "respondents.3.email",
    ]
    assert len(_respondents(client, owner, slug, assessment)) == 1
    malformed = _bulk(client, owner, slug, assessment, [{"name": "A"}, {"name": "B", "email": "x"}])
    assert malformed.status_code == 422
    assert [e["field"] for e in malformed.json()["errors"]] == ["respondents.1.email"]


def test_bulk_refuses_more_than_1000_rows(client: TestClient, org: tuple[str, Headers]) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    response = _bulk(client, owner, slug, assessment, [{"name": f"P{n}"} for n in range(1001)])
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["respondents"]
    assert _respondents(client, owner, slug, assessment) == []


def test_bulk_answers_409_past_the_respondent_limit_or_closed(
    settings: Any, admin: Headers
) -> None:
    from api.app import create_app

    from ..factories import new_organization

    with TestClient(create_app(settings.model_copy(update={"max_respondents": 3}))) as client:
        body, owner = new_organization(client, admin)
        slug = body["slug"]
        assessment = new_assessment(client, owner, slug)["id"]
        created(_bulk(client, owner, slug, assessment, [{"name": "A"}, {"name": "B"}]))
        full = _bulk(client, owner, slug, assessment, [{"name": "C"}, {"name": "D"}])
        assert full.status_code == 409
        assert len(_respondents(client, owner, slug, assessment)) == 2
        ann = _respondents(client, owner, slug, assessment)[0]
        save(client, owner, slug, assessment, ann["id"], PRJ_STD_01_Q1=2)
        close(client, owner, slug, assessment)
        assert _bulk(client, owner, slug, assessment, [{"name": "E"}]).status_code == 409


def test_bulk_replays_with_an_idempotency_key_without_tokens(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    headers = {**owner, "Idempotency-Key": "bulk-1"}
    first = created(_bulk(client, headers, slug, assessment, [{"name": "A"}, {"name": "B"}]))
    again = created(_bulk(client, headers, slug, assessment, [{"name": "A"}, {"name": "B"}]))
    assert [i["id"] for i in again["items"]] == [i["id"] for i in first["items"]]
    assert [i["token"] for i in again["items"]] == [None, None]
    assert all(i["token"] for i in first["items"])
    assert len(_respondents(client, owner, slug, assessment)) == 2
    other = _bulk(client, headers, slug, assessment, [{"name": "C"}])
    assert other.status_code == 422


def test_bulk_is_for_owner_and_editor_keys(client: TestClient, org: tuple[str, Headers]) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    editor = new_key(client, owner, slug, "editor")
    reader = new_key(client, owner, slug, "reader")
    assert _bulk(client, reader, slug, assessment, [{"name": "A"}]).status_code == 403
    assert _bulk(client, editor, slug, assessment, [{"name": "A"}]).status_code == 201


# Seeding: domains cut to the new scope


def test_seeding_copies_domains_cut_to_the_new_scope_and_only_the_answers_asked(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    source = new_assessment(client, owner, slug)["id"]
    both = created(_invite(client, owner, slug, source, domains=["project", "program"]))
    program = created(_invite(client, owner, slug, source, name="Pia", domains=["program"]))
    everyone = created(_invite(client, owner, slug, source, name="Al"))
    save(client, owner, slug, source, both["id"], PRJ_STD_01_Q1=3, PGM_STD_01_Q1=2)
    save(client, owner, slug, source, program["id"], PGM_STD_01_Q1=1)
    save(client, owner, slug, source, everyone["id"], ENB_STR_01_Q1=2)
    close(client, owner, slug, source)
    seeded = new_assessment(client, owner, slug, scope=["project"], seed_from=source)["id"]
    listed = {r["name"]: r for r in _respondents(client, owner, slug, seeded)}
    assert {name: r["domains"] for name, r in listed.items()} == {
        "Ann": ["project"],
        "Pia": [],
        "Al": None,
    }
    answers = client.get(answers_path(slug, seeded, listed["Ann"]["id"]), headers=owner).json()
    assert [a["question_id"] for a in answers["answers"]] == ["PRJ-STD-01-Q1"]


# links.csv


def test_links_csv_gives_a_new_link_per_respondent_not_submitted_and_keeps_the_old_ones(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    ann = created(
        _invite(client, owner, slug, assessment, role="PMO lead", email="ann@example.org")
    )
    bob = created(_invite(client, owner, slug, assessment, name="=HYPERLINK(1)", role="-PM"))
    done = created(_invite(client, owner, slug, assessment, name="Done"))
    save(client, owner, slug, assessment, done["id"], PRJ_STD_01_Q1=2)
    client.post(f"{_path(slug, assessment)}/respondents/{done['id']}/submit", headers=owner)
    response = client.post(f"{_path(slug, assessment)}/links.csv", headers=owner)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "name,role,email,link"
    rows = [line.split(",") for line in lines[1:]]
    assert [row[:3] for row in rows] == [
        ["Ann", "PMO lead", "ann@example.org"],
        ["'=HYPERLINK(1)", "'-PM", ""],
    ]
    links = [row[3] for row in rows]
    assert all(link.startswith("http://testserver/a/") for link in links)
    # The new link works as a token; the one given at creation still does too.
    new_token = bearer(links[0].rsplit("/", 1)[1])
    assert client.get("/v1/me", headers=new_token).json()["respondent"] == ann["id"]
    assert client.get("/v1/me", headers=bearer(ann["token"])).json()["respondent"] == ann["id"]
    assert client.get("/v1/me", headers=bearer(bob["token"])).status_code == 200
    entries = [e for e in _audit(client, owner, slug) if e["action"] == "respondents.links_issued"]
    assert [e["detail"] for e in entries] == [{"assessment_id": assessment, "count": 2}]
    assert links[0].rsplit("/", 1)[1] not in str(_audit(client, owner, slug))


def test_links_csv_is_for_writers_and_answers_409_when_closed(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    reader = new_key(client, owner, slug, "reader")
    editor = new_key(client, owner, slug, "editor")
    ann = created(_invite(client, owner, slug, assessment))
    path = f"{_path(slug, assessment)}/links.csv"
    assert client.post(path, headers=reader).status_code == 403
    assert client.post(path, headers=editor).status_code == 200
    save(client, owner, slug, assessment, ann["id"], PRJ_STD_01_Q1=2)
    close(client, owner, slug, assessment)
    assert client.post(path, headers=owner).status_code == 409
