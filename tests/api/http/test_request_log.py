"""Request logging without secrets (issue 15, item 1).

The service is started as it runs in production (`opm serve`, in a process of its own), real
requests carry every kind of secret in every place a client may put one, and what the process
wrote is searched for each of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from starlette.types import Scope

from api.core.secrets import SHOWN_PREFIX_LENGTH
from api.http.request_log import redacted_path
from api.storage.db import make_engine
from api.storage.migrate import upgrade

from ...samples import DATA
from ..databases import ADMIN_KEY
from ..live_server import OPM, Served, environment, serve_process

ANSWER_TEXT = "Only the steering committee sees this remark 7f3a"
EMAIL = "ann.secretive@example.org"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`opm serve` on a migrated SQLite file; its output is read once it has stopped."""
    url = f"sqlite:///{tmp_path}/opm.db"
    upgrade(url)
    with serve_process([OPM, "serve"], environment(url, [DATA]), capture=True) as served:
        yield served


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _use_every_secret(client: httpx.Client) -> list[str]:
    """A whole assessment, share links and mistakes, over HTTP; every secret it met."""
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    organization = _ok(client.post("/v1/organizations", json={"name": "Acme"}, headers=admin), 201)
    owner_key = organization["api_key"]
    owner = {"Authorization": f"Bearer {owner_key}"}
    base = "/v1/organizations/acme"
    reader_key = _ok(
        client.post(f"{base}/keys", json={"name": "bi", "role": "reader"}, headers=owner), 201
    )["api_key"]
    assessment = _ok(
        client.post(
            f"{base}/assessments",
            json={"questionnaire_key": "test-q", "questionnaire_version": "1.0.0", "title": "Q1"},
            headers=owner,
        ),
        201,
    )["id"]
    respondent = _ok(
        client.post(
            f"{base}/assessments/{assessment}/respondents",
            json={"name": "Ann", "email": EMAIL},
            headers=owner,
        ),
        201,
    )
    token = respondent["token"]
    answers = f"{base}/assessments/{assessment}/respondents/{respondent['id']}/answers"
    _ok(
        client.patch(
            answers,
            json={
                "answers": [{"question_id": "PRJ-STD-01-Q1", "value": 3, "comment": ANSWER_TEXT}]
            },
            headers={"Authorization": f"Bearer {token}"},
        )
    )
    _ok(client.post(f"{base}/assessments/{assessment}/close", headers=owner))
    link = _ok(
        client.post(
            f"{base}/share-links",
            json={"assessment_id": assessment, "expires_in_days": 7},
            headers=owner,
        ),
        201,
    )["url"]
    share_token = link.rsplit("/", 1)[1]
    shared = f"/v1/shared/{share_token}"
    assert client.get(shared).status_code == 200
    assert client.get(f"{shared}?again={share_token}").status_code == 200
    assert client.get(f"{shared}/assessments/{assessment}").status_code == 404
    assert client.get(f"{shared}/not/a/route").status_code == 404
    assert client.post(shared).status_code == 405
    assert client.get(f"/v1/{owner_key}").status_code == 404
    assert client.get("/v1/me", params={"key": ADMIN_KEY, reader_key: ""}).status_code == 401
    wrong = {"Authorization": f"Bearer {token}x"}
    assert client.get(f"{base}/assessments/{assessment}", headers=wrong).status_code == 401
    _ok(client.get(f"{base}/assessments/{assessment}/report", headers=owner))
    return [ADMIN_KEY, owner_key, reader_key, token, share_token, ANSWER_TEXT, EMAIL]


def test_the_log_names_every_request_and_no_secret(
    served: Served,
) -> None:
    with httpx.Client(base_url=served.url, timeout=30) as client:
        secrets = _use_every_secret(client)
    output = served.stop()
    for secret in secrets:
        assert secret not in output
        # nor any more of it than the prefix that people see in lists
        assert secret[SHOWN_PREFIX_LENGTH : SHOWN_PREFIX_LENGTH + 10] not in output
    print(output)
    lines = [line for line in output.splitlines() if " request id=" in line]
    assert len(lines) >= 15, output
    shared = [line for line in lines if "route=/v1/shared/{token} " in line]
    assert len(shared) == 3, output
    assert all(re.search(r" path=/v1/shared/opms_[\w-]{7}\.\.\.[ ?]", line) for line in shared)
    assert any(" method=POST " in line and " status=405 " in line for line in shared)
    assert all(re.search(r" id=[0-9a-f]{32} .* duration_ms=\d+\.\d$", line) for line in lines)
    assert 'HTTP/1.1"' not in output, "uvicorn's access log is on"


def _scope(path: str, query: str = "", **path_params: str) -> Scope:
    return {
        "type": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "path_params": path_params,
    }


@pytest.mark.parametrize(
    ("scope", "logged"),
    [
        (_scope("/v1/shared/abc", token="abc"), "/v1/shared/abc..."),
        (_scope("/v1/shared/opms_0123456789abcdef"), "/v1/shared/opms_0123456..."),
        (_scope("/v1/organizations/acme/keys/key_0123"), "/v1/organizations/acme/keys/key_0123"),
        (
            _scope("/v1/x", "cursor=abc&key=opmk_0123456789&limit=5"),
            "/v1/x?cursor=abc&key=opmk_0123456...&limit=5",
        ),
        (_scope("/v1/x", "opmr_0123456789"), "/v1/x?opmr_0123456...="),
        (_scope("/v1/x/" + "a" * 40), "/v1/x/aaaaaaaaaaaa..."),
    ],
)
def test_a_secret_in_a_path_or_query_is_cut_to_its_prefix(scope: Scope, logged: str) -> None:
    assert redacted_path(scope) == logged


def test_database_errors_never_quote_bind_parameters(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/opm.db")
    try:
        with pytest.raises(OperationalError) as failed, engine.connect() as connection:
            connection.execute(text("SELECT * FROM missing WHERE x = :p"), {"p": ANSWER_TEXT})
    finally:
        engine.dispose()
    assert ANSWER_TEXT not in str(failed.value)
    assert "hidden" in str(failed.value)
