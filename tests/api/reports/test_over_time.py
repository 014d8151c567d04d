"""Trend, comparison, targets and progress over three closed assessments, worked out by hand.

The test questionnaire (tests/data/test-q-1.0.0.yaml) has one best practice per cell:
project and program x standardize and measure, and one structural enabler practice.
Scoring version 3: a practice is attained when every question is at least 0.5 and all but
min(1, n - 1) of its n questions reach 0.75 (a one-question practice needs 0.75); a question's
credit is score / 0.75 (floor 0), capped at 1; an unattained practice earns the weighted mean
of its questions' credits. A stage is achieved at 0.8 attained (so: its one practice). A
domain's index is the sum over stages of the running minimum of the stages' progress.

    answers (one respondent)        A1 (2025-06-30)   A2 (2025-12-31)   A3 (no end: today)
    PRJ-STD-01 Q1, Q2 (weights 1, 2)  4, 1: 1, 0.25     4, 3: 1, 0.75     4, 4
    PRJ-MEA-01                        4 -> 1            2 -> 0.5          4 -> 1
    PGM-STD-01                        3 -> 0.75         N/A               4 -> 1
    PGM-MEA-01                        1 -> 0.25         N/A               4 -> 1
    ENB-STR-01                        2 -> 0.5          3 -> 0.75         4 -> 1

    PRJ-STD-01                        0.25 is below the question floor: not attained, score
                                      (1 + 2 x 0.25) / 3 = 0.5, credit (1 + 2 x 0.3333) / 3
                                      = 0.5556
                                      A2: one shortfall allowed: attained, score 0.8333
    credits                           PRJ-STD 0.5556    PRJ-MEA 0.6667    all 1
                                      PGM-MEA 0.3333    ENB 1
                                      ENB 0.6667        others 1
                                      others 1

    project level / index             0 / 1.1111        1 / 1.6667        2 / 2.0
      (A1: 0.5556 + min(0.5556, 1); A2: 1 + min(1, 0.6667))
    project progress                  0.7778            0.8333            1.0
    program level / index             1 / 1.3333        not assessed      2 / 2.0
    program progress                  0.6667            -                 1.0
    overall level / index             0 / 1.1111        1 / 1.6667        2 / 2.0
    overall attainment                2 of 4 = 0.5      1 of 2 = 0.5      1.0
    overall progress                  2.8889/4 = 0.7222 1.6667/2 = 0.8333 1.0
    structural attainment / progress  0.0 / 0.6667      1.0 / 1.0         1.0 / 1.0

A3 is closed first, so creation and closing order differ from trend order (A1, A2, A3).
Targets project 2, program 2 are set after A3 closed and before A1 and A2 closed.
The baseline is A1 (first in trend order, and it assesses both domains). G, the staged
progress up to the goal, from the stages' progress as the card writes it: project
0.5556 + 0.5556 = 1.1112, program 1 + 0.3333 = 1.3333. Goal progress, project: A2
(1.6667 - 1.1112) / (2 - 1.1112) = 0.625; A3 (2 - 1.1112) / 0.8888 = 1.0; program: A3
(2 - 1.3333) / 0.6667 = 1.0.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from ..factories import Headers, created, new_assessment, new_organization, new_respondent, save

A1 = {"PRJ_STD_01_Q1": 4, "PRJ_STD_01_Q2": 1, "PRJ_MEA_01_Q1": 4, "PGM_STD_01_Q1": 3,
      "PGM_MEA_01_Q1": 1, "ENB_STR_01_Q1": 2}  # fmt: skip
A2 = {"PRJ_STD_01_Q1": 4, "PRJ_STD_01_Q2": 3, "PRJ_MEA_01_Q1": 2, "PGM_STD_01_Q1": "na",
      "PGM_MEA_01_Q1": "na", "ENB_STR_01_Q1": 3}  # fmt: skip
A3 = {"PRJ_STD_01_Q1": 4, "PRJ_STD_01_Q2": 4, "PRJ_MEA_01_Q1": 4, "PGM_STD_01_Q1": 4,
      "PGM_MEA_01_Q1": 4, "ENB_STR_01_Q1": 4}  # fmt: skip


def close(
    client: TestClient,
    owner: Headers,
    org: str,
    answers: dict[str, Any],
    *,
    key: str = "test-q",
    version: str = "1.0.0",
    **fields: Any,
) -> str:
    """A closed assessment with one respondent's `answers`; returns its id."""
    a = new_assessment(client, owner, org, version=version, questionnaire_key=key, **fields)["id"]
    respondent, _ = new_respondent(client, owner, org, a)
    assert save(client, owner, org, a, respondent["id"], **answers).status_code == 200
    created(client.post(f"/v1/organizations/{org}/assessments/{a}/close", headers=owner), 200)
    return a


