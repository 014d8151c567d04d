"""An assessment's scope, its questionnaire as respondents see it, and seeding from another.

test-q 1.0.0 has PRJ-STD-01 (Q1, Q2), PRJ-MEA-01 (Q1), PGM-STD-01 (Q1, N/A allowed),
PGM-MEA-01 (Q1, N/A allowed) and the enabler ENB-STR-01 (Q1). test-q-quick 1.0.0 is a short
form of it (every question but PRJ-STD-01-Q2); evolving 3.0.0 has a four-point scale and no
N/A on PGM-STD-01-Q1, unlike evolving 1.0.0.
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
    new_organization,
    new_respondent,
    save,
)


def _assessments(org: str) -> str:
    return f"/v1/organizations/{org}/assessments"


# Scope


def test_the_scope_is_every_domain_unless_given(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    assert new_assessment(client, owner, slug)["scope"] == ["project", "program"]
    scoped = new_assessment(client, owner, slug, scope=["program", "project"])
    assert scoped["scope"] == ["project", "program"]  # questionnaire order
    project = new_assessment(client, owner, slug, scope=["project"])
    assert project["scope"] == ["project"]
    assert client.get(f"{_assessments(slug)}/{project['id']}", headers=owner).json()["scope"] == [
        "project"
    ]


@pytest.mark.parametrize(
    ("scope", "wrong"),
    [
        ([], "empty"),
        (["project", "portfolio"], "'portfolio'"),
        (["project", "project"], "repeated"),
    ],
)
def test_a_bad_scope_answers_422_naming_it(
    client: TestClient, org: tuple[str, Headers], scope: list[str], wrong: str
) -> None:
    slug, owner = org
    response = client.post(
        _assessments(slug),
        json={"questionnaire_key": "test-q", "title": "T", "scope": scope},
        headers=owner,
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "scope"
    assert wrong in error["message"]
    assert client.get(_assessments(slug), headers=owner).json()["items"] == []


def test_answers_outside_the_scope_answer_422_naming_each_and_save_nothing(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug, scope=["project"])["id"]
    respondent, token = new_respondent(client, owner, slug, a)
    response = save(
        client,
        token,
        slug,
        a,
        respondent["id"],
        PRJ_STD_01_Q1=4,
        PGM_STD_01_Q1=3,
        PGM_MEA_01_Q1="na",
    )
    assert response.status_code == 422
    named = {(e["question_id"], e["message"]) for e in response.json()["errors"]}
    assert named == {
        ("PGM-STD-01-Q1", "outside this assessment's scope"),
        ("PGM-MEA-01-Q1", "outside this assessment's scope"),
    }
    saved = client.get(answers_path(slug, a, respondent["id"]), headers=token).json()
    assert saved["answers"] == []


def test_progress_counts_in_scope_questions_only(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug, scope=["project"])["id"]
    respondent, token = new_respondent(client, owner, slug, a)
    saved = save(client, token, slug, a, respondent["id"], PRJ_STD_01_Q1=4, ENB_STR_01_Q1=2)
    # In scope: PRJ-STD-01-Q1, -Q2, PRJ-MEA-01-Q1 and the enabler's ENB-STR-01-Q1.
    assert saved.json()["progress"] == {
        "questions": 4,
        "answered": 2,
        "not_applicable": 0,
        "unknown": 0,
        "unanswered": 2,
        "ratio": 0.5,
    }
    assessment = client.get(f"{_assessments(slug)}/{a}", headers=owner).json()
    assert assessment["progress"]["questions"] == 4


def test_a_closed_project_only_assessment_is_rated_on_its_project_domain(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug, scope=["project"])["id"]
    respondent, _ = new_respondent(client, owner, slug, a)
    save(
        client, owner, slug, a, respondent["id"],
        PRJ_STD_01_Q1=4, PRJ_STD_01_Q2=4, PRJ_MEA_01_Q1=4, ENB_STR_01_Q1=4,
    )  # fmt: skip
    close(client, owner, slug, a)
    card = client.get(f"{_assessments(slug)}/{a}/report", headers=owner).json()["score_card"]
    assert card["scope"] == ["project"]
    project, program = card["domains"]
    assert (project["in_scope"], project["level"], project["index"]) == (True, 2, 2.0)
    assert (program["in_scope"], program["assessed"], program["level"]) == (False, False, None)
    assert (card["overall"]["level"], card["overall"]["index"]) == (2, 2.0)
    assert [bp["id"] for bp in card["best_practices"]] == ["PRJ-STD-01", "PRJ-MEA-01", "ENB-STR-01"]
    assert card["completeness"]["questions"] == 4


# The questionnaire of an assessment


def test_the_questionnaire_leaves_out_domains_outside_the_scope_and_links_to_them(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug, questionnaire_key="test-q-quick", scope=["program"])[
        "id"
    ]
    body = created(client.get(f"{_assessments(slug)}/{a}/questionnaire", headers=owner), 200)
    assert (body["key"], body["version"], body["scope"]) == ("test-q-quick", "1.0.0", ["program"])
    assert [(d["id"], d["in_scope"]) for d in body["domains"]] == [
        ("project", False),
        ("program", True),
    ]
    practices = {bp["id"]: bp for bp in body["best_practices"]}
    assert list(practices) == ["PGM-STD-01", "PGM-MEA-01", "ENB-STR-01"]
    assert practices["PGM-MEA-01"]["depends_on"] == ["PGM-STD-01"]  # PRJ-MEA-01 is out
    assert body["subset_of"] == {"key": "test-q", "version": "1.0.0"}


def test_a_respondent_token_reads_its_own_assessments_questionnaire_only(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug)["id"]
    other = new_assessment(client, owner, slug)["id"]
    _, token = new_respondent(client, owner, slug, a)
    mine = client.get(f"{_assessments(slug)}/{a}/questionnaire", headers=token)
    assert mine.status_code == 200
    assert len(mine.json()["best_practices"]) == 5
    assert (
        client.get(f"{_assessments(slug)}/{other}/questionnaire", headers=token).status_code == 404
    )
    assert client.get(f"{_assessments(slug)}/{a}", headers=token).status_code == 403


def test_me_gives_a_respondent_its_organization_assessment_and_scope(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    a = new_assessment(client, owner, slug, title="Baseline", scope=["project"])["id"]
    respondent, token = new_respondent(client, owner, slug, a)
    me = client.get("/v1/me", headers=token).json()
    assert me["kind"] == "respondent"
    assert (me["assessment"], me["respondent"]) == (a, respondent["id"])
    assert (me["organization_name"], me["assessment_title"], me["scope"]) == (
        "Acme",
        "Baseline",
        ["project"],
    )


# Seeding


def _closed_quick_scan(client: TestClient, owner: Headers, slug: str, **fields: Any) -> str:
    """A closed quick scan: Ann answers everything (with a comment), Bob marks programs N/A."""
    a = new_assessment(client, owner, slug, questionnaire_key="test-q-quick", **fields)["id"]
    ann, _ = new_respondent(client, owner, slug, a, name="Ann")
    bob, _ = new_respondent(client, owner, slug, a, name="Bob")
    items = [
        {
            "question_id": "PRJ-STD-01-Q1",
            "value": 3,
            "comment": "seen in 8 of 10",
            "evidence": ["x"],
        },
        {"question_id": "PRJ-MEA-01-Q1", "value": 2},
        {"question_id": "ENB-STR-01-Q1", "value": 4},
    ]
    if "scope" not in fields:
        items += [
            {"question_id": "PGM-STD-01-Q1", "value": 1},
            {"question_id": "PGM-MEA-01-Q1", "value": 0},
        ]
    created(
        client.patch(answers_path(slug, a, ann["id"]), json={"answers": items}, headers=owner), 200
    )
    if "scope" not in fields:
        assert save(client, owner, slug, a, bob["id"], PGM_STD_01_Q1="na").status_code == 200
    close(client, owner, slug, a)
    return a


def _answers(client: TestClient, owner: Headers, slug: str, a: str) -> dict[str, list[Any]]:
    """Each respondent's saved answers by name, as (question, value, N/A, comment, evidence)."""
    respondents = client.get(f"{_assessments(slug)}/{a}/respondents", headers=owner).json()
    return {
        respondent["name"]: [
            (x["question_id"], x["value"], x["not_applicable"], x["comment"], x["evidence"])
            for x in client.get(answers_path(slug, a, respondent["id"]), headers=owner).json()[
                "answers"
            ]
        ]
        for respondent in respondents["items"]
    }


