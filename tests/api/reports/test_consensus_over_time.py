"""Trend, compare and export with validated cards (`api.md`, Consensus): `basis`."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from ..assessments.test_consensus import UNSETTLED, Workshop
from ..factories import Headers, created, new_assessment, new_respondent, save


def _closed_pair(client: TestClient, admin: Headers) -> tuple[Workshop, str]:
    """A facilitated assessment settled to 0 on both disputed questions and closed, then a
    self-assessment of the same organization, closed."""
    workshop = Workshop(client, admin)
    for question_id in UNSETTLED:
        assert workshop.rate(question_id, value=0).status_code == 200
    created(workshop.close(), 200)
    later = new_assessment(client, workshop.owner, workshop.slug, title="2027")["id"]
    respondent, token = new_respondent(client, workshop.owner, workshop.slug, later)
    assert save(client, token, workshop.slug, later, respondent["id"], PRJ_STD_01_Q1=1).is_success
    created(
        client.post(
            f"/v1/organizations/{workshop.slug}/assessments/{later}/close", headers=workshop.owner
        ),
        200,
    )
    return workshop, later


def _report(client: TestClient, workshop: Workshop) -> dict[str, Any]:
    return dict(client.get(f"{workshop.path}/report", headers=workshop.owner).json())


def test_trend_points_use_the_validated_card_when_there_is_one(
    client: TestClient, admin: Headers
) -> None:
    workshop, _ = _closed_pair(client, admin)
    trend = client.get(
        f"/v1/organizations/{workshop.slug}/trend?questionnaire=test-q", headers=workshop.owner
    ).json()
    assert [point["basis"] for point in trend["points"]] == ["validated", "self"]
    validated = _report(client, workshop)["validated_card"]
    assert trend["points"][0]["domains"]["project"]["index"] == validated["domains"][0]["index"]
    assert (
        validated["domains"][0]["index"]
        != _report(client, workshop)["score_card"]["domains"][0]["index"]
    )


def test_compare_uses_each_sides_validated_card_unless_asked_for_the_self_cards(
    client: TestClient, admin: Headers
) -> None:
    workshop, later = _closed_pair(client, admin)
    url = f"/v1/organizations/{workshop.slug}/compare?base={workshop.assessment}&target={later}"
    lead = client.get(url, headers=workshop.owner).json()
    own = client.get(url + "&basis=self", headers=workshop.owner).json()
    assert (lead["basis"], own["basis"]) == (
        {"base": "validated", "target": "self"},
        {"base": "self", "target": "self"},
    )
    report = _report(client, workshop)
    project = next(d for d in lead["domains"] if d["id"] == "project")
    assert project["index"]["base"] == report["validated_card"]["domains"][0]["index"]
    project = next(d for d in own["domains"] if d["id"] == "project")
    assert project["index"]["base"] == report["score_card"]["domains"][0]["index"]


def test_the_export_carries_the_consensus_ratings_and_both_cards(
    client: TestClient, admin: Headers
) -> None:
    workshop, _ = _closed_pair(client, admin)
    exported = client.get(f"{workshop.path}/export", headers=workshop.owner).json()
    part = exported["assessments"][0]
    assert [rating["question_id"] for rating in part["consensus"]] == UNSETTLED
    report = client.get(f"{workshop.path}/report", headers=workshop.owner).text
    assert report.startswith("{") and ',"validated_card":' + part["validated_card"] in report


def test_a_self_assessments_report_page_has_no_validated_column(
    client: TestClient, admin: Headers
) -> None:
    workshop = Workshop(client, admin, rigor="self")
    created(workshop.close(), 200)
    page = client.get(f"{workshop.path}/report?format=html", headers=workshop.owner).text
    assert 'id="self-and-validated"' not in page and 'id="validated-note"' not in page


def test_a_validated_report_page_shows_both_sides_and_says_the_headline_is_validated(
    client: TestClient, admin: Headers
) -> None:
    workshop, _ = _closed_pair(client, admin)
    page = client.get(f"{workshop.path}/report?format=html", headers=workshop.owner).text
    assert 'id="side-by-side"' in page and "use the\n  validated figures" in page
