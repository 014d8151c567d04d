"""Forwarded headers are believed from `OPM_TRUSTED_PROXIES` only (issue 27, findings 1 and 2).

`opm serve` is served for real (uvicorn, as in production) and asked from 127.0.0.1 with forged
`X-Forwarded-For` and `X-Forwarded-Proto`: uvicorn's own proxy-header reading would believe
them from loopback whatever the settings say. The `Secure` flag of session cookies follows the
trusted proxy's `X-Forwarded-Proto` or an https `OPM_PUBLIC_URL`, also for a proxy that is
not on loopback (the Docker set-up), which a test client placed at 10.0.0.5 stands for.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from ipaddress import ip_network
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.core.config import Settings

from ..databases import ADMIN_KEY
from ..factories import bearer, new_assessment, new_organization, new_share_link
from ..live_server import OPM, environment, serve_process

FAILURE_LIMIT = Settings.model_fields["auth_failure_limit"].default  # 20
PROXY = ("10.0.0.5", 40000)  # a reverse proxy in a container network, not on loopback
HTTPS = {"X-Forwarded-Proto": "https"}


@contextmanager
def opm_serve(settings: Settings, **more: str) -> Iterator[httpx.Client]:
    env = environment(settings.database_url, settings.questionnaire_dirs, **more)
    with (
        serve_process([OPM, "serve"], env) as served,
        httpx.Client(base_url=served.url, timeout=20) as client,
    ):
        yield client


def forged_failures(client: httpx.Client, count: int) -> list[int]:
    """`count` wrong keys, each from a different forwarded address."""
    return [
        client.get(
            "/v1/me",
            headers={"Authorization": f"Bearer bad{n}", "X-Forwarded-For": f"10.1.{n}.1"},
        ).status_code
        for n in range(count)
    ]


def test_forged_x_forwarded_for_from_loopback_does_not_evade_the_throttle(
    settings: Settings,
) -> None:
    with opm_serve(settings, OPM_TRUSTED_PROXIES="") as client:
        codes = forged_failures(client, FAILURE_LIMIT + 1)
    assert codes == [401] * FAILURE_LIMIT + [429]


def test_forged_x_forwarded_proto_from_loopback_does_not_switch_links_to_https(
    settings: Settings,
) -> None:
    with opm_serve(settings, OPM_TRUSTED_PROXIES="") as client:
        org, owner = new_organization(client, bearer(ADMIN_KEY))
        link = client.post(
            f"/v1/organizations/{org['slug']}/share-links",
            json={"questionnaire_key": "test-q", "expires_in_days": 7},
            headers=owner | HTTPS,
        )
    assert link.status_code == 201, link.text
    assert link.json()["url"].startswith("http://127.0.0.1:")


def test_a_trusted_proxys_forwarded_headers_are_believed(settings: Settings) -> None:
    with opm_serve(settings, OPM_TRUSTED_PROXIES="127.0.0.1") as client:
        codes = forged_failures(client, FAILURE_LIMIT + 5)
        org, owner = new_organization(client, bearer(ADMIN_KEY))
        link = new_share_link(client, owner | HTTPS, org["slug"], questionnaire_key="test-q")
        signed_in = client.post(
            "/console/sign-in",
            data={"key": "opmk_wrong"},
            headers={"X-Forwarded-For": "198.51.100.9"},
        )
        audit = client.get(
            "/v1/audit",
            params={"action": "page_session.sign_in_failed"},
            headers=bearer(ADMIN_KEY),
        )
    assert codes == [401] * (FAILURE_LIMIT + 5)  # each from an address of its own
    assert link["url"].startswith("https://127.0.0.1:")
    assert signed_in.status_code == 401
    assert [entry["address"] for entry in audit.json()["items"]] == ["198.51.100.9"]


def test_the_server_names_no_software(settings: Settings) -> None:
    with opm_serve(settings) as client:
        response = client.get("/v1/health")
    assert "server" not in response.headers


def _cookie_of_a_sign_in(settings: Settings, headers: dict[str, str], **update: Any) -> str:
    app = create_app(settings.model_copy(update=update))
    with TestClient(app, raise_server_exceptions=False, client=PROXY) as client:
        response = client.post(
            "/console/sign-in",
            data={"key": ADMIN_KEY},
            headers=headers,
            follow_redirects=False,
        )
    assert response.status_code == 303, response.text
    cookie: str = response.headers["set-cookie"]
    return cookie


@pytest.mark.parametrize(
    ("update", "headers", "secure"),
    [
        ({"trusted_proxies": [ip_network("10.0.0.0/8")]}, HTTPS, True),
        ({"trusted_proxies": []}, HTTPS, False),
        ({"trusted_proxies": [ip_network("10.0.0.0/8")]}, {"X-Forwarded-Proto": "http"}, False),
        ({"public_url": "https://opm.example.org"}, {}, True),
        ({"public_url": "http://opm.example.org"}, {}, False),
    ],
    ids=[
        "trusted-proxy-https",
        "untrusted-proxy-https",
        "trusted-proxy-http",
        "public-url-https",
        "public-url-http",
    ],
)
def test_session_cookies_are_secure_behind_a_tls_proxy_or_an_https_public_url(
    settings: Settings, update: dict[str, Any], headers: dict[str, str], secure: bool
) -> None:
    cookie = _cookie_of_a_sign_in(settings, headers, **update)
    assert ("Secure" in cookie) is secure, cookie


def test_a_trusted_proxys_https_origin_is_this_sites_own(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"trusted_proxies": [ip_network("10.0.0.0/8")]}))
    with TestClient(app, raise_server_exceptions=False, client=PROXY) as client:
        response = client.post(
            "/console/sign-in",
            data={"key": ADMIN_KEY},
            headers=HTTPS | {"Origin": "https://testserver"},
            follow_redirects=False,
        )
    assert response.status_code == 303, response.text


def test_a_share_link_follows_a_trusted_proxys_scheme(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"trusted_proxies": [ip_network("10.0.0.0/8")]}))
    with TestClient(app, raise_server_exceptions=False, client=PROXY) as client:
        org, owner = new_organization(client, bearer(ADMIN_KEY))
        assessment = new_assessment(client, owner, org["slug"])["id"]
        link = new_share_link(client, owner | HTTPS, org["slug"], assessment_id=assessment)
    assert link["url"].startswith("https://testserver/v1/shared/")
