"""A closed assessment's report is made once per format and served with a strong ETag.

`api.http.report_responses`: the bytes never change once closed, so they are kept (bounded) and
`If-None-Match` answers 304. Nothing a client sees may differ from a report made afresh.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from api.app import create_app
from api.core.config import Settings
from api.core.enums import AssessmentStatus
from api.http.report_responses import Artifact, ClosedReports, etag_matches
from api.schemas import CloseContext, OrganizationProfile, OrganizationSummary
from api.services import reports
from api.storage.tables import AssessmentRow, OrganizationRow

from ..factories import Headers, new_share_link, scored_assessment

FORMATS = ("json", "html", "csv", "xlsx")
ORGANIZATION_AT_CLOSE = OrganizationSummary(
    id="org_1", slug="acme", name="Acme", profile=OrganizationProfile()
)


def report(client: TestClient, scored: dict[str, Any], fmt: str, **headers: str) -> Any:
    return client.get(
        f"{scored['path']}/report", params={"format": fmt}, headers={**scored["owner"], **headers}
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_closed_report_carries_the_hash_of_its_bytes_as_a_strong_etag(
    client: TestClient, admin: Headers, fmt: str
) -> None:
    scored = scored_assessment(client, admin)
    identity = {"Accept-Encoding": "identity"}  # the gzipped bytes have an ETag of their own
    first, second = report(client, scored, fmt, **identity), report(client, scored, fmt, **identity)
    assert first.status_code == second.status_code == 200
    assert "content-encoding" not in first.headers
    assert first.content == second.content
    assert first.headers["etag"] == f'"{hashlib.sha256(first.content).hexdigest()}"'
    assert second.headers["etag"] == first.headers["etag"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_client_holding_a_closed_report_gets_304_without_a_body(
    client: TestClient, admin: Headers, fmt: str
) -> None:
    scored = scored_assessment(client, admin)
    etag = report(client, scored, fmt).headers["etag"]
    again = report(client, scored, fmt, **{"If-None-Match": f'"other", W/{etag}'})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["vary"] == "Accept, Accept-Encoding"
    assert again.headers["cache-control"] == "no-store"
    assert report(client, scored, fmt, **{"If-None-Match": '"other"'}).status_code == 200


def test_an_open_report_is_live_and_has_no_etag(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin, closed=False)
    response = report(client, scored, "json", **{"If-None-Match": "*"})
    assert response.status_code == 200
    assert "etag" not in response.headers
    assert response.json()["provisional"] is True


def test_a_new_process_serves_the_same_closed_report_bytes(
    client: TestClient, admin: Headers, settings: Settings
) -> None:
    scored = scored_assessment(client, admin)
    kept = {fmt: report(client, scored, fmt) for fmt in FORMATS}
    with TestClient(create_app(settings)) as fresh:
        for fmt in FORMATS:
            made = report(fresh, scored, fmt)
            assert made.content == kept[fmt].content
            assert made.headers["etag"] == kept[fmt].headers["etag"]


def test_a_close_without_the_organization_shows_todays_name_after_a_rename(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    scored = scored_assessment(client, admin)
    with engine.begin() as connection:  # as an older close stored it: no organization
        connection.execute(
            text("UPDATE assessment SET close_context = :context WHERE id = :id"),
            {"context": '{"baseline":null,"targets":null}', "id": scored["assessment"]},
        )
    assert report(client, scored, "json").json()["organization"]["name"] == "Acme Énergie"
    renamed = client.patch(
        f"/v1/organizations/{scored['slug']}", json={"name": "Acme Two"}, headers=admin
    )
    assert renamed.status_code == 200, renamed.text
    assert report(client, scored, "json").json()["organization"]["name"] == "Acme Two"
    assert "Acme Two" in report(client, scored, "html").text


def closed_assessment(number: int) -> AssessmentRow:
    return AssessmentRow(
        id=f"asm_{number}",
        organization_id="org_1",
        questionnaire_key="q",
        questionnaire_version="1.0.0",
        title="t",
        status=AssessmentStatus.CLOSED,
        scope=["project"],
        score_card=f'{{"card": {number}}}',
        close_context=CloseContext(organization=ORGANIZATION_AT_CLOSE),
    )


def test_the_kept_reports_stay_within_their_byte_budget_dropping_the_least_recently_used() -> None:
    reports = ClosedReports(max_bytes=250)
    organization = OrganizationRow(
        id="org_1", slug="acme", name="Acme", profile=OrganizationProfile()
    )
    made: list[int] = []

    def get(number: int) -> Artifact:
        def make() -> bytes:
            made.append(number)
            return bytes(100)

        return reports.report(
            assessment=closed_assessment(number), organization=organization, variant="json",
            make=make,
        )  # fmt: skip

    get(1), get(2), get(1), get(3)  # 3 pushes out 2, the least recently used
    assert made == [1, 2, 3]
    get(1), get(2)
    assert made == [1, 2, 3, 2]


def test_if_none_match_is_compared_weakly_and_star_matches_any() -> None:
    assert etag_matches('W/"a", "b"', '"a"')
    assert etag_matches("*", '"a"')
    assert not etag_matches('"ab"', '"a"')
    assert not etag_matches(None, '"a"')


def test_the_shared_page_and_the_consoles_reports_are_served_from_the_same_cache(
    client: TestClient, admin: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each closed report is made once per format and page kind, whichever face asks first."""
    scored = scored_assessment(client, admin)
    link = new_share_link(
        client, scored["owner"], scored["slug"], assessment_id=scored["assessment"]
    )
    made: list[str] = []
    build = reports.build_report
    monkeypatch.setattr(
        reports, "build_report", lambda **kw: made.append(kw["assessment"].id) or build(**kw)
    )
    shared = [client.get(link["url"]) for _ in range(2)]
    assert [page.status_code for page in shared] == [200, 200]
    assert shared[0].content == shared[1].content and shared[0].headers["etag"]
    client.post(
        "/console/sign-in",
        data={"key": scored["owner"]["Authorization"].removeprefix("Bearer ")},
        headers={"Origin": "http://testserver"},
    )
    console = f"/console/{scored['slug']}/assessments/{scored['assessment']}"
    page, csv = client.get(f"{console}/report"), client.get(f"{console}/report.csv")
    assert (page.status_code, csv.status_code) == (200, 200)
    # The console's page is the API's page with its link back to the console, and its own
    # route to the PDF.
    back = re.search(r'<nav class="back screen-only" aria-label="Console">.*?</nav>', page.text)
    assert back is not None and f'href="../{scored["assessment"]}"' in back.group(0)
    assert page.text.replace(back.group(0), "").replace(
        'href="report.pdf"', 'href="?format=pdf"'
    ) == (report(client, scored, "html").text)
    assert csv.content == report(client, scored, "csv").content
    assert client.get(f"{console}/report").headers["etag"] == page.headers["etag"]
    assert len(made) == 4  # the shared page, the console's page, the API's, the CSV: once each
