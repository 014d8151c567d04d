"""The built-in questionnaires through the API: 2.1.0 is the newest version, and the quick scan
seeds a full assessment and compares with it (issue 11, finding 6; issue 22)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from questionnaires import builtin_directory, load_file

from ..factories import Headers, close, created, new_assessment, new_organization, new_respondent

QUICK = load_file(builtin_directory() / "opm3-quick-2.1.0.yaml").questionnaire
FULL = load_file(builtin_directory() / "opm3-style-2.1.0.yaml").questionnaire


def _answer_every_quick_question(client: TestClient, owner: Headers, slug: str, a: str) -> None:
    respondent, _ = new_respondent(client, owner, slug, a, name="Ann")
    items = [{"question_id": question_id, "value": 2} for question_id in QUICK.questions]
    created(
        client.patch(
            f"/v1/organizations/{slug}/assessments/{a}/respondents/{respondent['id']}/answers",
            json={"answers": items},
            headers=owner,
        ),
        200,
    )


def test_a_new_assessment_without_a_version_is_on_2_1_0(client: TestClient, admin: Headers) -> None:
    body, owner = new_organization(client, admin)
    for key in ("opm3-style", "opm3-quick"):
        assessment = new_assessment(
            client, owner, body["slug"], version=None, questionnaire_key=key
        )
        assert assessment["questionnaire"]["version"] == "2.1.0", key


def test_the_quick_scan_seeds_the_full_assessment_and_compares_with_it(
    client: TestClient, admin: Headers
) -> None:
    body, owner = new_organization(client, admin)
    slug = body["slug"]
    quick = new_assessment(client, owner, slug, version=None, questionnaire_key="opm3-quick")
    _answer_every_quick_question(client, owner, slug, quick["id"])
    close(client, owner, slug, quick["id"])

    full = new_assessment(
        client, owner, slug, version=None, questionnaire_key="opm3-style", seed_from=quick["id"]
    )
    assert full["progress"]["answered"] == QUICK.question_count == 40
    assert full["progress"]["questions"] == FULL.question_count
    close(client, owner, slug, full["id"])

    response = client.get(
        f"/v1/organizations/{slug}/compare?base={quick['id']}&target={full['id']}", headers=owner
    )
    assert response.status_code == 200, response.text
    comparison = response.json()
    assert comparison["comparable"] == "shared_ids"
    only_in_full = set(FULL.best_practice_by_id) - set(QUICK.best_practice_by_id)
    assert set(comparison["best_practices"]["only_in_target"]) == only_in_full
    assert comparison["best_practices"]["only_in_base"] == []