def test_a_quick_scan_seeds_the_full_assessment(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    quick = _closed_quick_scan(client, owner, slug)
    full = new_assessment(client, owner, slug, seed_from=quick)
    assert (full["seeded_from"], full["status"]) == (quick, "open")
    assert full["progress"] == {  # 5 of test-q's 6 questions: not PRJ-STD-01-Q2
        "questions": 6, "answered": 5, "not_applicable": 0, "unknown": 0, "unanswered": 1,
        "ratio": 0.8333,
    }  # fmt: skip
    assert _answers(client, owner, slug, full["id"]) == {
        "Ann": [
            ("PRJ-STD-01-Q1", 3, False, "seen in 8 of 10", ["x"]),
            ("PRJ-MEA-01-Q1", 2, False, None, []),
            ("PGM-STD-01-Q1", 1, False, None, []),
            ("PGM-MEA-01-Q1", 0, False, None, []),
            ("ENB-STR-01-Q1", 4, False, None, []),
        ],
        "Bob": [("PGM-STD-01-Q1", None, True, None, [])],
    }


def test_seeded_respondents_are_not_submitted_and_get_their_token_as_usual(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    full = new_assessment(client, owner, slug, seed_from=_closed_quick_scan(client, owner, slug))
    respondents = client.get(f"{_assessments(slug)}/{full['id']}/respondents", headers=owner)
    ann = next(r for r in respondents.json()["items"] if r["name"] == "Ann")
    assert (ann["role"], ann["submitted_at"]) == ("PMO lead", None)
    token = created(
        client.post(
            f"{_assessments(slug)}/{full['id']}/respondents/{ann['id']}/token", headers=owner
        )
    )["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert save(client, headers, slug, full["id"], ann["id"], PRJ_STD_01_Q2=4).status_code == 200


def test_seeding_copies_only_what_the_new_scope_holds_and_never_inherits_a_scope(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    quick = _closed_quick_scan(client, owner, slug)
    project_only = new_assessment(client, owner, slug, seed_from=quick, scope=["project"])
    assert [q for q, *_ in _answers(client, owner, slug, project_only["id"])["Ann"]] == [
        "PRJ-STD-01-Q1",
        "PRJ-MEA-01-Q1",
        "ENB-STR-01-Q1",
    ]
    assert _answers(client, owner, slug, project_only["id"])["Bob"] == []
    scoped_source = _closed_quick_scan(client, owner, slug, scope=["project"])
    assert new_assessment(client, owner, slug, seed_from=scoped_source)["scope"] == [
        "project",
        "program",
    ]


def test_the_full_assessment_seeds_its_short_form(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    full = new_assessment(client, owner, slug)["id"]
    ann, _ = new_respondent(client, owner, slug, full)
    save(client, owner, slug, full, ann["id"], PRJ_STD_01_Q1=4, PRJ_STD_01_Q2=1)
    close(client, owner, slug, full)
    quick = new_assessment(client, owner, slug, questionnaire_key="test-q-quick", seed_from=full)
    assert _answers(client, owner, slug, quick["id"]) == {
        "Ann": [("PRJ-STD-01-Q1", 4, False, None, [])]
    }


def test_seeding_copies_dont_know(client: TestClient, org: tuple[str, Headers]) -> None:
    slug, owner = org
    old = new_assessment(client, owner, slug)["id"]
    ann, _ = new_respondent(client, owner, slug, old)
    items = [
        {"question_id": "PRJ-STD-01-Q1", "value": 4},
        {"question_id": "PRJ-MEA-01-Q1", "dont_know": True, "comment": "ask the PMO"},
    ]
    created(
        client.patch(answers_path(slug, old, ann["id"]), json={"answers": items}, headers=owner),
        200,
    )
    close(client, owner, slug, old)
    new = new_assessment(client, owner, slug, seed_from=old)
    assert (new["progress"]["answered"], new["progress"]["unknown"]) == (1, 1)
    respondents = client.get(f"{_assessments(slug)}/{new['id']}/respondents", headers=owner)
    [seeded] = respondents.json()["items"]
    answers = client.get(answers_path(slug, new["id"], seeded["id"]), headers=owner).json()
    assert [
        (a["question_id"], a["value"], a["dont_know"], a["comment"]) for a in answers["answers"]
    ] == [("PRJ-STD-01-Q1", 4, False, None), ("PRJ-MEA-01-Q1", None, True, "ask the PMO")]


def test_a_value_needs_the_same_scale_and_na_a_question_that_allows_it(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    old = new_assessment(client, owner, slug, questionnaire_key="evolving")["id"]
    ann, _ = new_respondent(client, owner, slug, old)
    items = [
        {"question_id": "PRJ-STD-01-Q1", "value": 4, "comment": "kept without its value"},
        {"question_id": "PGM-STD-01-Q1", "not_applicable": True},
        {"question_id": "PGM-MEA-01-Q1", "not_applicable": True},
    ]
    created(
        client.patch(answers_path(slug, old, ann["id"]), json={"answers": items}, headers=owner),
        200,
    )
    close(client, owner, slug, old)
    # evolving 3.0.0: scale 0..3 (values do not carry), PGM-STD-01-Q1 refuses N/A.
    new = new_assessment(
        client, owner, slug, questionnaire_key="evolving", version="3.0.0", seed_from=old
    )
    assert _answers(client, owner, slug, new["id"]) == {
        "Ann": [
            ("PRJ-STD-01-Q1", None, False, "kept without its value", []),
            ("PGM-MEA-01-Q1", None, True, None, []),
        ]
    }


def test_a_source_that_cannot_seed_answers_the_same_422_and_creates_nothing(
    client: TestClient, admin: Headers, org: tuple[str, Headers]
) -> None:
    slug, owner = org
    still_open = new_assessment(client, owner, slug)["id"]
    unrelated = new_assessment(client, owner, slug, questionnaire_key="evolving")["id"]
    r, _ = new_respondent(client, owner, slug, unrelated)
    save(client, owner, slug, unrelated, r["id"], PRJ_STD_01_Q1=4)
    close(client, owner, slug, unrelated)
    other, other_owner = new_organization(client, admin, "Other")
    foreign = _closed_quick_scan(client, other_owner, other["slug"])
    before = client.get(_assessments(slug), headers=owner).json()["items"]
    messages = set()
    for source in ("asm_unknown", "not-an-id", foreign, still_open, unrelated):
        response = client.post(
            _assessments(slug),
            json={"questionnaire_key": "test-q", "title": "Seeded", "seed_from": source},
            headers=owner,
        )
        assert response.status_code == 422, source
        (error,) = response.json()["errors"]
        assert error["field"] == "seed_from"
        messages.add(error["message"].replace(repr(source), "<source>"))
    assert len(messages) == 1  # the same answer: nothing tells a foreign id from an unknown one
    assert client.get(_assessments(slug), headers=owner).json()["items"] == before


# Comparing across scopes and short forms


def _closed(
    client: TestClient, owner: Headers, slug: str, values: dict[str, Any], **fields: Any
) -> str:
    a = new_assessment(client, owner, slug, **fields)["id"]
    respondent, _ = new_respondent(client, owner, slug, a)
    assert save(client, owner, slug, a, respondent["id"], **values).status_code == 200
    close(client, owner, slug, a)
    return a


def test_two_scopes_compare_on_the_domains_both_hold_with_a_goal_for_every_target(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    """Base: project only, PRJ-STD-01 attained, PRJ-MEA-01 at 0.5 (credit 0.6667): level 1,
    index 1.6667. Target: everything at 4: project level 2, index 2.0; program left out of the
    comparison (outside the base's scope), yet its target still gets a goal block."""
    slug, owner = org
    client.put(
        f"/v1/organizations/{slug}/targets/test-q",
        json={"domains": {"project": 2, "program": 2}},
        headers=owner,
    )
    base = _closed(
        client, owner, slug, {"PRJ_STD_01_Q1": 4, "PRJ_STD_01_Q2": 4, "PRJ_MEA_01_Q1": 2},
        scope=["project"], period_end="2025-01-31",
    )  # fmt: skip
    everything = {q: 4 for q in ("PRJ_STD_01_Q1", "PRJ_STD_01_Q2", "PRJ_MEA_01_Q1",
                                 "PGM_STD_01_Q1", "PGM_MEA_01_Q1", "ENB_STR_01_Q1")}  # fmt: skip
    target = _closed(client, owner, slug, everything, period_end="2026-01-31")
    body = created(
        client.get(f"/v1/organizations/{slug}/compare?base={base}&target={target}", headers=owner),
        200,
    )
    assert (body["comparable"], body["scope"]) == ("shared_ids", ["project"])
    (project,) = body["domains"]
    assert project["index"] == {"base": 1.6667, "target": 2.0, "delta": 0.3333}
    # Baselines: project from the base (1.6667); program first assessed by the target (2.0).
    assert body["goals"] == {
        "project": {"level": 2, "gap_levels": 0, "progress": 1.0},
        "program": {"level": 2, "gap_levels": None, "progress": None},
    }


def test_a_quick_scan_compares_with_the_full_assessment_on_shared_ids(
    client: TestClient, org: tuple[str, Headers]
) -> None:
    """The quick scan lacks PRJ-STD-01-Q2, but PRJ-STD-01 is in both: compared on its stored
    figures. Quick: PRJ-STD-01 at 0.5; full: PRJ-STD-01 at 1 (gained)."""
    slug, owner = org
    quick = _closed(client, owner, slug, {"PRJ_STD_01_Q1": 2}, questionnaire_key="test-q-quick")
    full = _closed(client, owner, slug, {"PRJ_STD_01_Q1": 4, "PRJ_STD_01_Q2": 4})
    body = created(
        client.get(f"/v1/organizations/{slug}/compare?base={quick}&target={full}", headers=owner),
        200,
    )
    assert body["comparable"] == "shared_ids"
    assert (body["questionnaire"]["base_key"], body["questionnaire"]["target_key"]) == (
        "test-q-quick",
        "test-q",
    )
    assert body["best_practices"]["gained"] == ["PRJ-STD-01"]
    assert body["best_practices"]["only_in_base"] == []
    assert body["best_practices"]["only_in_target"] == []
    unrelated = _closed(client, owner, slug, {"PRJ_STD_01_Q1": 4}, questionnaire_key="evolving")
    refused = client.get(
        f"/v1/organizations/{slug}/compare?base={quick}&target={unrelated}", headers=owner
    )
    assert refused.status_code == 409
