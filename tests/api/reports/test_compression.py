"""gzip on the wire (`api.http.compression`): the report in every format and the export when the
client accepts it, with an ETag of their own and `Vary: Accept-Encoding`; never a page that
carries a CSRF token."""

from __future__ import annotations

import gzip
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from api.core.enums import ReportFormat
from api.http.compression import accepts_gzip
from api.http.report_responses import ReportVariant

from ..factories import Headers, scored_assessment

GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}
SAME_SITE = {"origin": "http://testserver"}


def raw(
    client: TestClient, path: str, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the bytes as they crossed the wire (not decoded)."""
    with client.stream("GET", path, headers=headers) as response:
        return response.status_code, dict(response.headers), b"".join(response.iter_raw())


@pytest.mark.parametrize("fmt", ["json", "html", "csv", "xlsx"])
def test_a_closed_report_is_gzipped_for_a_client_that_accepts_it(
    client: TestClient, admin: Headers, fmt: str
) -> None:
    scored = scored_assessment(client, admin)
    path = f"{scored['path']}/report?format={fmt}"
    status, plain_headers, plain = raw(client, path, {**scored["owner"], **IDENTITY})
    assert status == 200 and "content-encoding" not in plain_headers
    status, headers, packed = raw(client, path, {**scored["owner"], **GZIP})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in headers["vary"] and "Accept-Encoding" in plain_headers["vary"]
    assert gzip.decompress(packed) == plain
    # Its own strong ETag: the hash of the bytes sent.
    assert headers["etag"] == f'"{hashlib.sha256(packed).hexdigest()}"' != plain_headers["etag"]
    again = client.get(path, headers={**scored["owner"], **GZIP, "If-None-Match": headers["etag"]})
    assert again.status_code == 304
    assert "content-encoding" not in again.headers
    # The identity ETag does not name the gzipped bytes.
    other = client.get(
        path, headers={**scored["owner"], **GZIP, "If-None-Match": plain_headers["etag"]}
    )
    assert other.status_code == 200


def test_a_refused_gzip_is_not_sent(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin)
    _, headers, _ = raw(
        client, f"{scored['path']}/report", {**scored["owner"], "Accept-Encoding": "gzip;q=0, br"}
    )
    assert "content-encoding" not in headers


def test_an_open_report_and_the_export_are_gzipped_too(client: TestClient, admin: Headers) -> None:
    scored = scored_assessment(client, admin, closed=False)
    for path in (f"{scored['path']}/report", f"{scored['path']}/export"):
        _, _, plain = raw(client, path, {**scored["owner"], **IDENTITY})
        status, headers, packed = raw(client, path, {**scored["owner"], **GZIP})
        assert status == 200
        assert headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in headers["vary"]
        decoded = gzip.decompress(packed)
        if path.endswith("/report"):
            assert decoded == plain
        else:  # an export carries the time it was made
            assert re.sub(rb'"exported_at": "[^"]+"', b"", decoded) == re.sub(
                rb'"exported_at": "[^"]+"', b"", plain
            )


def test_the_shared_and_console_report_pages_are_gzipped(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin)
    link = client.post(
        f"/v1/organizations/{scored['slug']}/share-links",
        json={"assessment_id": scored["assessment"], "expires_in_days": 7},
        headers=scored["owner"],
    ).json()
    _, shared, _ = raw(client, link["url"], GZIP)
    assert shared["content-encoding"] == "gzip"
    secret = scored["owner"]["Authorization"].split()[1]
    assert client.post("/console/sign-in", data={"key": secret}, headers=SAME_SITE).is_success
    console = f"/console/{scored['slug']}/assessments/{scored['assessment']}"
    _, page, _ = raw(client, f"{console}/report", GZIP)
    assert page["content-encoding"] == "gzip"


def test_pages_that_carry_a_csrf_token_are_never_gzipped(
    client: TestClient, admin: Headers
) -> None:
    scored = scored_assessment(client, admin)
    secret = scored["owner"]["Authorization"].split()[1]
    assert client.post("/console/sign-in", data={"key": secret}, headers=SAME_SITE).is_success
    console = f"/console/{scored['slug']}"
    for path in (f"{console}/assessments/{scored['assessment']}", f"{console}/organization"):
        status, headers, body = raw(client, path, GZIP)
        assert status == 200
        assert b'name="csrf"' in body
        assert "content-encoding" not in headers


def test_accept_encoding_is_read_with_its_weights() -> None:
    assert accepts_gzip("gzip, deflate, br")
    assert accepts_gzip("br;q=1.0, gzip;q=0.5")
    assert accepts_gzip("x-gzip")
    assert accepts_gzip("*")
    assert not accepts_gzip("gzip;q=0")
    assert not accepts_gzip("*, gzip;q=0")
    assert not accepts_gzip("identity")
    assert not accepts_gzip(None)


def test_a_gzipped_variant_is_kept_apart_and_keeps_what_else_it_is() -> None:
    shared = ReportVariant(ReportFormat.HTML, shared=True)
    packed = shared.for_encoding("gzip, br")
    assert (packed.shared, packed.gzip) == (True, True)
    assert packed.cache_key != shared.cache_key
    assert packed.identity == shared
    assert not ReportVariant(ReportFormat.CSV).for_encoding("identity").gzip