@pytest.fixture
def history(client: TestClient, admin: Headers) -> tuple[str, Headers, list[str]]:
    org, owner = new_organization(client, admin)
    slug = org["slug"]
    a3 = close(client, owner, slug, A3, title="A3", period="2026")
    targets = client.put(
        f"/v1/organizations/{slug}/targets/test-q",
        json={"domains": {"project": 2, "program": 2}},
        headers=owner,
    )
    assert targets.status_code == 200
    a1 = close(client, owner, slug, A1, title="A1", period="2025-H1", period_end="2025-06-30")
    a2 = close(client, owner, slug, A2, title="A2", period="2025-H2", period_end="2025-12-31")
    return slug, owner, [a1, a2, a3]


def test_trend_points_are_in_trend_order_with_every_figure(
    client: TestClient, history: tuple[str, Headers, list[str]]
) -> None:
    slug, owner, (a1, a2, a3) = history
    response = client.get(f"/v1/organizations/{slug}/trend?questionnaire=test-q", headers=owner)
    assert response.status_code == 200
    body = response.json()
    assert body["questionnaire"] == "test-q"
    points = body["points"]
    assert [p["assessment_id"] for p in points] == [a1, a2, a3]
    assert [p["period_end"] for p in points] == ["2025-06-30", "2025-12-31", None]
    assert [(p["scoring_version"], p["rescored"], p["scope"]) for p in points] == [
        ("3", False, ["project", "program"])
    ] * 3
    assert [p["overall"] for p in points] == [
        {"attainment": 0.5, "progress": 0.7222, "level": 0, "index": 1.1111},
        {"attainment": 0.5, "progress": 0.8333, "level": 1, "index": 1.6667},
        {"attainment": 1.0, "progress": 1.0, "level": 2, "index": 2.0},
    ]
    assert [p["enablers"] for p in points] == [
        {"structural": {"attainment": 0.0, "progress": 0.6667}},
        {"structural": {"attainment": 1.0, "progress": 1.0}},
        {"structural": {"attainment": 1.0, "progress": 1.0}},
    ]
    project = [p["domains"]["project"] for p in points]
    program = [p["domains"]["program"] for p in points]
    assert project == [
        {"attainment": 0.5, "progress": 0.7778, "level": 0, "index": 1.1111,
         "goal": {"level": 2, "gap_levels": 2, "progress": 0.0}},
        {"attainment": 0.5, "progress": 0.8333, "level": 1, "index": 1.6667,
         "goal": {"level": 2, "gap_levels": 1, "progress": 0.625}},
        {"attainment": 1.0, "progress": 1.0, "level": 2, "index": 2.0,
         "goal": {"level": 2, "gap_levels": 0, "progress": 1.0}},
    ]  # fmt: skip
    assert program == [
        {"attainment": 0.5, "progress": 0.6667, "level": 1, "index": 1.3333,
         "goal": {"level": 2, "gap_levels": 1, "progress": 0.0}},
        {"attainment": None, "progress": None, "level": None, "index": None,
         "goal": {"level": 2, "gap_levels": None, "progress": None}},
        {"attainment": 1.0, "progress": 1.0, "level": 2, "index": 2.0,
         "goal": {"level": 2, "gap_levels": 0, "progress": 1.0}},
    ]  # fmt: skip


