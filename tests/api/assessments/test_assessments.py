"""The assessment life cycle: open, respondents, submit, close, report (`api.md`)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select, text

from api.storage.tables import AnswerHistoryRow, AnswerRow

from ..factories import (
    Headers,
    answers_path,
    bearer,
    new_assessment,
    new_respondent,
    save,
)


def _path(org: str, assessment: str, rest: str = "") -> str:
    return f"/v1/organizations/{org}/assessments/{assessment}{rest}"


def test_an_assessment_pins_the_newest_version_when_none_is_named(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    body = new_assessment(client, owner, slug, version=None, period="2026-Q1", rigor="facilitated")
    assert body["questionnaire"] == {"key": "test-q", "version": "1.10.0"}
    assert (body["status"], body["period"], body["rigor"]) == ("open", "2026-Q1", "facilitated")
    assert body["id"].startswith("asm_")


def test_rigor_defaults_to_self(client: TestClient, org: tuple[str, Headers]) -> None:
    slug, owner = org
    assert new_assessment(client, owner, slug, rigor=None)["rigor"] == "self"


@pytest.mark.parametrize(
    ("field", "value"), [("questionnaire_key", "nope"), ("questionnaire_version", "7.0.0")]
)
def test_an_unknown_questionnaire_answers_422(
    client: TestClient, org: tuple[str, Headers], field: str, value: str
) -> None:
    slug, owner = org
    payload = {"questionnaire_key": "test-q", "title": "x", field: value}
    response = client.post(f"/v1/organizations/{slug}/assessments", json=payload, headers=owner)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_assessments_list_newest_first_with_filters_and_cursor(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    ids = [new_assessment(client, owner, slug, title=f"A{n}")["id"] for n in range(4)]
    _close_with_one_answer(client, owner, slug, ids[1])
    listed = client.get(f"/v1/organizations/{slug}/assessments?limit=3", headers=owner).json()
    assert [a["id"] for a in listed["items"]] == ids[::-1][:3]
    rest = client.get(
        f"/v1/organizations/{slug}/assessments?limit=3&cursor={listed['next_cursor']}",
        headers=owner,
    ).json()
    assert [a["id"] for a in rest["items"]] == [ids[0]]
    closed = client.get(f"/v1/organizations/{slug}/assessments?status=closed", headers=owner).json()
    assert [a["id"] for a in closed["items"]] == [ids[1]]
    other = client.get(
        f"/v1/organizations/{slug}/assessments?status=open&cursor={listed['next_cursor']}",
        headers=owner,
    )
    assert other.status_code == 422
    none = client.get(f"/v1/organizations/{slug}/assessments?questionnaire=other", headers=owner)
    assert none.json()["items"] == []


def test_an_assessment_shows_progress_over_every_respondent(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug)["id"]
    ann, _ = new_respondent(client, owner, slug, a, "Ann")
    bob, _ = new_respondent(client, owner, slug, a, "Bob")
    save(client, owner, slug, a, ann["id"], PRJ_STD_01_Q1=4, PGM_STD_01_Q1="na")
    save(client, owner, slug, a, bob["id"], PGM_STD_01_Q1=2, PRJ_MEA_01_Q1=None)
    progress = client.get(_path(slug, a), headers=owner).json()["progress"]
    assert progress == {
        "questions": 6,
        "answered": 2,
        "not_applicable": 0,
        "unknown": 0,
        "unanswered": 4,
        "ratio": round(2 / 6, 4),
    }


def test_respondents_list_their_progress_without_tokens(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug)["id"]
    ann, _ = new_respondent(client, owner, slug, a, "Ann")
    new_respondent(client, owner, slug, a, "Bob")
    save(client, owner, slug, a, ann["id"], PRJ_STD_01_Q1=4, PGM_STD_01_Q1="na")
    items = client.get(_path(slug, a, "/respondents"), headers=owner).json()["items"]
    assert [r["name"] for r in items] == ["Bob", "Ann"]
    assert all("token" not in r for r in items)
    assert items[1]["progress"]["answered"] == 1
    assert items[1]["progress"]["not_applicable"] == 1
    assert items[0]["progress"]["answered"] == 0


def test_a_reissued_token_replaces_the_old_one(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug)["id"]
    respondent, old = new_respondent(client, owner, slug, a)
    response = client.post(_path(slug, a, f"/respondents/{respondent['id']}/token"), headers=owner)
    assert response.status_code == 201
    assert client.get("/v1/me", headers=old).status_code == 401
    assert client.get("/v1/me", headers=bearer(response.json()["token"])).status_code == 200


def test_a_respondent_token_cannot_reissue_itself(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug)["id"]
    respondent, token = new_respondent(client, owner, slug, a)
    response = client.post(_path(slug, a, f"/respondents/{respondent['id']}/token"), headers=token)
    assert response.status_code == 403


def test_a_submitted_respondent_is_read_only(client: TestClient, org: tuple[str, Headers]) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug)["id"]
    respondent, token = new_respondent(client, owner, slug, a)
    save(client, token, slug, a, respondent["id"], PRJ_STD_01_Q1=3)
    submitted = client.post(
        _path(slug, a, f"/respondents/{respondent['id']}/submit"), headers=token
    )
    assert submitted.status_code == 200
    assert submitted.json()["submitted_at"] is not None
    assert save(client, token, slug, a, respondent["id"], PRJ_STD_01_Q1=4).status_code == 409
    assert save(client, owner, slug, a, respondent["id"], PRJ_STD_01_Q1=4).status_code == 409
    again = client.post(_path(slug, a, f"/respondents/{respondent['id']}/submit"), headers=token)
    assert again.status_code == 409
    stored = client.get(answers_path(slug, a, respondent["id"]), headers=token).json()
    assert [x["value"] for x in stored["answers"]] == [3]


def _close_with_one_answer(client: TestClient, owner: Headers, slug: str, a: str) -> dict[str, Any]:
    respondent, _ = new_respondent(client, owner, slug, a)
    save(client, owner, slug, a, respondent["id"], PRJ_STD_01_Q1=4)
    response = client.post(_path(slug, a, "/close"), headers=owner)
    assert response.status_code == 200, response.text
    return response.json()


def test_close_with_nothing_answered_answers_409(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug)["id"]
    respondent, _ = new_respondent(client, owner, slug, a)
    save(client, owner, slug, a, respondent["id"], PRJ_STD_01_Q1=None)
    assert client.post(_path(slug, a, "/close"), headers=owner).status_code == 409


def test_close_twice_answers_409(client: TestClient, org: tuple[str, Headers]) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug)["id"]
    closed = _close_with_one_answer(client, owner, slug, a)
    assert (closed["status"], closed["scoring_version"]) == ("closed", "3")
    assert closed["closed_at"] is not None
    assert client.post(_path(slug, a, "/close"), headers=owner).status_code == 409


def test_a_closed_assessment_freezes_answers_and_respondents(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug)["id"]
    respondent, token = new_respondent(client, owner, slug, a)
    save(client, token, slug, a, respondent["id"], PRJ_STD_01_Q1=2)
    client.post(_path(slug, a, "/close"), headers=owner)
    assert save(client, token, slug, a, respondent["id"], PRJ_STD_01_Q1=4).status_code == 409
    assert save(client, owner, slug, a, respondent["id"], PRJ_STD_01_Q1=4).status_code == 409
    response = client.post(_path(slug, a, "/respondents"), json={"name": "Late"}, headers=owner)
    assert response.status_code == 409
    submit = client.post(_path(slug, a, f"/respondents/{respondent['id']}/submit"), headers=token)
    assert submit.status_code == 409
    readable = client.get(answers_path(slug, a, respondent["id"]), headers=token)
    assert readable.status_code == 200
    assert readable.json()["answers"][0]["value"] == 2


def test_delete_removes_an_open_assessment_and_refuses_a_closed_one(
    client: TestClient, org: tuple[str, Headers], engine: Engine
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug)["id"]
    respondent, token = new_respondent(client, owner, slug, a)
    save(client, owner, slug, a, respondent["id"], PRJ_STD_01_Q1=2)
    assert client.delete(_path(slug, a), headers=owner).status_code == 204
    assert client.get(_path(slug, a), headers=owner).status_code == 404
    assert client.get("/v1/me", headers=token).status_code == 401
    with engine.connect() as connection:
        for table in ("answer", "answer_history", "respondent"):
            count = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            assert count == 0, table
    closed = new_assessment(client, owner, slug)["id"]
    _close_with_one_answer(client, owner, slug, closed)
    assert client.delete(_path(slug, closed), headers=owner).status_code == 409


def test_the_report_of_an_open_assessment_is_provisional_and_live(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug)["id"]
    respondent, _ = new_respondent(client, owner, slug, a)
    save(client, owner, slug, a, respondent["id"], PRJ_STD_01_Q1=4, PRJ_STD_01_Q2=4)
    first = client.get(_path(slug, a, "/report"), headers=owner).json()
    assert first["provisional"] is True
    practice = first["score_card"]["best_practices"][0]
    assert (practice["id"], practice["score"], practice["attained"]) == ("PRJ-STD-01", 1.0, True)
    save(client, owner, slug, a, respondent["id"], PRJ_STD_01_Q2=0)
    second = client.get(_path(slug, a, "/report"), headers=owner).json()
    # weights 1 and 2: (1 * 1.0 + 2 * 0.0) / 3
    assert second["score_card"]["best_practices"][0]["score"] == round(1 / 3, 4)


def test_the_report_of_a_closed_assessment_is_its_snapshot_byte_for_byte(
    client: TestClient, org: tuple[str, Headers], engine: Engine
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug)["id"]
    ann, _ = new_respondent(client, owner, slug, a, "Ann")
    bob, _ = new_respondent(client, owner, slug, a, "Bob")
    save(client, owner, slug, a, ann["id"], PRJ_STD_01_Q1=4, PRJ_STD_01_Q2=3, PGM_STD_01_Q1="na")
    save(client, owner, slug, a, bob["id"], PRJ_STD_01_Q1=1, ENB_STR_01_Q1=2)
    client.post(_path(slug, a, "/close"), headers=owner)
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT score_card FROM assessment WHERE id = :id"), {"id": a}
        ).scalar_one()
    first = client.get(_path(slug, a, "/report"), headers=owner)
    client.patch(
        f"/v1/organizations/{slug}",
        json={"name": "Renamed", "profile": {"pmo": {"exists": False}}},
        headers=owner,
    )
    client.put(
        f"/v1/organizations/{slug}/targets/test-q", json={"domains": {"project": 2}}, headers=owner
    )
    second = client.get(_path(slug, a, "/report"), headers=owner)
    assert first.text.endswith(',"score_card":' + stored + "}")
    assert second.text.endswith(',"score_card":' + stored + "}")
    report = second.json()
    assert report["provisional"] is False
    assert report["organization"]["name"] != "Renamed"
    assert report["organization"]["profile"]["pmo"]["type"] == "supportive"
    assert report["goals"] == {}
    card = json.loads(stored)
    assert card["respondents"] == 2
    question = card["best_practices"][0]["questions"][0]
    assert question == {
        "id": "PRJ-STD-01-Q1",
        "status": "answered",
        "score": round((1.0 + 0.25) / 2, 4),
        "credit": round(0.625 / 0.75, 4),  # (score - floor 0) / (threshold 0.75 - floor)
        "dispersion": 0.375,
        "responses": 2,
    }
    assert card["disagreements"] == [{"id": "PRJ-STD-01-Q1", "dispersion": 0.375, "responses": 2}]


def test_answer_history_keeps_every_change(
    client: TestClient, org: tuple[str, Headers], engine: Engine
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug)["id"]
    respondent, token = new_respondent(client, owner, slug, a)
    save(client, token, slug, a, respondent["id"], PRJ_STD_01_Q1=1)
    save(client, owner, slug, a, respondent["id"], PRJ_STD_01_Q1=3)
    save(client, token, slug, a, respondent["id"], PRJ_STD_01_Q1=None)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT value, written_by FROM answer_history ORDER BY id")
        ).all()
    owner_key = client.get(f"/v1/organizations/{slug}/keys", headers=owner).json()["items"][0]["id"]
    assert [tuple(row) for row in rows] == [
        (1, respondent["id"]),
        (3, owner_key),
        (None, respondent["id"]),
    ]


def test_the_history_holds_each_written_answer_as_stored(
    client: TestClient, org: tuple[str, Headers], engine: Engine
) -> None:
    """Every column of every item of one write, cleared ones too, at the answer's own time."""
    slug, owner = org
    a = new_assessment(client, owner, slug)["id"]
    respondent, token = new_respondent(client, owner, slug, a)
    save(client, token, slug, a, respondent["id"], PRJ_STD_01_Q2=2)
    items = [
        {"question_id": "PRJ-STD-01-Q1", "value": 3, "comment": "In 7 of 9 projects"},
        {"question_id": "PGM-STD-01-Q1", "not_applicable": True, "evidence": ["https://x.test/a"]},
        {"question_id": "PRJ-STD-01-Q2"},  # cleared
        {"question_id": "PGM-MEA-01-Q1", "comment": "Not yet", "evidence": ["e1", "e2"]},
    ]
    response = client.patch(
        answers_path(slug, a, respondent["id"]), json={"answers": items}, headers=token
    )
    assert response.status_code == 200, response.text
    names = ("question_id", "value", "not_applicable", "comment", "evidence", "written_by")
    history_table, answer_table = AnswerHistoryRow.__table__, AnswerRow.__table__
    with engine.connect() as connection:  # through the tables' types: the same on both engines
        history = connection.execute(
            select(*(history_table.c[n] for n in names), history_table.c.written_at).order_by(
                history_table.c.id
            )
        ).all()
        answers = connection.execute(
            select(*(answer_table.c[n] for n in names), answer_table.c.updated_at).order_by(
                answer_table.c.question_id
            )
        ).all()
    written = sorted((tuple(row) for row in history[1:]), key=lambda row: row[0])
    who = respondent["id"]
    assert [row[:6] for row in written] == [
        ("PGM-MEA-01-Q1", None, False, "Not yet", ["e1", "e2"], who),
        ("PGM-STD-01-Q1", None, True, None, ["https://x.test/a"], who),
        ("PRJ-STD-01-Q1", 3, False, "In 7 of 9 projects", [], who),
        ("PRJ-STD-01-Q2", None, False, None, [], who),
    ]
    assert {row[6] for row in written} == {answers[0][6]}  # one time: the write's
    kept = [row[:6] for row in written if row[0] != "PRJ-STD-01-Q2"]
    assert [tuple(row[:6]) for row in answers] == kept


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"answers": "not a list"}', b'{"answers": [{"question_id": "NOPE"}]}'],
    ids=["malformed", "wrong-shape", "invalid-item"],
)
def test_writes_to_a_closed_assessment_answer_409_before_any_body_problem(
    client: TestClient, org: tuple[str, Headers], body: bytes
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug)["id"]
    respondent, token = new_respondent(client, owner, slug, a)
    save(client, owner, slug, a, respondent["id"], PRJ_STD_01_Q1=2)
    client.post(_path(slug, a, "/close"), headers=owner)
    headers = {**token, "content-type": "application/json"}
    response = client.patch(answers_path(slug, a, respondent["id"]), content=body, headers=headers)
    assert response.status_code == 409
    invite = client.post(
        _path(slug, a, "/respondents"),
        content=body,
        headers={**owner, "content-type": "application/json"},
    )
    assert invite.status_code == 409


def test_a_submitted_respondent_answers_409_before_any_body_problem(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug)["id"]
    respondent, token = new_respondent(client, owner, slug, a)
    client.post(_path(slug, a, f"/respondents/{respondent['id']}/submit"), headers=token)
    response = client.patch(
        answers_path(slug, a, respondent["id"]),
        content=b"{not json",
        headers={**token, "content-type": "application/json"},
    )
    assert response.status_code == 409


def test_the_json_report_of_a_closed_assessment_reads_no_answers(
    client: TestClient, org: tuple[str, Headers], engine: Engine
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug)["id"]
    _close_with_one_answer(client, owner, slug, a)
    client.get(_path(slug, a, "/report"), headers=owner)  # the key's use is recorded once
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement.lower())

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(_path(slug, a, "/report"), headers=owner).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert statements
    assert not [s for s in statements if "from answer" in s or "from respondent" in s]
