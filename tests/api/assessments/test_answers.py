"""Saving answers: a batch of upserts, all or nothing, every invalid item named (`api.md`)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from ..factories import World


def _patch(client: TestClient, world: World, *items: dict[str, Any]) -> Any:
    return client.patch(world.answers, json={"answers": list(items)}, headers=world.token)


def _stored(client: TestClient, world: World) -> dict[str, dict[str, Any]]:
    answers = client.get(world.answers, headers=world.token).json()["answers"]
    return {a["question_id"]: a for a in answers}


def test_saving_answers_reports_what_was_saved_and_progress(
    client: TestClient, world: World
) -> None:
    response = _patch(
        client,
        world,
        {"question_id": "PRJ-STD-01-Q1", "value": 3, "comment": "Seen in 4 of 5 projects"},
        {"question_id": "PGM-STD-01-Q1", "not_applicable": True},
    )
    assert response.status_code == 200
    assert response.json() == {
        "saved": 2,
        "progress": {
            "questions": 6,
            "answered": 1,
            "not_applicable": 1,
            "unknown": 0,
            "unanswered": 4,
            "ratio": round(2 / 6, 4),
        },
    }


def test_the_progress_of_a_save_is_the_progress_of_the_respondents_answers(
    client: TestClient, world: World
) -> None:
    _patch(client, world, {"question_id": "PRJ-STD-01-Q2", "value": 2})
    saved = _patch(
        client,
        world,
        {"question_id": "PRJ-STD-01-Q1", "value": 0},
        {"question_id": "PGM-STD-01-Q1", "not_applicable": True},
        {"question_id": "PRJ-MEA-01-Q1", "comment": "a comment alone answers nothing"},
        {"question_id": "PRJ-STD-01-Q2", "value": None},
    )
    listed = client.get(world.answers, headers=world.token).json()
    assert saved.json()["progress"] == listed["progress"]
    assert (listed["progress"]["answered"], listed["progress"]["not_applicable"]) == (1, 1)


def test_an_item_replaces_the_whole_answer(client: TestClient, world: World) -> None:
    _patch(
        client,
        world,
        {"question_id": "PRJ-STD-01-Q1", "value": 3, "comment": "c", "evidence": ["https://x/y"]},
    )
    _patch(client, world, {"question_id": "PRJ-STD-01-Q1", "value": 4})
    stored = _stored(client, world)["PRJ-STD-01-Q1"]
    assert (stored["value"], stored["comment"], stored["evidence"]) == (4, None, [])


def test_questions_not_listed_keep_their_answers(client: TestClient, world: World) -> None:
    _patch(client, world, {"question_id": "PRJ-STD-01-Q1", "value": 3})
    _patch(client, world, {"question_id": "PRJ-STD-01-Q2", "value": 1})
    assert {q: a["value"] for q, a in _stored(client, world).items()} == {
        "PRJ-STD-01-Q1": 3,
        "PRJ-STD-01-Q2": 1,
    }


def test_a_null_value_without_na_clears_the_answer(client: TestClient, world: World) -> None:
    _patch(client, world, {"question_id": "PRJ-STD-01-Q1", "value": 3})
    response = _patch(
        client, world, {"question_id": "PRJ-STD-01-Q1", "value": None, "not_applicable": False}
    )
    assert response.json()["progress"]["answered"] == 0
    assert _stored(client, world) == {}


def test_evidence_and_comment_are_kept(client: TestClient, world: World) -> None:
    evidence = ["https://wiki.example.org/pm-method", "Method v3.pdf"]
    _patch(
        client,
        world,
        {"question_id": "ENB-STR-01-Q1", "value": 2, "comment": "ça va", "evidence": evidence},
    )
    stored = _stored(client, world)["ENB-STR-01-Q1"]
    assert (stored["comment"], stored["evidence"]) == ("ça va", evidence)


def test_one_invalid_item_saves_nothing_and_every_problem_is_named(
    client: TestClient, world: World
) -> None:
    response = _patch(
        client,
        world,
        {"question_id": "PRJ-STD-01-Q1", "value": 3},
        {"question_id": "NO-SUCH-Q", "value": 1},
        {"question_id": "PRJ-STD-01-Q2", "value": 5},
        {"question_id": "PRJ-MEA-01-Q1", "not_applicable": True},
        {"question_id": "PGM-STD-01-Q1", "value": 2, "not_applicable": True},
        {"question_id": "PGM-MEA-01-Q1", "comment": "x" * 2001},
        {"question_id": "ENB-STR-01-Q1", "evidence": ["e"] * 11},
    )
    assert response.status_code == 422
    problems = {(e["question_id"], e["field"]) for e in response.json()["errors"]}
    assert problems == {
        ("NO-SUCH-Q", "answers.1.question_id"),
        ("PRJ-STD-01-Q2", "answers.2.value"),
        ("PRJ-MEA-01-Q1", "answers.3.not_applicable"),
        ("PGM-STD-01-Q1", "answers.4.value"),
        ("PGM-MEA-01-Q1", "answers.5.comment"),
        ("ENB-STR-01-Q1", "answers.6.evidence"),
    }
    assert _stored(client, world) == {}


def test_an_evidence_entry_over_500_characters_is_refused(client: TestClient, world: World) -> None:
    response = _patch(
        client, world, {"question_id": "PRJ-STD-01-Q1", "evidence": ["ok", "y" * 501]}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "answers.0.evidence.1"


def test_the_same_question_twice_in_one_request_is_refused(
    client: TestClient, world: World
) -> None:
    response = _patch(
        client,
        world,
        {"question_id": "PRJ-STD-01-Q1", "value": 1},
        {"question_id": "PRJ-STD-01-Q1", "value": 2},
    )
    assert response.status_code == 422
    assert _stored(client, world) == {}


def test_more_than_1000_answers_in_one_request_answers_422(
    client: TestClient, world: World
) -> None:
    items = [{"question_id": "PRJ-STD-01-Q1", "value": 1}] * 1001
    response = _patch(client, world, *items)
    assert response.status_code == 422
    assert "1000" in response.json()["detail"]


def test_a_body_over_one_mebibyte_answers_413(client: TestClient, world: World) -> None:
    items = [{"question_id": "PRJ-STD-01-Q1", "comment": "x" * 1999}] * 600
    response = _patch(client, world, *items)
    assert response.status_code == 413
    assert _stored(client, world) == {}


def test_an_unknown_field_in_an_item_answers_422(client: TestClient, world: World) -> None:
    response = _patch(client, world, {"question_id": "PRJ-STD-01-Q1", "valeu": 3})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "answers.0.valeu"