def test_comparison_of_the_same_version(
    client: TestClient, history: tuple[str, Headers, list[str]]
) -> None:
    slug, owner, (a1, a2, _) = history
    response = client.get(f"/v1/organizations/{slug}/compare?base={a1}&target={a2}", headers=owner)
    assert response.status_code == 200
    body = response.json()
    assert (body["comparable"], body["scoring"]) == ("same_version", "same")
    base_score = round((0.5 + 1 + 0.75 + 0.25) / 4, 4)  # 0.625
    target_score = round((2.5 / 3 + 0.5) / 2, 4)  # 0.6667
    assert body["overall"] == {
        "attainment": {"base": 0.5, "target": 0.5, "delta": 0.0},
        "progress": {"base": 0.7222, "target": 0.8333, "delta": 0.1111},
        "score": {"base": base_score, "target": target_score, "delta": 0.0417},
        "level": {"base": 0, "target": 1, "delta": 1},
        "index": {"base": 1.1111, "target": 1.6667, "delta": 0.5556},
    }  # fmt: skip
    domains = {d["id"]: d for d in body["domains"]}
    assert domains["project"]["level"] == {"base": 0, "target": 1, "delta": 1}
    assert domains["project"]["stages"] == [
        {"id": "standardize", "attainment": {"base": 0.0, "target": 1.0, "delta": 1.0},
         "progress": {"base": 0.5556, "target": 1.0, "delta": 0.4444}},
        {"id": "measure", "attainment": {"base": 1.0, "target": 0.0, "delta": -1.0},
         "progress": {"base": 1.0, "target": 0.6667, "delta": -0.3333}},
    ]  # fmt: skip
    assert domains["program"]["index"] == {"base": 1.3333, "target": None, "delta": None}
    assert body["enablers"] == [
        {
            "id": "structural",
            "attainment": {"base": 0.0, "target": 1.0, "delta": 1.0},
            "progress": {"base": 0.6667, "target": 1.0, "delta": 0.3333},
            "score": {"base": 0.5, "target": 0.75, "delta": 0.25},
        }
    ]
    assert body["best_practices"] == {
        "gained": ["PRJ-STD-01", "ENB-STR-01"],
        "lost": ["PRJ-MEA-01"],
        "newly_assessed": [],
        "no_longer_assessed": ["PGM-STD-01", "PGM-MEA-01"],
        "only_in_base": [],
        "only_in_target": [],
    }
    assert body["goals"] == {
        "project": {"level": 2, "gap_levels": 1, "progress": 0.625},
        "program": {"level": 2, "gap_levels": None, "progress": None},
    }


def test_a_closed_report_keeps_the_targets_and_baseline_of_its_close(
    client: TestClient, history: tuple[str, Headers, list[str]]
) -> None:
    slug, owner, (_, a2, a3) = history
    client.put(
        f"/v1/organizations/{slug}/targets/test-q", json={"domains": {"project": 1}}, headers=owner
    )
    report = client.get(f"/v1/organizations/{slug}/assessments/{a2}/report", headers=owner).json()
    assert report["goals"] == {
        "project": {"level": 2, "gap_levels": 1, "progress": 0.625},
        "program": {"level": 2, "gap_levels": None, "progress": None},
    }
    first = client.get(f"/v1/organizations/{slug}/assessments/{a3}/report", headers=owner).json()
    assert first["goals"] == {}
    page = client.get(
        f"/v1/organizations/{slug}/assessments/{a2}/report?format=html", headers=owner
    ).text
    assert "Targets are those in force when this assessment closed" in page


def test_progress_is_null_when_the_goal_is_at_or_below_the_baseline(
    client: TestClient, history: tuple[str, Headers, list[str]]
) -> None:
    slug, owner, _ = history
    client.put(
        f"/v1/organizations/{slug}/targets/test-q", json={"domains": {"program": 1}}, headers=owner
    )
    points = client.get(f"/v1/organizations/{slug}/trend?questionnaire=test-q", headers=owner)
    goals = [p["domains"]["program"]["goal"] for p in points.json()["points"]]
    assert goals[0] == {"level": 1, "gap_levels": 0, "progress": None}
    assert all(p["domains"]["project"]["goal"] is None for p in points.json()["points"])


