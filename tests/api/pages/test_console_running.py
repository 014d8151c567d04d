"""The console for running an assessment across an organization (issue 23, points 3 and 4):
invite one or several (a preview first), domains suggested from the role, due date, message
and contact, the respondents table, links as a CSV, a redirect after every form (a link shown
once), a confirmation before "New link", people counted on the assessment and close pages, the
workshop naming its respondent, and the console of an anonymous assessment."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlmodel import Session, select

from api.app import create_app
from api.core.config import Settings
from api.services.role_domains import suggested_domains
from api.storage.tables import RespondentRow

from ..factories import Headers, new_assessment, new_organization, new_respondent, save

SAME_SITE = {"origin": "http://testserver"}
LINK = re.compile(r'id="invitation-link" readonly value="([^"]+)"')


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def _sign_in(client: TestClient, key: Headers) -> str:
    response = client.post(
        "/console/sign-in",
        data={"key": key["Authorization"].removeprefix("Bearer ")},
        headers=SAME_SITE,
    )
    assert response.status_code == 200, response.text
    return _csrf(response.text)


def _scene(client: TestClient, admin: Headers, **fields: Any) -> dict[str, Any]:
    org, owner = new_organization(client, admin, "Acme")
    assessment = new_assessment(client, owner, org["slug"], **fields)["id"]
    csrf = _sign_in(client, owner)
    return {
        "owner": owner,
        "assessment": assessment,
        "csrf": csrf,
        "base": f"/console/acme/assessments/{assessment}",
        "api": f"/v1/organizations/acme/assessments/{assessment}",
    }


def _post(client: TestClient, path: str, data: dict[str, Any], **kw: Any) -> Any:
    return client.post(path, data=data, headers=SAME_SITE, follow_redirects=False, **kw)


def _respondents(client: TestClient, scene: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get(
        f"{scene['api']}/respondents", headers=scene["owner"], params={"limit": 200}
    ).json()["items"]
    return items


def _audit_actions(client: TestClient, scene: dict[str, Any]) -> list[str]:
    return [
        entry["action"]
        for entry in client.get(
            "/v1/organizations/acme/audit", headers=scene["owner"], params={"limit": 200}
        ).json()["items"]
    ]


# Domains suggested from the role


@pytest.mark.parametrize(
    ("role", "suggested"),
    [
        ("Project manager", ["project"]),
        ("Senior programme manager", ["program"]),
        ("Program Manager", ["program"]),
        ("Portfolio manager", ["portfolio"]),
        ("PMO lead", None),
        ("Executive sponsor", None),
        ("Director of operations", None),
        ("Head of project delivery", None),
        ("Scrum master", None),
        ("", None),
        (None, None),
    ],
)
def test_domains_are_suggested_from_the_role(role: str | None, suggested: Any) -> None:
    assert suggested_domains(role, ["project", "program", "portfolio"]) == suggested


def test_a_role_whose_domain_is_out_of_scope_is_asked_the_whole_scope() -> None:
    assert suggested_domains("Portfolio manager", ["project", "program"]) is None


# One invitation: a redirect, the link shown once


def test_an_invite_redirects_shows_its_link_once_and_a_refresh_creates_no_one(
    client: TestClient, admin: Headers
) -> None:
    scene = _scene(client, admin)
    invited = _post(
        client,
        f"{scene['base']}/respondents",
        {"csrf": scene["csrf"], "name": "Ann", "role": "Project manager", "email": "ann@x.org"},
    )
    assert invited.status_code == 303
    assert invited.headers["location"] == f"{scene['base']}#invitation"
    cookie = invited.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=300" in cookie
    shown = client.get(invited.headers["location"])
    link = LINK.search(shown.text)
    assert link and "/a/opmr_" in link.group(1)
    assert shown.headers["cache-control"] == "no-store"
    # A refresh of the page shows it no more; the address the form posted to answers a
    # redirect to the page, not 405; neither creates anyone.
    assert not LINK.search(client.get(scene["base"]).text)
    again = client.get(f"{scene['base']}/respondents", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == f"{scene['base']}#respondents"
    (ann,) = _respondents(client, scene)
    assert (ann["email"], ann["domains"]) == ("ann@x.org", ["project"])
    client.cookies.clear()
    assert client.get(link.group(1)).url.path == "/fill"


def test_a_link_cookie_not_made_by_the_form_shows_nothing(
    client: TestClient, admin: Headers
) -> None:
    scene = _scene(client, admin)
    ann, _ = new_respondent(client, scene["owner"], "acme", scene["assessment"])
    client.cookies.set("opm_shown_once", f"invitation:{ann['id']}:opmr_forged", path=scene["base"])
    page = client.get(scene["base"])
    assert page.status_code == 200
    assert not LINK.search(page.text) and "opmr_forged" not in page.text


def test_an_invite_with_domains_ticked_keeps_them(client: TestClient, admin: Headers) -> None:
    scene = _scene(client, admin)
    _post(
        client,
        f"{scene['base']}/respondents",
        {
            "csrf": scene["csrf"],
            "name": "Pia",
            "role": "Project manager",
            "domains_from": "chosen",
            "domains": ["program"],
        },
    )
    (pia,) = _respondents(client, scene)
    assert pia["domains"] == ["program"]


def test_a_bad_invite_names_its_field_and_creates_no_one(
    client: TestClient, admin: Headers
) -> None:
    scene = _scene(client, admin)
    response = _post(
        client,
        f"{scene['base']}/respondents",
        {"csrf": scene["csrf"], "name": "Ann", "email": "not an address"},
    )
    assert response.status_code == 422
    assert 'id="err-email"' in response.text
    assert _respondents(client, scene) == []


# "New link": a confirmation first, then a redirect


def test_new_link_asks_first_saying_what_it_ends(client: TestClient, admin: Headers) -> None:
    scene = _scene(client, admin)
    ann, token = new_respondent(client, scene["owner"], "acme", scene["assessment"])
    page = client.get(scene["base"]).text
    assert f'href="{scene["base"]}/respondents/{ann["id"]}/token"' in page
    assert f'action="{scene["base"]}/respondents/{ann["id"]}/token"' not in page
    confirmation = client.get(f"{scene['base']}/respondents/{ann['id']}/token")
    assert confirmation.status_code == 200
    text = unescape(confirmation.text)
    assert "ends every link Ann holds now" in text and "every open session" in text
    assert client.get("/v1/me", headers=token).status_code == 200  # asking ended nothing
    done = _post(
        client, f"{scene['base']}/respondents/{ann['id']}/token", {"csrf": _csrf(confirmation.text)}
    )
    assert done.status_code == 303
    shown = client.get(done.headers["location"]).text
    assert LINK.search(shown) and "New invitation link for Ann" in shown
    assert client.get("/v1/me", headers=token).status_code == 401
    assert not LINK.search(client.get(scene["base"]).text)


# Invite several


PASTED = """name, role, e-mail
Ann Lee, PMO lead, ann@example.org
Bob Stone, Project manager, bob@example.org
"Pia, the second", Program manager, pia@example.org
Eve, Sponsor, eve@example.org, project
"""


def test_invite_several_previews_then_creates_everyone_through_the_bulk_use_case(
    client: TestClient, admin: Headers
) -> None:
    scene = _scene(client, admin)
    form = client.get(f"{scene['base']}/invite-several")
    assert form.status_code == 200
    preview = _post(
        client,
        f"{scene['base']}/invite-several/preview",
        {"csrf": scene["csrf"], "lines": PASTED, "domains_from": "role"},
    )
    assert preview.status_code == 200, preview.text
    assert "4 people to invite" in preview.text
    assert _respondents(client, scene) == []  # nothing yet
    # Suggested: Ann every domain; Bob project; Pia program; Eve her own (project).
    checked = re.findall(
        r'id="d-(\d)-(\w+)" name="domains:\d" value="\w+"( checked)?', preview.text
    )
    ticked = {(n, d) for n, d, on in checked if on}
    assert ticked == {
        ("0", "project"),
        ("0", "program"),
        ("1", "project"),
        ("2", "program"),
        ("3", "project"),
    }
    # Change Bob's domains on the preview, then invite them all.
    data: dict[str, Any] = {"csrf": scene["csrf"], "count": "4"}
    for n, (line, name, role, email) in enumerate(
        [
            ("2", "Ann Lee", "PMO lead", "ann@example.org"),
            ("3", "Bob Stone", "Project manager", "bob@example.org"),
            ("4", "Pia, the second", "Program manager", "pia@example.org"),
            ("5", "Eve", "Sponsor", "eve@example.org"),
        ]
    ):
        data[f"row:{n}"] = f'{line},"{name}",{role},{email}'
    data |= {"domains:0": ["project", "program"], "domains:1": ["project", "program"]}
    data |= {"domains:2": ["program"], "domains:3": ["project"]}
    done = _post(client, f"{scene['base']}/invite-several", data)
    assert done.status_code == 303
    assert done.headers["location"] == f"{scene['base']}?added=4#respondents"
    listed = {r["name"]: r["domains"] for r in _respondents(client, scene)}
    assert listed == {
        "Ann Lee": None,
        "Bob Stone": None,
        "Pia, the second": ["program"],
        "Eve": ["project"],
    }
    assert "respondents.created" in _audit_actions(client, scene)
    page = client.get(done.headers["location"]).text
    assert "4 respondents invited" in page


def test_invite_several_names_each_bad_line_and_creates_nothing(
    client: TestClient, admin: Headers
) -> None:
    scene = _scene(client, admin)
    new_respondent(client, scene["owner"], "acme", scene["assessment"], "Zed")
    client.patch(
        f"{scene['api']}/respondents/{_respondents(client, scene)[0]['id']}",
        json={"email": "zed@example.org"},
        headers=scene["owner"],
    )
    pasted = "\n".join(
        [
            "Ann, PMO lead, ann@example.org",
            "Bob, Project manager, not-an-address",
            "",
            ", Project manager, nameless@example.org",
            "Cy, Sponsor, ZED@example.org",
            "Di, Sponsor, di@example.org, portfolio",
            "Ann again, PMO lead, ann@example.org",
        ]
    )
    preview = _post(
        client,
        f"{scene['base']}/invite-several/preview",
        {"csrf": scene["csrf"], "lines": pasted},
    )
    assert preview.status_code == 422
    bad = dict(re.findall(r'<li data-line="(\d+)">([^<]*)</li>', preview.text))
    assert set(bad) == {"2", "4", "5", "6", "7"}
    assert "e-mail" in bad["2"] and "name" in bad["4"]
    assert "twice" in unescape(bad["5"]) and "twice" in unescape(bad["7"])
    assert "portfolio" in unescape(bad["6"])
    assert "Invite all" not in preview.text
    assert "Ann, PMO lead" in preview.text  # the text is kept to fix
    assert [r["name"] for r in _respondents(client, scene)] == ["Zed"]


def test_invite_several_reads_an_uploaded_file_with_domains_for_all(
    client: TestClient, admin: Headers
) -> None:
    scene = _scene(client, admin)
    content = "\ufeffName;Role;E-mail\r\nAnn;PMO lead;ann@example.org\r\nBob;Analyst;\r\n"
    preview = client.post(
        f"{scene['base']}/invite-several/preview",
        data={"csrf": scene["csrf"], "domains_from": "chosen", "domains": ["program"]},
        files={"file": ("people.csv", content.encode("utf-8"), "text/csv")},
        headers=SAME_SITE,
    )
    assert preview.status_code == 200, preview.text
    assert "2 people to invite" in preview.text
    checked = re.findall(
        r'id="d-(\d)-(\w+)" name="domains:\d" value="\w+"( checked)?', preview.text
    )
    assert {(n, d) for n, d, on in checked if on} == {("0", "program"), ("1", "program")}
    wrong = client.post(
        f"{scene['base']}/invite-several/preview",
        data={"csrf": scene["csrf"]},
        files={"file": ("people.xlsx", b"PK\x03\x04", "application/octet-stream")},
        headers=SAME_SITE,
    )
    assert wrong.status_code == 422 and ".csv or .txt" in wrong.text


def test_the_preview_address_asked_with_get_leads_back_to_the_form(
    client: TestClient, admin: Headers
) -> None:
    scene = _scene(client, admin)
    response = client.get(f"{scene['base']}/invite-several/preview", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"{scene['base']}/invite-several"


# Due date, message, contact


def test_the_new_assessment_form_takes_due_date_message_contact_and_anonymity(
    client: TestClient, admin: Headers
) -> None:
    _, owner = new_organization(client, admin, "Acme")
    csrf = _sign_in(client, owner)
    form = client.get("/console/acme/assessments/new").text
    for name in ("due_date", "message", "contact", "anonymous"):
        assert f'name="{name}"' in form
    made = _post(
        client,
        "/console/acme/assessments",
        {
            "csrf": csrf,
            "questionnaire": "test-q@1.0.0",
            "title": "Autumn",
            "scope": ["project", "program"],
            "due_date": "2026-12-24",
            "message": "Please answer before the holidays.",
            "contact": "Ann Lee <ann@example.org>",
            "anonymous": "yes",
        },
    )
    assert made.status_code == 303
    (listed,) = client.get("/v1/organizations/acme/assessments", headers=owner).json()["items"]
    assert (listed["due_date"], listed["message"], listed["contact"], listed["anonymous"]) == (
        "2026-12-24",
        "Please answer before the holidays.",
        "Ann Lee <ann@example.org>",
        True,
    )


def test_due_date_message_and_contact_change_while_open_with_a_redirect(
    client: TestClient, admin: Headers
) -> None:
    scene = _scene(client, admin, message="First")
    changed = _post(
        client,
        f"{scene['base']}/details",
        {"csrf": scene["csrf"], "due_date": "2027-01-10", "message": "Second", "contact": ""},
    )
    assert changed.status_code == 303
    shown = client.get(scene["api"], headers=scene["owner"]).json()
    assert (shown["due_date"], shown["message"], shown["contact"]) == ("2027-01-10", "Second", None)
    assert "Second" in client.get(scene["base"]).text
    bad = _post(client, f"{scene['base']}/details", {"csrf": scene["csrf"], "due_date": "soon"})
    assert bad.status_code == 422 and 'id="err-due_date"' in bad.text
    again = client.get(f"{scene['base']}/details", follow_redirects=False)
    assert (again.status_code, again.headers["location"]) == (303, f"{scene['base']}#details")


# The respondents table, people progress, the close page


def test_the_table_and_the_close_page_count_people_not_only_answers(
    client: TestClient, admin: Headers
) -> None:
    scene = _scene(client, admin)
    owner, a = scene["owner"], scene["assessment"]
    people = [new_respondent(client, owner, "acme", a, name)[0] for name in "ABCDEFGH"]
    every = {
        "PRJ_STD_01_Q1": 3, "PRJ_STD_01_Q2": 3, "PRJ_MEA_01_Q1": 3,
        "PGM_STD_01_Q1": 3, "PGM_MEA_01_Q1": 3, "ENB_STR_01_Q1": 3,
    }  # fmt: skip
    for person in people[:4]:
        save(client, owner, "acme", a, person["id"], **every)
        client.post(f"{scene['api']}/respondents/{person['id']}/submit", headers=owner)
    for person in people[4:6]:
        save(client, owner, "acme", a, person["id"], PRJ_STD_01_Q1=2)
    page = client.get(scene["base"]).text
    assert "4 of 8 submitted, 2 started but not submitted, 2 not started" in page
    for column in ("Invited", "Reminded", "Last activity", "Submitted", "Domains"):
        assert f'<th scope="col">{column}</th>' in page
    close_page = unescape(client.get(f"{scene['base']}/close").text)
    assert "4 of 8 submitted, 2 started but not submitted, 2 not started" in close_page
    assert "6 of 6 (100%) have an answer from at least one respondent" in close_page
    assert "of the answers are in" not in close_page


def test_download_links_is_offered_when_mail_is_not_configured_and_gives_a_csv(
    client: TestClient, admin: Headers
) -> None:
    scene = _scene(client, admin)
    new_respondent(client, scene["owner"], "acme", scene["assessment"], "Ann")
    page = client.get(scene["base"]).text
    assert "Download links (CSV)" in page
    response = _post(client, f"{scene['base']}/links.csv", {"csrf": _csrf(page)})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "/a/opmr_" in response.text and "Ann" in response.text
    assert "respondents.links_issued" in _audit_actions(client, scene)


def test_download_links_is_not_offered_when_mail_is_configured(
    settings: Settings, admin: Headers
) -> None:
    configured = settings.model_copy(
        update={
            "smtp_url": SecretStr("smtp://relay.example.org:25"),
            "mail_from": "pmo@example.org",
            "public_url": "http://testserver",
        }
    )
    assert configured.mail_configured
    with TestClient(create_app(configured), raise_server_exceptions=False) as client:
        scene = _scene(client, admin)
        new_respondent(client, scene["owner"], "acme", scene["assessment"], "Ann")
        assert "Download links (CSV)" not in client.get(scene["base"]).text


# Changing a respondent


def test_a_respondent_is_changed_on_its_page_and_a_domain_with_answers_is_kept(
    client: TestClient, admin: Headers
) -> None:
    scene = _scene(client, admin)
    ann, _ = new_respondent(client, scene["owner"], "acme", scene["assessment"])
    edit = client.get(f"{scene['base']}/respondents/{ann['id']}/edit")
    assert edit.status_code == 200
    changed = _post(
        client,
        f"{scene['base']}/respondents/{ann['id']}",
        {
            "csrf": _csrf(edit.text),
            "name": "Ann Lee",
            "role": "Program manager",
            "email": "ann@example.org",
            "domains": ["program"],
        },
    )
    assert changed.status_code == 303
    (listed,) = _respondents(client, scene)
    assert (listed["name"], listed["domains"]) == ("Ann Lee", ["program"])
    save(client, scene["owner"], "acme", scene["assessment"], ann["id"], PGM_STD_01_Q1=2)
    refused = _post(
        client,
        f"{scene['base']}/respondents/{ann['id']}",
        {"csrf": _csrf(edit.text), "name": "Ann Lee", "domains": ["project"]},
    )
    assert refused.status_code == 409
    assert "PGM-STD-01-Q1" in refused.text
    assert _respondents(client, scene)[0]["domains"] == ["program"]


# The workshop


def test_the_workshop_pages_name_the_respondent(client: TestClient, admin: Headers) -> None:
    scene = _scene(client, admin)
    ann, _ = new_respondent(client, scene["owner"], "acme", scene["assessment"], "Ann Lee")
    home = client.get(f"{scene['base']}/respondents/{ann['id']}/fill").text
    section = client.get(f"{scene['base']}/respondents/{ann['id']}/fill/project~standardize").text
    for page in (home, section):
        assert "answering for Ann Lee" in page


# Share links: a redirect too


def test_a_share_link_is_shown_once_after_a_redirect(client: TestClient, admin: Headers) -> None:
    scene = _scene(client, admin)
    made = _post(
        client,
        "/console/acme/share-links",
        {"csrf": scene["csrf"], "target": "overview:test-q", "expires_in_days": "7"},
    )
    assert made.status_code == 303
    first = client.get(made.headers["location"]).text
    link = re.search(r'id="share-link" readonly value="([^"]+)"', first)
    assert link and "/v1/shared/" in link.group(1)
    assert link.group(1) not in client.get("/console/acme/organization").text
    assert client.get(link.group(1)).status_code == 200


# An anonymous assessment on the console


def test_an_anonymous_assessment_shows_no_links_no_workshop_and_ratios_only(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    scene = _scene(client, admin, anonymous=True)
    invited = _post(client, f"{scene['base']}/respondents", {"csrf": scene["csrf"], "name": "Ann"})
    assert invited.status_code == 303
    assert "opm_shown_once" not in invited.headers.get("set-cookie", "")
    page = client.get(scene["base"]).text
    assert not LINK.search(page)
    (ann,) = _respondents(client, scene)
    assert f"/respondents/{ann['id']}/token" not in page
    assert f"/respondents/{ann['id']}/fill" not in page
    assert "Download links (CSV)" not in page
    assert f'href="{scene["base"]}/report"' not in page and "no report until it is closed" in page
    row = page[page.index(f'id="respondent-{ann["id"]}"') :].split("</tr>")[0]
    assert " of 6" not in row and "0%" in row  # the ratio, not the counts
    assert client.get(f"{scene['base']}/respondents/{ann['id']}/fill").status_code == 403
    assert client.get(f"{scene['base']}/respondents/{ann['id']}/token").status_code == 409
    assert client.get(f"{scene['base']}/report").status_code == 409
    with Session(engine) as session:
        row = session.exec(select(RespondentRow).where(RespondentRow.id == ann["id"])).one()
    assert row.pseudonym is not None and row.pseudonym.startswith("Respondent ")


@pytest.mark.parametrize(
    ("address", "page"),
    [
        ("/console/acme/assessments", "/console/acme"),
        ("/console/acme/organization/profile", "/console/acme/organization#profile"),
        ("/console/acme/targets/test-q", "/console/acme/organization#targets"),
        ("/console/acme/share-links", "/console/acme/organization#share-links"),
    ],
)
def test_every_address_a_form_posts_to_answers_get_with_its_page(
    client: TestClient, admin: Headers, address: str, page: str
) -> None:
    _scene(client, admin)
    response = client.get(address, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, page)


def test_invite_several_confirms_more_people_than_a_form_has_fields_by_default(
    client: TestClient, admin: Headers
) -> None:
    """400 people with two domains each: 1,200 fields, past Starlette's default of 1,000."""
    scene = _scene(client, admin)
    data: dict[str, Any] = {"csrf": scene["csrf"], "count": "400"}
    for n in range(400):
        data[f"row:{n}"] = f"{n + 1},Person {n},Analyst,p{n}@example.org"
        data[f"domains:{n}"] = ["project", "program"]
    done = _post(client, f"{scene['base']}/invite-several", data)
    assert done.status_code == 303, done.text[:300]
    counts = client.get(scene["api"], headers=scene["owner"]).json()["respondents"]
    assert counts["total"] == 400


def test_invite_several_reads_the_rows_the_form_carries_not_a_count_it_claims(
    client: TestClient, admin: Headers
) -> None:
    """A forged `count` of a billion once made a billion rows in memory before any check."""
    scene = _scene(client, admin)
    data = {"csrf": scene["csrf"], "count": "999999999", "row:0": "1,Ann,Analyst,ann@example.org"}
    done = _post(client, f"{scene['base']}/invite-several", data)
    assert done.status_code == 303, done.text[:300]
    assert client.get(scene["api"], headers=scene["owner"]).json()["respondents"]["total"] == 1
