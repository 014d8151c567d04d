"""Anonymous assessments at the API (`api.md`, Anonymous assessments): keys never hold a
respondent's token, never read or write one respondent's answers, see each one's progress
ratio only, get no live report while it is open, and close it only with at least 3
respondents answering (3 in each domain anyone answered). Every respondent gets a pseudonym
at creation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from api.storage.tables import RespondentRow, RespondentTokenRow

from ..factories import Headers, answers_path, close, created, new_assessment, save

PSEUDONYM = re.compile(r"^Respondent [2-9A-HJKMNP-Z]{4}$")


def _path(org: str, assessment: str) -> str:
    return f"/v1/organizations/{org}/assessments/{assessment}"


def _anonymous(client: TestClient, owner: Headers, org: str) -> str:
    return str(new_assessment(client, owner, org, anonymous=True)["id"])


def _rows(engine: Engine, assessment: str) -> list[RespondentRow]:
    with Session(engine) as session:
        return list(
            session.exec(select(RespondentRow).where(RespondentRow.assessment_id == assessment))
        )


def _tokens(engine: Engine, respondent_ids: list[str]) -> list[RespondentTokenRow]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(RespondentTokenRow).where(
                    RespondentTokenRow.respondent_id.in_(respondent_ids)  # type: ignore[attr-defined]
                )
            )
        )


def test_create_and_bulk_give_no_token_and_a_pseudonym_each(
    client: TestClient, org: tuple[str, Headers], engine: Engine
) -> None:
    slug, owner = org
    assessment = _anonymous(client, owner, slug)
    one = created(
        client.post(f"{_path(slug, assessment)}/respondents", json={"name": "Ann"}, headers=owner)
    )
    assert one["token"] is None
    many = created(
        client.post(
            f"{_path(slug, assessment)}/respondents/bulk",
            json={"respondents": [{"name": f"P{n}"} for n in range(30)]},
            headers=owner,
        )
    )
    assert {item["token"] for item in many["items"]} == {None}
    rows = _rows(engine, assessment)
    pseudonyms = [row.pseudonym for row in rows]
    assert len(rows) == 31
    assert all(p is not None and PSEUDONYM.match(p) for p in pseudonyms), pseudonyms
    assert len(set(pseudonyms)) == 31
    assert _tokens(engine, [row.id for row in rows]) == []  # no token exists at all


def test_a_plain_assessment_draws_no_pseudonym(
    client: TestClient, org: tuple[str, Headers], engine: Engine
) -> None:
    slug, owner = org
    assessment = new_assessment(client, owner, slug)["id"]
    client.post(f"{_path(slug, assessment)}/respondents", json={"name": "Ann"}, headers=owner)
    assert [row.pseudonym for row in _rows(engine, assessment)] == [None]


def test_token_reissue_and_links_csv_answer_409(
    client: TestClient, org: tuple[str, Headers], engine: Engine
) -> None:
    slug, owner = org
    assessment = _anonymous(client, owner, slug)
    ann = created(
        client.post(f"{_path(slug, assessment)}/respondents", json={"name": "Ann"}, headers=owner)
    )
    reissue = client.post(f"{_path(slug, assessment)}/respondents/{ann['id']}/token", headers=owner)
    assert reissue.status_code == 409
    assert client.post(f"{_path(slug, assessment)}/links.csv", headers=owner).status_code == 409
    assert _tokens(engine, [ann["id"]]) == []


def _with_tokens(
    client: TestClient, engine: Engine, owner: Headers, org: str, assessment: str, count: int
) -> list[tuple[str, Headers]]:
    """`count` respondents and a token each, added as a mail would add one (lane mail23)."""
    from api.core.enums import TokenOrigin
    from api.core.secrets import RESPONDENT_PREFIX, new_secret, secret_hash
    from api.storage import repository

    made = created(
        client.post(
            f"{_path(org, assessment)}/respondents/bulk",
            json={"respondents": [{"name": f"P{n}"} for n in range(count)]},
            headers=owner,
        )
    )
    people = []
    with Session(engine) as session:
        for item in made["items"]:
            token = new_secret(RESPONDENT_PREFIX)
            repository.add_respondent_token(
                session=session,
                respondent_id=item["id"],
                token_hash=secret_hash(token),
                origin=TokenOrigin.INVITATION,
            )
            people.append((item["id"], {"Authorization": f"Bearer {token}"}))
        session.commit()
    return people


def test_keys_cannot_read_write_or_submit_one_respondents_answers(
    client: TestClient, org: tuple[str, Headers], engine: Engine
) -> None:
    slug, owner = org
    assessment = _anonymous(client, owner, slug)
    ((ann, token),) = _with_tokens(client, engine, owner, slug, assessment, 1)
    path = answers_path(slug, assessment, ann)
    assert client.get(path, headers=owner).status_code == 403
    assert save(client, owner, slug, assessment, ann, PRJ_STD_01_Q1=2).status_code == 403
    submit = f"{_path(slug, assessment)}/respondents/{ann}/submit"
    assert client.post(submit, headers=owner).status_code == 403
    # The respondent itself may.
    assert save(client, token, slug, assessment, ann, PRJ_STD_01_Q1=2).status_code == 200
    assert client.get(path, headers=token).status_code == 200
    assert client.post(submit, headers=token).status_code == 200


def test_respondent_lists_show_the_progress_ratio_only(
    client: TestClient, org: tuple[str, Headers], engine: Engine
) -> None:
    slug, owner = org
    assessment = _anonymous(client, owner, slug)
    ((ann, token),) = _with_tokens(client, engine, owner, slug, assessment, 1)
    save(client, token, slug, assessment, ann, PRJ_STD_01_Q1=2, PGM_STD_01_Q1="na")
    (listed,) = client.get(f"{_path(slug, assessment)}/respondents", headers=owner).json()["items"]
    assert listed["progress"] == {"ratio": round(2 / 6, 4)}


@pytest.mark.parametrize("fmt", ["json", "html", "csv", "xlsx", "pdf"])
def test_an_open_anonymous_assessment_has_no_report(
    client: TestClient, org: tuple[str, Headers], engine: Engine, fmt: str
) -> None:
    slug, owner = org
    assessment = _anonymous(client, owner, slug)
    people = _with_tokens(client, engine, owner, slug, assessment, 3)
    for respondent, token in people:
        save(client, token, slug, assessment, respondent, PRJ_STD_01_Q1=2, PGM_STD_01_Q1=3)
    response = client.get(
        f"{_path(slug, assessment)}/report", params={"format": fmt}, headers=owner
    )
    assert response.status_code == 409, response.text
    assert "anonymous" in response.json()["detail"]
    close(client, owner, slug, assessment)
    closed = client.get(f"{_path(slug, assessment)}/report", params={"format": fmt}, headers=owner)
    assert closed.status_code == 200


def test_an_open_anonymous_assessment_has_no_export_and_no_share_link(
    client: TestClient, org: tuple[str, Headers], engine: Engine
) -> None:
    """Exporting, or sharing, before the close would let a key watch answers arrive one
    pseudonym at a time, beside the named list of who answered last."""
    slug, owner = org
    assessment = _anonymous(client, owner, slug)
    people = _with_tokens(client, engine, owner, slug, assessment, 3)
    for respondent, token in people:
        save(client, token, slug, assessment, respondent, PRJ_STD_01_Q1=2, PGM_STD_01_Q1=3)
    export = client.get(f"{_path(slug, assessment)}/export", headers=owner)
    assert export.status_code == 409 and "anonymous" in export.json()["detail"]
    link = {"assessment_id": assessment, "expires_in_days": 7}
    shared = client.post(f"/v1/organizations/{slug}/share-links", json=link, headers=owner)
    assert shared.status_code == 409 and "anonymous" in shared.json()["detail"]
    close(client, owner, slug, assessment)
    assert client.get(f"{_path(slug, assessment)}/export", headers=owner).status_code == 200
    shared = client.post(f"/v1/organizations/{slug}/share-links", json=link, headers=owner)
    assert shared.status_code == 201


def test_a_started_anonymous_respondents_domains_no_longer_change(
    client: TestClient, org: tuple[str, Headers], engine: Engine
) -> None:
    """Refusing with the questions answered (as for a named respondent) would tell the key
    which ones this person answered."""
    slug, owner = org
    assessment = _anonymous(client, owner, slug)
    (ann, token), (bob, _) = _with_tokens(client, engine, owner, slug, assessment, 2)
    save(client, token, slug, assessment, ann, PRJ_STD_01_Q1=2)
    respondents = f"{_path(slug, assessment)}/respondents"
    refused = client.patch(f"{respondents}/{ann}", json={"domains": ["program"]}, headers=owner)
    assert refused.status_code == 409
    assert "answers" not in refused.json() and "PRJ" not in refused.text
    changed = client.patch(f"{respondents}/{bob}", json={"domains": ["program"]}, headers=owner)
    assert changed.status_code == 200 and changed.json()["domains"] == ["program"]


def _close(client: TestClient, owner: Headers, org: str, assessment: str) -> Any:
    return client.post(f"{_path(org, assessment)}/close", headers=owner)


def test_close_needs_three_respondents_who_answered(
    client: TestClient, org: tuple[str, Headers], engine: Engine
) -> None:
    slug, owner = org
    assessment = _anonymous(client, owner, slug)
    people = _with_tokens(client, engine, owner, slug, assessment, 4)
    for respondent, token in people[:2]:
        save(client, token, slug, assessment, respondent, PRJ_STD_01_Q1=2)
    refused = _close(client, owner, slug, assessment)
    assert refused.status_code == 409
    assert refused.json()["answering"] == 2
    respondent, token = people[2]
    save(client, token, slug, assessment, respondent, PRJ_STD_01_Q1=3)
    assert _close(client, owner, slug, assessment).status_code == 200


def test_close_needs_three_answering_in_each_domain_anyone_answered(
    client: TestClient, org: tuple[str, Headers], engine: Engine
) -> None:
    slug, owner = org
    assessment = _anonymous(client, owner, slug)
    people = _with_tokens(client, engine, owner, slug, assessment, 3)
    for respondent, token in people:
        save(client, token, slug, assessment, respondent, PRJ_STD_01_Q1=2)
    respondent, token = people[0]
    save(client, token, slug, assessment, respondent, PGM_STD_01_Q1=1)
    refused = _close(client, owner, slug, assessment)
    assert refused.status_code == 409
    assert refused.json()["domains"] == {"program": 1}
    assert "program (1)" in refused.json()["detail"]
    for respondent, token in people[1:]:
        save(client, token, slug, assessment, respondent, PGM_STD_01_Q1=2)
    assert _close(client, owner, slug, assessment).status_code == 200


def test_an_anonymous_source_seeds_only_an_anonymous_assessment(
    client: TestClient, org: tuple[str, Headers], engine: Engine
) -> None:
    slug, owner = org
    source = _anonymous(client, owner, slug)
    people = _with_tokens(client, engine, owner, slug, source, 3)
    for respondent, token in people:
        save(client, token, slug, source, respondent, PRJ_STD_01_Q1=2)
    close(client, owner, slug, source)
    refused = client.post(
        f"/v1/organizations/{slug}/assessments",
        json={"questionnaire_key": "test-q", "title": "Next", "seed_from": source},
        headers=owner,
    )
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["seed_from"]
    seeded = new_assessment(client, owner, slug, seed_from=source, anonymous=True)["id"]
    rows = _rows(engine, seeded)
    assert len(rows) == 3
    assert all(row.pseudonym and PSEUDONYM.match(row.pseudonym) for row in rows)
