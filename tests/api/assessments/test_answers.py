"""Saving answers: a batch of upserts, all or nothing, every invalid item named (`api.md`)."""

from __future__ import annotations

from typing import Any

import pytest
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


# Don't know (scoring.md section 1; api.md, Answers and progress)


def test_dont_know_is_saved_and_read_back(client: TestClient, world: World) -> None:
    saved = _patch(client, world, {"question_id": "PRJ-MEA-01-Q1", "dont_know": True})
    assert saved.status_code == 200, saved.text
    stored = _stored(client, world)["PRJ-MEA-01-Q1"]
    assert (stored["dont_know"], stored["value"], stored["not_applicable"]) == (True, None, False)


def test_progress_counts_dont_know_as_unknown_and_as_gone_through(
    client: TestClient, world: World
) -> None:
    """Of 6 questions: one value, one N/A, one don't know; ratio (6 - 3 unanswered) / 6."""
    saved = _patch(
        client,
        world,
        {"question_id": "PRJ-STD-01-Q1", "value": 3},
        {"question_id": "PGM-STD-01-Q1", "not_applicable": True},
        {"question_id": "PRJ-MEA-01-Q1", "dont_know": True},
    )
    progress = {
        "questions": 6,
        "answered": 1,
        "not_applicable": 1,
        "unknown": 1,
        "unanswered": 3,
        "ratio": 0.5,
    }
    assert saved.json()["progress"] == progress
    assert client.get(world.answers, headers=world.token).json()["progress"] == progress


@pytest.mark.parametrize(
    ("answer", "field"),
    [({"value": 2}, "answers.1.value"), ({"not_applicable": True}, "answers.1.dont_know")],
    ids=["value", "not_applicable"],
)
def test_dont_know_with_a_value_or_na_answers_422_naming_the_item_and_saves_nothing(
    client: TestClient, world: World, answer: dict[str, Any], field: str
) -> None:
    response = _patch(
        client,
        world,
        {"question_id": "PRJ-STD-01-Q1", "value": 3},
        {"question_id": "PGM-STD-01-Q1", "dont_know": True, **answer},  # allows N/A
    )
    assert response.status_code == 422
    assert [(e["question_id"], e["field"]) for e in response.json()["errors"]] == [
        ("PGM-STD-01-Q1", field)
    ]
    assert _stored(client, world) == {}


def test_a_later_value_replaces_dont_know(client: TestClient, world: World) -> None:
    _patch(client, world, {"question_id": "PRJ-MEA-01-Q1", "dont_know": True})
    saved = _patch(client, world, {"question_id": "PRJ-MEA-01-Q1", "value": 2})
    stored = _stored(client, world)["PRJ-MEA-01-Q1"]
    assert (stored["value"], stored["dont_know"]) == (2, False)
    assert (saved.json()["progress"]["answered"], saved.json()["progress"]["unknown"]) == (1, 0)


def test_dont_know_is_allowed_on_a_question_that_does_not_allow_na(
    client: TestClient, world: World
) -> None:
    refused = _patch(client, world, {"question_id": "ENB-STR-01-Q1", "not_applicable": True})
    assert refused.status_code == 422  # no N/A here
    saved = _patch(client, world, {"question_id": "ENB-STR-01-Q1", "dont_know": True})
    assert saved.status_code == 200, saved.text
    assert _stored(client, world)["ENB-STR-01-Q1"]["dont_know"] is True


def test_the_open_reports_card_counts_a_dont_know_question_as_unknown_at_0(
    client: TestClient, world: World
) -> None:
    _patch(
        client,
        world,
        {"question_id": "PRJ-STD-01-Q1", "value": 4},
        {"question_id": "PRJ-MEA-01-Q1", "dont_know": True},
    )
    report = client.get(
        f"/v1/organizations/{world.slug}/assessments/{world.assessment}/report",
        headers=world.owner,
    ).json()
    card = report["score_card"]
    [practice] = [p for p in card["best_practices"] if p["id"] == "PRJ-MEA-01"]
    assert practice["questions"] == [
        {
            "id": "PRJ-MEA-01-Q1",
            "status": "unknown",
            "score": 0.0,
            "credit": 0.0,
            "dispersion": None,
            "responses": 0,
        }
    ]
    assert (practice["assessed"], practice["score"]) == (True, 0.0)
    assert card["completeness"] == {
        "questions": 6,
        "answered": 1,
        "not_applicable": 0,
        "unknown": 1,
        "unanswered": 4,
        "ratio": round(1 / 6, 4),
    }
