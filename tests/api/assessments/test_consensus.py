"""Consensus ratings (`api.md`, Consensus): who may set them, what they must be, and close.

Three respondents of a facilitated test-q assessment disagree on PRJ-STD-01-Q1 (0, 4, 2) and
PRJ-MEA-01-Q1 (1, 4, 4), so both project cells are disputed (0.5 and 1.0), and on the enabler
question ENB-STR-01-Q1 (0, 4, 0), which never blocks a close; they agree everywhere else.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ..factories import (
    Headers,
    created,
    new_assessment,
    new_key,
    new_organization,
    new_respondent,
    save,
)

UNSETTLED = ["PRJ-STD-01-Q1", "PRJ-MEA-01-Q1"]
ANSWERS = {
    "Ann": {"PRJ_STD_01_Q1": 0, "PRJ_STD_01_Q2": 3, "PRJ_MEA_01_Q1": 1, "ENB_STR_01_Q1": 0},
    "Bob": {"PRJ_STD_01_Q1": 4, "PRJ_STD_01_Q2": 3, "PRJ_MEA_01_Q1": 4, "ENB_STR_01_Q1": 4},
    "Cid": {"PRJ_STD_01_Q1": 2, "PRJ_STD_01_Q2": 3, "PRJ_MEA_01_Q1": 4, "ENB_STR_01_Q1": 0},
}
PROGRAM = {"PGM_STD_01_Q1": 4, "PGM_MEA_01_Q1": 2}
RATIONALE = "The method document exists but is not followed on two of five projects."


class Workshop:
    """A facilitated assessment with three respondents who disagree, and its owner key."""

    def __init__(self, client: TestClient, admin: Headers, rigor: str = "facilitated") -> None:
        self.client = client
        organization, self.owner = new_organization(client, admin)
        self.slug = organization["slug"]
        self.assessment = new_assessment(client, self.owner, self.slug, rigor=rigor)["id"]
        self.path = f"/v1/organizations/{self.slug}/assessments/{self.assessment}"
        self.tokens: dict[str, Headers] = {}
        self.respondents: dict[str, str] = {}
        for name, values in ANSWERS.items():
            respondent, token = new_respondent(client, self.owner, self.slug, self.assessment, name)
            self.tokens[name] = token
            self.respondents[name] = respondent["id"]
            saved = save(client, token, self.slug, self.assessment, respondent["id"], **values)
            assert saved.status_code == 200, saved.text
            saved = save(client, token, self.slug, self.assessment, respondent["id"], **PROGRAM)
            assert saved.status_code == 200, saved.text

    def rate(self, question_id: str, headers: Headers | None = None, **body: Any) -> Any:
        payload = {"value": 3, "rationale": RATIONALE} | body
        return self.client.put(
            f"{self.path}/consensus/{question_id}", json=payload, headers=headers or self.owner
        )

    def close(self, query: str = "") -> Any:
        return self.client.post(f"{self.path}/close{query}", headers=self.owner)

    def audit(self) -> list[dict[str, Any]]:
        return list(
            self.client.get(f"/v1/organizations/{self.slug}/audit", headers=self.owner).json()[
                "items"
            ]
        )


@pytest.fixture
def workshop(client: TestClient, admin: Headers) -> Workshop:
    return Workshop(client, admin)


def test_close_lists_exactly_the_unsettled_disagreements_of_the_disputed_cells(
    workshop: Workshop,
) -> None:
    refused = workshop.close()
    assert refused.status_code == 409, refused.text
    assert refused.json()["unsettled"] == UNSETTLED


def test_a_settled_question_no_longer_blocks_the_close(workshop: Workshop) -> None:
    assert workshop.rate("PRJ-STD-01-Q1").status_code == 200
    assert workshop.close().json()["unsettled"] == ["PRJ-MEA-01-Q1"]


def test_after_settling_them_close_stores_the_score_card_and_the_validated_card(
    workshop: Workshop,
) -> None:
    for question_id in UNSETTLED:
        assert workshop.rate(question_id).status_code == 200, question_id
    created(workshop.close(), 200)
    report = workshop.client.get(f"{workshop.path}/report", headers=workshop.owner).json()
    assert report["score_card"]["basis"] == "self"
    assert report["validated_card"]["basis"] == "validated"
    assert [d["id"] for d in report["validated_card"]["disagreements"]] == ["ENB-STR-01-Q1"]
    assert {d["id"] for d in report["score_card"]["disagreements"]} == {
        *UNSETTLED,
        "ENB-STR-01-Q1",
    }


def test_a_close_with_accept_disputes_closes_and_audits_how_many_were_left(
    workshop: Workshop,
) -> None:
    created(workshop.close("?accept_disputes=true"), 200)
    closed = next(e for e in workshop.audit() if e["action"] == "assessment.closed")
    assert (closed["detail"]["accept_disputes"], closed["detail"]["unsettled_left"]) == (True, 2)


def test_a_self_assessment_closes_with_disputed_cells_and_has_no_validated_card(
    client: TestClient, admin: Headers
) -> None:
    workshop = Workshop(client, admin, rigor="self")
    created(workshop.close(), 200)
    report = client.get(f"{workshop.path}/report", headers=workshop.owner).json()
    assert report["validated_card"] is None


def test_a_self_assessment_takes_no_consensus_rating(client: TestClient, admin: Headers) -> None:
    workshop = Workshop(client, admin, rigor="self")
    assert workshop.rate("PRJ-STD-01-Q1").status_code == 409


def test_a_closed_assessment_takes_no_consensus_rating_nor_removes_one(
    workshop: Workshop,
) -> None:
    created(workshop.close("?accept_disputes=true"), 200)
    assert workshop.rate("PRJ-STD-01-Q1").status_code == 409
    removed = workshop.client.delete(
        f"{workshop.path}/consensus/PRJ-STD-01-Q1", headers=workshop.owner
    )
    assert removed.status_code == 409


def test_an_unknown_question_answers_404(workshop: Workshop) -> None:
    assert workshop.rate("NOPE-Q1").status_code == 404


def test_a_reader_key_cannot_set_consensus(workshop: Workshop) -> None:
    reader = new_key(workshop.client, workshop.owner, workshop.slug, "reader")
    assert workshop.rate("PRJ-STD-01-Q1", reader).status_code == 403


def test_an_editor_key_sets_consensus(workshop: Workshop) -> None:
    editor = new_key(workshop.client, workshop.owner, workshop.slug, "editor")
    assert workshop.rate("PRJ-STD-01-Q1", editor).status_code == 200


def test_a_respondent_token_cannot_read_or_set_consensus(workshop: Workshop) -> None:
    token = workshop.tokens["Ann"]
    assert workshop.rate("PRJ-STD-01-Q1", token).status_code == 403
    listed = workshop.client.get(f"{workshop.path}/consensus", headers=token)
    assert listed.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value": None}, "exactly one"),
        ({"not_applicable": True}, "exactly one"),
        ({"value": None, "dont_know": True}, "never don't know"),
        ({"value": 9}, "value"),
        ({"value": None, "not_applicable": True}, "not_applicable"),
        ({"rationale": "  "}, "rationale"),
        ({"rationale": "x" * 2001}, "rationale"),
    ],
    ids=[
        "neither",
        "both",
        "dont_know",
        "off the scale",
        "N/A not allowed",
        "empty rationale",
        "rationale too long",
    ],
)
def test_an_invalid_rating_answers_422(
    workshop: Workshop, body: dict[str, Any], field: str
) -> None:
    refused = workshop.rate("PRJ-STD-01-Q1", **body)
    assert refused.status_code == 422, refused.text
    assert field in json.dumps(refused.json()["errors"])


def test_a_question_outside_the_scope_answers_422(client: TestClient, admin: Headers) -> None:
    organization, owner = new_organization(client, admin)
    slug = organization["slug"]
    scoped = new_assessment(client, owner, slug, rigor="independent", scope=["project"])["id"]
    refused = client.put(
        f"/v1/organizations/{slug}/assessments/{scoped}/consensus/PGM-STD-01-Q1",
        json={"value": 3, "rationale": RATIONALE},
        headers=owner,
    )
    assert refused.status_code == 422, refused.text


def test_ratings_are_listed_in_questionnaire_order_with_who_decided(workshop: Workshop) -> None:
    for question_id in ("PRJ-MEA-01-Q1", "PRJ-STD-01-Q1"):
        assert workshop.rate(question_id, evidence_verdict="accepted").status_code == 200
    listed = workshop.client.get(f"{workshop.path}/consensus", headers=workshop.owner).json()
    assert [item["question_id"] for item in listed["items"]] == UNSETTLED
    assert {item["evidence_verdict"] for item in listed["items"]} == {"accepted"}
    assert all(item["decided_by"].startswith("key_") for item in listed["items"])


def test_removing_a_rating_that_is_not_there_answers_204(workshop: Workshop) -> None:
    removed = workshop.client.delete(
        f"{workshop.path}/consensus/PRJ-STD-01-Q1", headers=workshop.owner
    )
    assert removed.status_code == 204


def test_setting_changing_and_removing_a_rating_are_audited(workshop: Workshop) -> None:
    workshop.rate("PRJ-STD-01-Q1")
    workshop.rate("PRJ-STD-01-Q1", value=2)
    workshop.client.delete(f"{workshop.path}/consensus/PRJ-STD-01-Q1", headers=workshop.owner)
    workshop.client.delete(f"{workshop.path}/consensus/PRJ-STD-01-Q1", headers=workshop.owner)
    entries = [e for e in reversed(workshop.audit()) if e["action"].startswith("consensus.")]
    assert [(e["action"], e["detail"]["question_id"]) for e in entries] == [
        ("consensus.set", "PRJ-STD-01-Q1"),
        ("consensus.changed", "PRJ-STD-01-Q1"),
        ("consensus.removed", "PRJ-STD-01-Q1"),
    ]
    assert (entries[1]["detail"]["from"]["value"], entries[1]["detail"]["to"]["value"]) == (3, 2)


def test_an_admin_sets_consensus(workshop: Workshop, admin: Headers) -> None:
    assert workshop.rate("PRJ-STD-01-Q1", admin).status_code == 200


def test_a_respondent_token_of_another_assessment_gets_404(
    workshop: Workshop, client: TestClient
) -> None:
    other = new_assessment(client, workshop.owner, workshop.slug, rigor="facilitated")["id"]
    _, token = new_respondent(client, workshop.owner, workshop.slug, other, "Dee")
    assert workshop.rate("PRJ-STD-01-Q1", token).status_code == 404
