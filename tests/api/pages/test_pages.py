"""The pages (issue 12) without a browser: sessions, CSRF, and the same use cases as the API."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from ..factories import (
    Headers,
    answers_path,
    new_assessment,
    new_key,
    new_organization,
    new_respondent,
    save,
)

SAME_SITE = {"origin": "http://testserver"}
SECTION = "/fill/project~standardize"


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def _invited(client: TestClient, admin: Headers) -> dict[str, Any]:
    org, owner = new_organization(client, admin, "Acme")
    assessment = new_assessment(client, owner, org["slug"])["id"]
    respondent, token = new_respondent(client, owner, org["slug"], assessment)
    return {
        "org": org["slug"],
        "owner": owner,
        "assessment": assessment,
        "respondent": respondent["id"],
        "token": token["Authorization"].removeprefix("Bearer "),
        "token_headers": token,
    }


def _answers(client: TestClient, scene: dict[str, Any]) -> list[dict[str, Any]]:
    path = answers_path(scene["org"], scene["assessment"], scene["respondent"])
    answers: list[dict[str, Any]] = client.get(path, headers=scene["owner"]).json()["answers"]
    return answers


def test_an_invitation_becomes_a_session_and_leaves_the_address_bar(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    scene = _invited(client, admin)
    response = client.get(f"/a/{scene['token']}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/fill"
    assert response.headers["referrer-policy"] == "no-referrer"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert scene["token"] not in cookie
    secret = response.cookies["opm_fill"]
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT * FROM page_session")).mappings().one()
    assert secret not in str(dict(stored)) and scene["token"] not in str(dict(stored))
    assert stored["principal_id"] == scene["respondent"]
    home = client.get("/fill")
    assert home.status_code == 200
    assert "Acme" in home.text and "Project · Standardize" in home.text


def test_the_session_cookie_is_secure_over_https(client: TestClient, admin: Headers) -> None:
    scene = _invited(client, admin)
    response = client.get(f"https://testserver/a/{scene['token']}", follow_redirects=False)
    assert "Secure" in response.headers["set-cookie"]


def test_pages_carry_a_strict_content_security_policy(client: TestClient, admin: Headers) -> None:
    scene = _invited(client, admin)
    client.get(f"/a/{scene['token']}")
    for path in ("/fill", SECTION, "/console/sign-in"):
        policy = client.get(path).headers["content-security-policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, path
        assert "frame-ancestors 'none'" in policy
        assert "script-src 'self'" in policy and "style-src 'self'" in policy


def test_saving_a_section_goes_through_the_answers_use_case(
    client: TestClient, admin: Headers
) -> None:
    scene = _invited(client, admin)
    client.get(f"/a/{scene['token']}")
    csrf = _csrf(client.get(SECTION).text)
    response = client.post(
        SECTION,
        data={
            "csrf": csrf,
            "question": ["PRJ-STD-01-Q1", "PRJ-STD-01-Q2"],
            "value:PRJ-STD-01-Q1": "3",
            "comment:PRJ-STD-01-Q1": "Handbook v3",
            "evidence:PRJ-STD-01-Q1": "https://intranet.example.org/pm\n\nAudit 2025\n",
            "go": "next",
        },
        headers=SAME_SITE,
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/fill/project~measure"
    (answer,) = _answers(client, scene)
    assert answer["question_id"] == "PRJ-STD-01-Q1"
    assert (answer["value"], answer["comment"]) == (3, "Handbook v3")
    assert answer["evidence"] == ["https://intranet.example.org/pm", "Audit 2025"]
    assert answer["written_by"] == scene["respondent"]
    again = client.get(SECTION).text
    assert re.search(r'value="3" checked', again)
    assert "Handbook v3" in again


def test_the_fill_page_offers_dont_know_on_every_question_and_saves_it(
    client: TestClient, admin: Headers
) -> None:
    scene = _invited(client, admin)
    client.get(f"/a/{scene['token']}")
    page = client.get(SECTION).text
    for question in ("PRJ-STD-01-Q1", "PRJ-STD-01-Q2"):  # neither allows N/A
        assert f'name="value:{question}" id="v-{question}-dk" value="dk"' in page
        label = f'<label class="choice other" for="v-{question}-dk"><span class="choice-label">'
        assert label + "Don't know<" in page
        # Apart from the scale: in the other choices, after the scale's own row.
        scale_row = page.index('<div class="scale-choices">', page.index(f'id="q-{question}"'))
        apart = page.index('<div class="other-choices">', scale_row)
        assert scale_row < page.index(f'id="v-{question}-4"') < apart < page.index(label)
    assert "No answer yet" not in page and " checked" not in page  # nothing answered yet
    response = client.post(
        SECTION,
        data={
            "csrf": _csrf(page),
            "question": ["PRJ-STD-01-Q1", "PRJ-STD-01-Q2"],
            "value:PRJ-STD-01-Q1": "dk",
            "go": "next",
        },
        headers=SAME_SITE,
        follow_redirects=False,
    )
    assert response.status_code == 303
    (answer,) = _answers(client, scene)
    assert (answer["question_id"], answer["value"], answer["not_applicable"]) == (
        "PRJ-STD-01-Q1",
        None,
        False,
    )
    assert answer["dont_know"] is True
    assert 'id="v-PRJ-STD-01-Q1-dk" value="dk" checked' in client.get(SECTION).text


def test_an_invalid_section_saves_nothing_and_shows_the_error_by_its_field(
    client: TestClient, admin: Headers
) -> None:
    scene = _invited(client, admin)
    client.get(f"/a/{scene['token']}")
    csrf = _csrf(client.get(SECTION).text)
    response = client.post(
        SECTION,
        data={
            "csrf": csrf,
            "question": ["PRJ-STD-01-Q1", "PRJ-STD-01-Q2"],
            "value:PRJ-STD-01-Q1": "2",
            "comment:PRJ-STD-01-Q1": "kept as typed",
            "evidence:PRJ-STD-01-Q2": "\n".join(f"doc {n}" for n in range(11)),
        },
        headers=SAME_SITE,
    )
    assert response.status_code == 422
    assert _answers(client, scene) == []
    assert 'id="err-PRJ-STD-01-Q2-evidence"' in response.text
    assert 'aria-describedby="err-PRJ-STD-01-Q2-evidence"' in response.text
    assert "kept as typed" in response.text and "doc 10" in response.text
    assert re.search(r'id="v-PRJ-STD-01-Q1-2" value="2" checked', response.text)


def test_a_post_without_the_csrf_token_or_from_another_site_changes_nothing(
    client: TestClient, admin: Headers
) -> None:
    scene = _invited(client, admin)
    client.get(f"/a/{scene['token']}")
    csrf = _csrf(client.get(SECTION).text)
    form = {"question": "PRJ-STD-01-Q1", "value:PRJ-STD-01-Q1": "4"}
    attempts = [
        (form, SAME_SITE),
        ({**form, "csrf": "0" * 64}, SAME_SITE),
        ({**form, "csrf": csrf}, {"origin": "https://evil.example"}),
    ]
    for data, headers in attempts:
        response = client.post(SECTION, data=data, headers=headers)
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("text/html")
    submitted = client.post("/fill/submit", data={}, headers=SAME_SITE)
    assert submitted.status_code == 403
    assert _answers(client, scene) == []
    me = client.get(
        answers_path(scene["org"], scene["assessment"], scene["respondent"]),
        headers=scene["token_headers"],
    )
    assert me.status_code == 200


@pytest.mark.parametrize(
    "token", ["é" * 64, "\u00b2", "\U0001d7d8" * 64], ids=["latin", "super", "astral"]
)
def test_a_csrf_token_that_is_not_ascii_is_refused_not_a_crash(
    client: TestClient, admin: Headers, token: str
) -> None:
    """`hmac.compare_digest` raises on a str that is not ASCII (issue 27, item 5)."""
    scene = _invited(client, admin)
    client.get(f"/a/{scene['token']}")
    form = {"question": "PRJ-STD-01-Q1", "value:PRJ-STD-01-Q1": "4", "csrf": token}
    response = client.post(SECTION, data=form, headers=SAME_SITE)
    assert response.status_code == 403
    assert _answers(client, scene) == []


def test_a_reissued_token_ends_the_session_and_the_old_link(
    client: TestClient, admin: Headers
) -> None:
    scene = _invited(client, admin)
    client.get(f"/a/{scene['token']}")
    assert client.get("/fill").status_code == 200
    reissued = client.post(
        f"/v1/organizations/{scene['org']}/assessments/{scene['assessment']}/respondents/"
        f"{scene['respondent']}/token",
        headers=scene["owner"],
    )
    assert reissued.status_code == 201
    ended = client.get("/fill")
    assert ended.status_code == 401
    assert "replaced or withdrawn" in ended.text
    old = client.get(f"/a/{scene['token']}")
    assert old.status_code == 404
    assert "not valid any more" in old.text
    assert client.get(f"/a/{reissued.json()['token']}").status_code == 200


def test_submit_makes_the_answers_read_only(client: TestClient, admin: Headers) -> None:
    scene = _invited(client, admin)
    client.get(f"/a/{scene['token']}")
    summary = client.get("/fill/submit")
    assert "not answered yet" in summary.text
    done = client.post("/fill/submit", data={"csrf": _csrf(summary.text)}, headers=SAME_SITE)
    assert done.status_code == 200
    assert "submitted" in done.text
    page = client.get(SECTION)
    assert "read-only" in page.text and 'type="radio"' not in page.text
    refused = client.post(
        SECTION,
        data={"csrf": _csrf(summary.text), "question": "PRJ-STD-01-Q1", "value:PRJ-STD-01-Q1": "1"},
        headers=SAME_SITE,
    )
    assert refused.status_code == 409
    assert _answers(client, scene) == []


def test_a_closed_assessment_shows_the_respondents_own_answers_read_only(
    client: TestClient, admin: Headers
) -> None:
    scene = _invited(client, admin)
    save(
        client,
        scene["token_headers"],
        scene["org"],
        scene["assessment"],
        scene["respondent"],
        PRJ_STD_01_Q1=4,
    )
    closing = client.post(
        f"/v1/organizations/{scene['org']}/assessments/{scene['assessment']}/close",
        headers=scene["owner"],
    )
    assert closing.status_code == 200
    client.get(f"/a/{scene['token']}")
    assert "This assessment is closed" in client.get("/fill").text
    section = client.get(SECTION).text
    assert "4 · Fully in place" in section and 'type="radio"' not in section


def _sign_in(client: TestClient, key: Headers) -> str:
    response = client.post(
        "/console/sign-in",
        data={"key": key["Authorization"].removeprefix("Bearer ")},
        headers=SAME_SITE,
    )
    assert response.status_code == 200, response.text
    return _csrf(response.text)


def test_revoking_a_key_ends_its_console_sessions(client: TestClient, admin: Headers) -> None:
    org, owner = new_organization(client, admin, "Acme")
    editor = new_key(client, owner, org["slug"], "editor")
    _sign_in(client, editor)
    assert client.get("/console/acme").status_code == 200
    keys = client.get("/v1/organizations/acme/keys", headers=owner).json()["items"]
    editor_id = next(key["id"] for key in keys if key["role"] == "editor")
    client.delete(f"/v1/organizations/acme/keys/{editor_id}", headers=owner)
    response = client.get("/console/acme", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/console/sign-in")


def test_sign_out_ends_the_session(client: TestClient, admin: Headers) -> None:
    _, owner = new_organization(client, admin, "Acme")
    csrf = _sign_in(client, owner)
    out = client.post("/console/sign-out", data={"csrf": csrf}, headers=SAME_SITE)
    assert out.url.path == "/console/sign-in"
    assert client.get("/console/acme", follow_redirects=False).status_code == 303


def test_a_console_session_lasts_a_working_day_and_then_ends(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    _, owner = new_organization(client, admin, "Acme")
    _sign_in(client, owner)
    with engine.connect() as connection:
        created, expires = connection.execute(
            text("SELECT created_at, expires_at FROM page_session")
        ).one()
    lifetime = (_as_time(expires) - _as_time(created)).total_seconds()
    assert lifetime == 12 * 3600
    with engine.begin() as connection:
        connection.execute(text("UPDATE page_session SET expires_at = created_at"))
    assert client.get("/console/acme", follow_redirects=False).status_code == 303


def _as_time(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def test_a_reader_key_sees_the_console_without_forms_that_change_things(
    client: TestClient, admin: Headers
) -> None:
    _, owner = new_organization(client, admin, "Acme")
    assessment = new_assessment(client, owner, "acme")["id"]
    new_respondent(client, owner, "acme", assessment)
    reader = new_key(client, owner, "acme", "reader")
    csrf = _sign_in(client, reader)
    for path in (
        "/console/acme",
        f"/console/acme/assessments/{assessment}",
        "/console/acme/organization",
    ):
        html = client.get(path).text
        forms = re.findall(r'<form method="post" action="([^"]+)"', html)
        assert forms == ["/console/sign-out"], (path, forms)
    refused = client.post(
        f"/console/acme/assessments/{assessment}/respondents",
        data={"csrf": csrf, "name": "Eve"},
        headers=SAME_SITE,
    )
    assert refused.status_code == 403
    listed = client.get(
        f"/v1/organizations/acme/assessments/{assessment}/respondents", headers=owner
    ).json()["items"]
    assert len(listed) == 1


def test_a_respondent_token_cannot_sign_in_to_the_console(
    client: TestClient, admin: Headers
) -> None:
    scene = _invited(client, admin)
    response = client.post("/console/sign-in", data={"key": scene["token"]}, headers=SAME_SITE)
    assert response.status_code == 403
    assert "opm_console" not in response.headers.get("set-cookie", "")


def test_an_invitation_from_the_console_is_shown_once_and_opens_the_questionnaire(
    client: TestClient, admin: Headers
) -> None:
    _, owner = new_organization(client, admin, "Acme")
    assessment = new_assessment(client, owner, "acme")["id"]
    csrf = _sign_in(client, owner)
    invited = client.post(
        f"/console/acme/assessments/{assessment}/respondents",
        data={"csrf": csrf, "name": "Ann", "role": "PMO lead"},
        headers=SAME_SITE,
    )
    link = re.search(r'id="invitation-link" readonly value="([^"]+)"', invited.text)
    assert link and "/a/opmr_" in link.group(1)
    assert link.group(1) not in client.get(f"/console/acme/assessments/{assessment}").text
    client.cookies.clear()
    assert client.get(link.group(1)).url.path == "/fill"


def test_signing_in_and_out_is_in_the_audit_trail(client: TestClient, admin: Headers) -> None:
    org, owner = new_organization(client, admin, "Acme")
    editor = new_key(client, owner, org["slug"], "editor")
    csrf = _sign_in(client, editor)
    client.post("/console/sign-out", data={"csrf": csrf}, headers=SAME_SITE)
    scene = _invited(client, admin)  # another organization, its respondent's link
    client.get(f"/a/{scene['token']}")
    trail = client.get("/v1/organizations/acme/audit", headers=owner).json()["items"]
    keys = client.get("/v1/organizations/acme/keys", headers=owner).json()["items"]
    editor_id = next(key["id"] for key in keys if key["role"] == "editor")
    signed = [(e["action"], e["actor_id"]) for e in trail if e["action"].startswith("page_")]
    assert signed == [
        ("page_session.signed_out", editor_id),
        ("page_session.signed_in", editor_id),
    ]
    theirs = client.get(f"/v1/organizations/{scene['org']}/audit", headers=scene["owner"])
    assert ("page_session.signed_in", scene["respondent"]) in [
        (e["action"], e["actor_id"]) for e in theirs.json()["items"]
    ]


def test_wrong_keys_and_links_on_the_pages_are_throttled_like_bearer_secrets(
    client: TestClient, admin: Headers
) -> None:
    _, owner = new_organization(client, admin, "Acme")
    for attempt in range(20):
        if attempt % 2:
            wrong = client.post(
                "/console/sign-in", data={"key": f"opmk_no{attempt}"}, headers=SAME_SITE
            )
        else:
            wrong = client.get(f"/a/opmr_no{attempt}")
        assert wrong.status_code in (401, 404), attempt
    throttled = client.post(
        "/console/sign-in",
        data={"key": owner["Authorization"].removeprefix("Bearer ")},
        headers=SAME_SITE,
    )
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0
    assert client.get("/a/opmr_anything").status_code == 429
    assert client.get("/v1/me", headers=owner).status_code == 429


def test_the_first_page_shows_the_questionnaires_guidance_on_request(
    client: TestClient, admin: Headers
) -> None:
    org, owner = new_organization(client, admin, "Guided")
    quick = new_assessment(client, owner, org["slug"], version=None, questionnaire_key="opm3-quick")
    _, token = new_respondent(client, owner, org["slug"], quick["id"])
    client.get(f"/a/{token['Authorization'].removeprefix('Bearer ')}")
    home = client.get("/fill").text
    assert '<details class="fold guidance" id="guidance">' in home  # folded: opened on request
    assert "<summary>Evidence and sampling guidance</summary>" in home
    client.cookies.clear()
    plain = _invited(client, admin)  # test-q has no guidance: nothing to open
    client.get(f"/a/{plain['token']}")
    assert 'id="guidance"' not in client.get("/fill").text


def test_progress_on_the_pages_counts_dont_know_as_gone_through(
    client: TestClient, admin: Headers
) -> None:
    scene = _invited(client, admin)
    path = answers_path(scene["org"], scene["assessment"], scene["respondent"])
    items = [{"question_id": q, "dont_know": True} for q in ("PRJ-STD-01-Q1", "PRJ-STD-01-Q2")]
    assert client.patch(path, json={"answers": items}, headers=scene["owner"]).status_code == 200
    client.get(f"/a/{scene['token']}")
    home = client.get("/fill").text
    assert "2 of 2 answered · complete" in home  # the project Standardize section
    assert "2 of 6 (33%), 2 don't know" in home
    assert ">Continue where you left off</a>" in home


def _options(html: str) -> list[str]:
    return [
        unescape(o)
        for o in re.findall(r"<option value=\"[^\"]+@[^\"]+\"[^>]*>(.*?)</option>", html)
    ]


def test_the_new_assessment_form_offers_current_versions_full_forms_first_with_size_and_time(
    client: TestClient, admin: Headers
) -> None:
    org, owner = new_organization(client, admin, "Chooser")
    _sign_in(client, owner)
    form = client.get(f"/console/{org['slug']}/assessments/new").text
    options = _options(form)
    full = "OPM maturity self-assessment (opm3-style 2.1.0) · 238 questions, about 60 min"
    quick = "(opm3-quick 2.1.0) · 40 questions, about 10 min · quick scan"
    assert full in options
    assert any(quick in option for option in options)
    assert "superseded" not in form and "2.0.0" not in form
    short = [n for n, option in enumerate(options) if "quick scan" in option]
    assert short and min(short) > 0 and all(n >= min(short) for n in short[1:])
    assert "quick scan" not in options[0]  # the default is a full questionnaire
    assert re.search(r'<a href="\?versions=all">Show \d+ earlier versions</a>', form)
    every = _options(client.get(f"/console/{org['slug']}/assessments/new?versions=all").text)
    assert any("(opm3-style 2.0.0, superseded) · 234 questions" in option for option in every)


def test_saving_targets_says_so_and_what_they_apply_to(client: TestClient, admin: Headers) -> None:
    org, owner = new_organization(client, admin, "Targets")
    csrf = _sign_in(client, owner)
    saved = client.post(
        f"/console/{org['slug']}/targets/test-q",
        data={"csrf": csrf, "target:project": "2"},
        headers=SAME_SITE,
    )
    assert saved.status_code == 200 and saved.url.query == b"saved=test-q"
    assert "Targets saved for test-q." in saved.text
    assert "keep the targets of their close" in saved.text
    assert "Targets saved" not in client.get(f"/console/{org['slug']}/organization").text


# Issue 24: the respondent's pages made light.


def _set(engine: Engine, row_type: Any, row_id: str, **fields: Any) -> None:
    """Fields written straight into a row (the API for them is another lane's)."""
    from sqlmodel import Session

    with Session(engine) as session:
        row = session.get(row_type, row_id)
        assert row is not None
        for name, value in fields.items():
            setattr(row, name, value)
        session.commit()


def test_the_first_page_says_who_asks_why_by_when_how_many_and_how_long(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    from datetime import date

    from api.storage.tables import AssessmentRow

    scene = _invited(client, admin)
    _set(
        engine,
        AssessmentRow,
        scene["assessment"],
        message="Tell us how we run projects.\nIt takes an hour, at most.",
        contact="Ann Lee <ann.lee@example.org>",
        due_date=date(2026, 12, 18),
    )
    client.get(f"/a/{scene['token']}")
    home = unescape(client.get("/fill").text)
    assert "<strong>6 questions</strong> for you" in home  # test-q: 6 in scope
    assert "about <strong>2 minutes</strong>" in home  # 6 x 15 s, rounded up
    assert "please answer by <strong>Friday 18 December 2026</strong>" in home
    assert "Tell us how we run projects.\nIt takes an hour, at most." in home
    assert '<a href="mailto:ann.lee@example.org">Ann Lee <ann.lee@example.org></a>' in home
    assert "How the time is estimated: 15 seconds a question" in home
    assert ">Start</a>" in home and "Continue where you left off" not in home
    # The start comes before the message and the guidance.
    assert home.index(">Start</a>") < home.index("Tell us how") < home.index("How to answer")
    path = answers_path(scene["org"], scene["assessment"], scene["respondent"])
    saved = client.patch(
        path,
        json={"answers": [{"question_id": "PRJ-STD-01-Q1", "value": 2}]},
        headers=scene["owner"],
    )
    assert saved.status_code == 200
    home = client.get("/fill").text
    assert ">Continue where you left off</a>" in home
    assert "1 of 6 answered; next: Project · Standardize, about 2 minutes left." in unescape(home)


def test_without_message_contact_or_due_date_the_first_page_says_nothing_of_them(
    client: TestClient, admin: Headers
) -> None:
    scene = _invited(client, admin)
    client.get(f"/a/{scene['token']}")
    home = client.get("/fill").text
    assert "Why we ask" not in home and "please answer by" not in home
    assert "Questions? Ask" not in home


def test_a_respondent_of_one_domain_is_asked_its_sections_and_the_enablers_only(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    from api.storage.tables import RespondentRow

    scene = _invited(client, admin)
    _set(engine, RespondentRow, scene["respondent"], domains=["project"])
    client.get(f"/a/{scene['token']}")
    home = unescape(client.get("/fill").text)
    sections = re.findall(r'<li>\s*<a href="/fill/([^"]+)">', home)
    assert sections == ["project~standardize", "project~measure", "structural"]
    assert "<strong>4 questions</strong> for you" in home  # 3 of Project, 1 enabler
    assert "Your questions are those of Project and the organizational enablers." in home
    assert client.get("/fill/program~standardize").status_code == 404
    refused = client.post(
        "/fill/program~standardize",
        data={"csrf": _csrf(home), "question": ["PGM-STD-01-Q1"], "value:PGM-STD-01-Q1": "2"},
        headers=SAME_SITE,
    )
    assert refused.status_code == 404
    assert _answers(client, scene) == []
    review = client.get("/fill/submit").text
    assert "4 questions not answered yet" in review and "PGM-" not in review
    # The last of its sections leads to the review.
    assert "Save and review" in client.get("/fill/structural").text
    # The enablers only: one section, said so.
    _set(engine, RespondentRow, scene["respondent"], domains=[])
    home = unescape(client.get("/fill").text)
    assert re.findall(r'<li>\s*<a href="/fill/([^"]+)">', home) == ["structural"]
    assert "Your questions are those of the organizational enablers." in home
    assert client.get("/fill/project~standardize").status_code == 404


def test_the_review_links_each_unanswered_question_lists_dont_know_apart_submit_first(
    client: TestClient, admin: Headers
) -> None:
    scene = _invited(client, admin)
    path = answers_path(scene["org"], scene["assessment"], scene["respondent"])
    items = [
        {"question_id": "PRJ-STD-01-Q1", "value": 3},
        {"question_id": "PGM-STD-01-Q1", "dont_know": True},
        {"question_id": "PGM-MEA-01-Q1", "not_applicable": True},
    ]
    assert client.patch(path, json={"answers": items}, headers=scene["owner"]).status_code == 200
    client.get(f"/a/{scene['token']}")
    review = client.get("/fill/submit").text
    unanswered = review[review.index('id="unanswered-heading"') : review.index('id="dont-know')]
    links = re.findall(r'<li><a href="([^"]+)">', unanswered)
    assert links == [
        "/fill/project~standardize#q-PRJ-STD-01-Q2",
        "/fill/project~measure#q-PRJ-MEA-01-Q1",
        "/fill/structural#q-ENB-STR-01-Q1",
    ]
    dont_know = review[review.index('id="dont-know-heading"') :]
    assert re.findall(r'<li><a href="([^"]+)">', dont_know) == [
        "/fill/program~standardize#q-PGM-STD-01-Q1"
    ]
    assert 'href="#dont-know-heading">1 answered "don\'t know"</a>' in unescape(review)
    # Submit comes before either list.
    assert review.index("Submit my answers") < review.index('id="unanswered-heading"')


def test_clear_my_answer_leaves_one_question_unanswered_and_keeps_the_rest(
    client: TestClient, admin: Headers
) -> None:
    scene = _invited(client, admin)
    client.get(f"/a/{scene['token']}")
    page = client.get(SECTION).text
    assert '<button type="submit" name="go" value="clear:PRJ-STD-01-Q1"' in page
    form = {
        "csrf": _csrf(page),
        "question": ["PRJ-STD-01-Q1", "PRJ-STD-01-Q2"],
        "value:PRJ-STD-01-Q1": "3",
        "comment:PRJ-STD-01-Q1": "Handbook v3",
        "value:PRJ-STD-01-Q2": "dk",
    }
    saved = client.post(SECTION, data=form, headers=SAME_SITE, follow_redirects=False)
    assert saved.status_code == 303
    cleared = client.post(
        SECTION,
        data={**form, "go": "clear:PRJ-STD-01-Q1"},
        headers=SAME_SITE,
        follow_redirects=False,
    )
    assert cleared.status_code == 303
    assert cleared.headers["location"] == f"{SECTION}?saved=1#q-PRJ-STD-01-Q1"
    by_id = {answer["question_id"]: answer for answer in _answers(client, scene)}
    assert by_id["PRJ-STD-01-Q1"]["value"] is None
    assert by_id["PRJ-STD-01-Q1"]["comment"] == "Handbook v3"  # only the choice is cleared
    assert by_id["PRJ-STD-01-Q2"]["dont_know"] is True
    again = client.get(SECTION).text
    assert (
        'name="value:PRJ-STD-01-Q1"' in again
        and 'id="v-PRJ-STD-01-Q1-3" value="3" checked' not in again
    )
    # A filled comment shows its fold open.
    assert re.search(r'<details class="more-note" open>', again)
    # A clear naming a question that is not in the section changes nothing else.
    other = client.post(
        SECTION,
        data={**form, "go": "clear:PGM-STD-01-Q1"},
        headers=SAME_SITE,
        follow_redirects=False,
    )
    assert other.status_code == 303
    assert {a["question_id"]: a["value"] for a in _answers(client, scene)}["PRJ-STD-01-Q1"] == 3


def test_the_estimated_time_counts_15_seconds_a_question() -> None:
    from api.services.questionnaires import minutes_for

    assert [minutes_for(n) for n in (0, 1, 4, 5, 40, 41, 119, 238)] == [0, 1, 1, 2, 10, 10, 30, 60]


def test_a_workshop_answers_on_the_same_compact_pages_from_the_console(
    client: TestClient, admin: Headers
) -> None:
    from .test_form_validation import _console

    scene = _console(client, admin)
    base = f"{scene['base']}/assessments/{scene['assessment']}/respondents/{scene['respondent']}"
    home = client.get(f"{base}/fill").text
    assert "Workshop: answering for Ann" in home and ">Start</a>" in home
    assert "Review and submit" not in home  # a workshop does not submit for the respondent
    section = f"{base}/fill/project~standardize"
    page = client.get(section).text
    assert 'class="scale-choices"' in page and "Add a comment or evidence" in page
    form = {
        "csrf": _csrf(page),
        "question": ["PRJ-STD-01-Q1", "PRJ-STD-01-Q2"],
        "value:PRJ-STD-01-Q1": "3",
        "value:PRJ-STD-01-Q2": "dk",
    }
    saved = client.post(section, data=form, headers=SAME_SITE, follow_redirects=False)
    assert saved.status_code == 303
    cleared = client.post(
        section,
        data={**form, "go": "clear:PRJ-STD-01-Q2"},
        headers=SAME_SITE,
        follow_redirects=False,
    )
    assert cleared.headers["location"] == f"{section}?saved=1#q-PRJ-STD-01-Q2"
    path = answers_path(scene["org"], scene["assessment"], scene["respondent"])
    answers = client.get(path, headers=scene["owner"]).json()["answers"]
    # Q2 cleared: an answer without value, comment or evidence is no answer.
    assert [(a["question_id"], a["value"], a["dont_know"]) for a in answers] == [
        ("PRJ-STD-01-Q1", 3, False)
    ]
    assert "Save and finish" in client.get(f"{base}/fill/structural").text