def test_work_above_the_goals_stages_does_not_count_toward_it(
    client: TestClient, admin: Headers
) -> None:
    """Target project 1 on a 2-stage questionnaire: G is the Standardize progress alone.

    B (baseline): PRJ-STD-01 0, 0 and PRJ-MEA-01 0: G = 0. C1 and C2 both answer PRJ-STD-01
    4, 1 (1.0 and 0.25, below the question floor: credit (1 + 2 x 0.3333) / 3 = 0.5556);
    PRJ-MEA-01 is 0 in C1 and 4 in C2. Measure's progress goes from 0 to 1 and the index from
    0.5556 + min(0.5556, 0) = 0.5556 to 0.5556 + min(0.5556, 1) = 1.1111, but G stays 0.5556:
    goal progress (0.5556 - 0) / (1 - 0) = 0.5556 at both (on the index, C2 would read 1.1111).
    Level 0 throughout (PRJ-STD-01 unattained): one level short.
    """
    org, owner = new_organization(client, admin)
    slug = org["slug"]
    targets = client.put(
        f"/v1/organizations/{slug}/targets/test-q", json={"domains": {"project": 1}}, headers=owner
    )
    assert targets.status_code == 200
    b = close(client, owner, slug, {"PRJ_STD_01_Q1": 0, "PRJ_STD_01_Q2": 0, "PRJ_MEA_01_Q1": 0},
              title="B", period_end="2025-06-30")  # fmt: skip
    c1 = close(client, owner, slug, {"PRJ_STD_01_Q1": 4, "PRJ_STD_01_Q2": 1, "PRJ_MEA_01_Q1": 0},
               title="C1", period_end="2025-12-31")  # fmt: skip
    c2 = close(client, owner, slug, {"PRJ_STD_01_Q1": 4, "PRJ_STD_01_Q2": 1, "PRJ_MEA_01_Q1": 4},
               title="C2", period_end="2026-06-30")  # fmt: skip
    points = client.get(f"/v1/organizations/{slug}/trend?questionnaire=test-q", headers=owner)
    project = {p["assessment_id"]: p["domains"]["project"] for p in points.json()["points"]}
    assert [(project[a]["index"], project[a]["goal"]) for a in (b, c1, c2)] == [
        (0.0, {"level": 1, "gap_levels": 1, "progress": 0.0}),
        (0.5556, {"level": 1, "gap_levels": 1, "progress": 0.5556}),
        (1.1111, {"level": 1, "gap_levels": 1, "progress": 0.5556}),
    ]
    for closed in (c1, c2):
        report = client.get(f"/v1/organizations/{slug}/assessments/{closed}/report", headers=owner)
        assert report.json()["goals"] == {
            "project": {"level": 1, "gap_levels": 1, "progress": 0.5556}
        }


def test_compare_refuses_an_open_assessment_and_another_questionnaire(
    client: TestClient, history: tuple[str, Headers, list[str]]
) -> None:
    slug, owner, (a1, _, _) = history
    still_open = new_assessment(client, owner, slug)["id"]
    other = close(client, owner, slug, {"PRJ_STD_01_Q1": 4}, key="evolving")
    for target in (still_open, other):
        response = client.get(
            f"/v1/organizations/{slug}/compare?base={a1}&target={target}", headers=owner
        )
        assert response.status_code == 409
    missing = client.get(f"/v1/organizations/{slug}/compare?base={a1}&target=asm_x", headers=owner)
    assert missing.status_code == 404


