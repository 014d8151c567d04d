"""Small factories for the API tests: organizations, keys, assessments, respondents, answers.

Each takes an `httpx.Client`: the `client` fixture (a `TestClient` is one), or a client of an
app served for real (`live_server`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from httpx import Client

Headers = dict[str, str]


def bearer(secret: str) -> Headers:
    return {"Authorization": f"Bearer {secret}"}


def created(response: Any, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def new_organization(
    client: Client, admin: Headers, name: str = "Acme", **fields: Any
) -> tuple[dict[str, Any], Headers]:
    """An organization and its owner key's headers."""
    body = created(client.post("/v1/organizations", json={"name": name, **fields}, headers=admin))
    return body, bearer(body["api_key"])


def new_key(client: Client, owner: Headers, org: str, role: str) -> Headers:
    body = created(
        client.post(
            f"/v1/organizations/{org}/keys", json={"name": role, "role": role}, headers=owner
        )
    )
    return bearer(body["api_key"])


def new_assessment(
    client: Client, headers: Headers, org: str, version: str | None = "1.0.0", **fields: Any
) -> dict[str, Any]:
    payload = {"questionnaire_key": "test-q", "questionnaire_version": version, "title": "2026"}
    return created(
        client.post(
            f"/v1/organizations/{org}/assessments", json={**payload, **fields}, headers=headers
        )
    )


def new_respondent(
    client: Client, headers: Headers, org: str, assessment: str, name: str = "Ann"
) -> tuple[dict[str, Any], Headers]:
    """A respondent and its token's headers."""
    body = created(
        client.post(
            f"/v1/organizations/{org}/assessments/{assessment}/respondents",
            json={"name": name, "role": "PMO lead"},
            headers=headers,
        )
    )
    return body, bearer(body["token"])


def answers_path(org: str, assessment: str, respondent: str) -> str:
    return f"/v1/organizations/{org}/assessments/{assessment}/respondents/{respondent}/answers"


def save(
    client: Client, headers: Headers, org: str, assessment: str, respondent: str, **values: Any
) -> Any:
    """PATCH answers given as question_id=value (None clears, "na" marks N/A)."""
    items = [
        {"question_id": question_id.replace("_", "-")}
        | ({"not_applicable": True} if value == "na" else {"value": value})
        for question_id, value in values.items()
    ]
    return client.patch(
        answers_path(org, assessment, respondent), json={"answers": items}, headers=headers
    )


@dataclass(frozen=True)
class World:
    """An organization and its owner key, an open test-q 1.0.0 assessment, one respondent."""

    organization: dict[str, Any]
    owner: Headers
    assessment: str
    respondent: str
    token: Headers  # the respondent's

    @property
    def slug(self) -> str:
        return str(self.organization["slug"])

    @property
    def organization_id(self) -> str:
        return str(self.organization["id"])

    @property
    def answers(self) -> str:
        """The respondent's answers path."""
        return answers_path(self.slug, self.assessment, self.respondent)


def new_world(client: Client, admin: Headers) -> World:
    organization, owner = new_organization(client, admin)
    assessment = new_assessment(client, owner, organization["slug"])["id"]
    respondent, token = new_respondent(client, owner, organization["slug"], assessment)
    return World(organization, owner, assessment, respondent["id"], token)


# Reports, share links, exports


PMO_PROFILE = {"exists": True, "type": "supportive", "permanence": "temporary", "scope": "project"}


def close(client: Client, headers: Headers, org: str, assessment: str) -> dict[str, Any]:
    return created(
        client.post(f"/v1/organizations/{org}/assessments/{assessment}/close", headers=headers),
        200,
    )


def scored_assessment(
    client: Client,
    admin: Headers,
    *,
    closed: bool = True,
    name: str = "Acme Énergie",
    profile: dict[str, Any] | None = None,
    second_respondent: str = "Bob",
) -> dict[str, Any]:
    """An organization with a test-q assessment answered by two respondents (closed by default).

    Its numbers, worked by hand: PRJ-STD-01 91.67% (attained), PRJ-MEA-01 62.5%, PGM-STD-01
    100% (attained), PGM-MEA-01 12.5%, ENB-STR-01 50%; both domains at level 1, index 1.0;
    overall attainment 50% (2 of 4); PRJ-MEA-01-Q1 has a dispersion of 0.375.
    """
    body, owner = new_organization(
        client, admin, name, profile={"industry": "Energy", "pmo": profile or PMO_PROFILE}
    )
    slug = body["slug"]
    assessment = new_assessment(client, owner, slug, period="2026-Q1")["id"]
    ann, _ = new_respondent(client, owner, slug, assessment, "Ann")
    bob, _ = new_respondent(client, owner, slug, assessment, second_respondent)
    saved = save(
        client, owner, slug, assessment, ann["id"],
        PRJ_STD_01_Q1=4, PRJ_STD_01_Q2=3, PRJ_MEA_01_Q1=1, PGM_STD_01_Q1=4, ENB_STR_01_Q1=2,
    )  # fmt: skip
    assert saved.status_code == 200, saved.text
    commented = client.patch(
        answers_path(slug, assessment, ann["id"]),
        json={
            "answers": [
                {
                    "question_id": "PGM-MEA-01-Q1",
                    "value": 1,
                    "comment": "<script>alert(1)</script>\nSecond line",
                    "evidence": [
                        "https://wiki.example.org/pmo?a=1&b=2",
                        "javascript:alert(1)",
                        "Board minutes 2026-03",
                    ],
                }
            ]
        },
        headers=owner,
    )
    assert commented.status_code == 200, commented.text
    saved = save(
        client, owner, slug, assessment, bob["id"],
        PRJ_STD_01_Q1=4, PRJ_STD_01_Q2=4, PRJ_MEA_01_Q1=4, PGM_STD_01_Q1="na", PGM_MEA_01_Q1=0,
    )  # fmt: skip
    assert saved.status_code == 200, saved.text
    if closed:
        close(client, owner, slug, assessment)
    return {
        "organization": body,
        "slug": slug,
        "owner": owner,
        "assessment": assessment,
        "respondents": [ann, bob],
        "path": f"/v1/organizations/{slug}/assessments/{assessment}",
    }


def new_share_link(client: Client, headers: Headers, org: str, **fields: Any) -> dict[str, Any]:
    payload = {"expires_in_days": 7, **fields}
    return created(
        client.post(f"/v1/organizations/{org}/share-links", json=payload, headers=headers)
    )