def test_comparison_across_versions_counts_only_shared_best_practices(
    client: TestClient, admin: Headers
) -> None:
    org, owner = new_organization(client, admin)
    slug = org["slug"]
    base = close(
        client, owner, slug,
        {"PRJ_STD_01_Q1": 4, "PRJ_STD_01_Q2": 4, "PRJ_MEA_01_Q1": 0, "PGM_STD_01_Q1": 4,
         "PGM_MEA_01_Q1": 0, "ENB_STR_01_Q1": 0},
        key="evolving", version="1.0.0",
    )  # fmt: skip
    target = close(
        client, owner, slug,
        {"PRJ_STD_01_Q1": 4, "PRJ_STD_01_Q2": 4, "PRJ_MEA_09_Q1": 4, "PGM_STD_01_Q1": 4,
         "PGM_MEA_01_Q1": 4, "ENB_STR_05_Q1": 4},
        key="evolving", version="2.0.0",
    )  # fmt: skip
    body = client.get(
        f"/v1/organizations/{slug}/compare?base={base}&target={target}", headers=owner
    ).json()
    assert body["comparable"] == "shared_ids"
    assert body["questionnaire"] == {
        "key": "evolving",
        "base_key": "evolving",
        "base_version": "1.0.0",
        "target_key": "evolving",
        "target_version": "2.0.0",
    }
    # Shared: PRJ-STD-01, PGM-STD-01, PGM-MEA-01. The project measure cell has no shared
    # practice on either side: a stage nobody assessed is not achieved, so project stays at
    # level 1, index 1 + 0 on both sides. Program: PGM-MEA-01 scored 0 (credit 0), then 1.
    assert body["overall"]["attainment"] == {"base": 0.6667, "target": 1.0, "delta": 0.3333}
    assert body["overall"]["level"] == {"base": 1, "target": 1, "delta": 0}
    assert body["overall"]["index"] == {"base": 1.0, "target": 1.0, "delta": 0.0}
    domains = {d["id"]: d for d in body["domains"]}
    assert domains["project"]["level"] == {"base": 1, "target": 1, "delta": 0}
    assert domains["project"]["index"] == {"base": 1.0, "target": 1.0, "delta": 0.0}
    assert domains["program"]["level"] == {"base": 1, "target": 2, "delta": 1}
    assert domains["program"]["index"] == {"base": 1.0, "target": 2.0, "delta": 1.0}
    assert body["enablers"][0]["attainment"] == {"base": None, "target": None, "delta": None}
    assert body["best_practices"] == {
        "gained": ["PGM-MEA-01"],
        "lost": [],
        "newly_assessed": [],
        "no_longer_assessed": [],
        "only_in_base": ["PRJ-MEA-01", "ENB-STR-01"],
        "only_in_target": ["PRJ-MEA-09", "ENB-STR-05"],
    }


def test_targets_are_checked_against_the_newest_version(client: TestClient, admin: Headers) -> None:
    org, owner = new_organization(client, admin)
    path = f"/v1/organizations/{org['slug']}/targets/test-q"
    assert client.get(path, headers=owner).status_code == 404
    bad = client.put(path, json={"domains": {"project": 3, "portfolio": 1}}, headers=owner)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"domains.project", "domains.portfolio"}
    assert client.put(path, json={"domains": {"project": 0}}, headers=owner).status_code == 422
    good = client.put(path, json={"domains": {"project": 2}}, headers=owner)
    assert good.json()["domains"] == {"project": 2}
    assert client.get(path, headers=owner).json()["domains"] == {"project": 2}
    unknown = client.put(
        f"/v1/organizations/{org['slug']}/targets/nope", json={"domains": {}}, headers=owner
    )
    assert unknown.status_code == 404


def test_trend_of_an_unknown_questionnaire_answers_404(client: TestClient, admin: Headers) -> None:
    org, owner = new_organization(client, admin)
    response = client.get(
        f"/v1/organizations/{org['slug']}/trend?questionnaire=nope", headers=owner
    )
    assert response.status_code == 404
    empty = client.get(f"/v1/organizations/{org['slug']}/trend?questionnaire=test-q", headers=owner)
    assert empty.json() == {"questionnaire": "test-q", "points": []}
