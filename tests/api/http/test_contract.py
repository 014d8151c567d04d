"""The OpenAPI contract, checked by schemathesis against a served instance (issue 14, item 8).

Every operation of the document gets generated requests, valid and not, sent with the admin
key and with an owner key, its path parameters pointing at real resources (unknown ids are
the isolation walk's business). No answer may be a server error, nor a status code, content
type or body that the document does not declare, nor one without a header it declares
required. Bounded: a few examples per operation (under a minute in all), no shrinking.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.core.config import Settings

from ...samples import DATA
from ..databases import ADMIN_KEY
from ..factories import (
    Headers,
    bearer,
    close,
    created,
    new_assessment,
    new_organization,
    new_respondent,
    new_share_link,
    save,
)
from ..live_server import serve

EXAMPLES = 8  # per operation; each is sent twice (admin, owner)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,  # the declared headers are there (X-Request-ID, ETag, ...)
]
DOCUMENT = create_app(Settings(database_url="sqlite://", admin_key=ADMIN_KEY)).openapi()
schema = schemathesis.openapi.from_dict(DOCUMENT)


@dataclass(frozen=True)
class Live:
    base: str
    owner: Headers
    path_values: dict[str, str]
    session: requests.Session  # one connection for all the calls


@pytest.fixture(scope="module")
def live(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    path = tmp_path_factory.mktemp("contract") / "opm.db"
    shutil.copyfile(sqlite_template, path)
    served = Settings(
        database_url=f"sqlite:///{path}", admin_key=ADMIN_KEY, questionnaire_dirs=[DATA]
    )
    # The factories take a TestClient; an httpx client to the served app is the same to them.
    with serve(served) as base:
        with httpx.Client(base_url=base, timeout=30) as client:
            admin = bearer(ADMIN_KEY)
            org, owner = new_organization(client, admin, "Contract", slug="contract")
            spare = created(
                client.post(
                    "/v1/organizations/contract/keys",
                    json={"name": "s", "role": "reader"},
                    headers=owner,
                )
            )
            closed = new_assessment(client, owner, "contract", title="closed")["id"]
            someone, _ = new_respondent(client, owner, "contract", closed)
            assert save(
                client, owner, "contract", closed, someone["id"], PRJ_STD_01_Q1=3
            ).is_success
            close(client, owner, "contract", closed)
            assessment = new_assessment(client, owner, "contract", title="open")["id"]
            respondent, _ = new_respondent(client, owner, "contract", assessment)
            link = new_share_link(client, owner, "contract", questionnaire_key="test-q")
        with requests.Session() as session:
            yield Live(
                session=session,
                base=base,
                owner=owner,
                path_values={
                    "org": org["slug"],
                    "key_id": spare["id"],
                    "a": assessment,
                    "r": respondent["id"],
                    "link_id": link["id"],
                    "token": link["url"].rsplit("/", 1)[1],
                    "assessment_id": closed,
                    "questionnaire_key": "test-q",
                    "key": "test-q",
                    "version": "1.0.0",
                },
            )


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_is_one_the_document_declares(case: schemathesis.Case, live: Live) -> None:
    case.path_parameters = {
        name: live.path_values.get(name, value)
        for name, value in (case.path_parameters or {}).items()
    }
    for headers in (bearer(ADMIN_KEY), live.owner):
        response = case.call(base_url=live.base, headers=headers, session=live.session)
        case.validate_response(response, checks=CHECKS)


def test_the_document_declares_the_bearer_scheme_and_the_problems() -> None:
    assert DOCUMENT["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key or a respondent token.",
    }
    report = DOCUMENT["paths"]["/v1/organizations/{org}/assessments/{a}/report"]["get"]
    assert report["security"] == [{"HTTPBearer": []}]
    for status in ("401", "403", "404", "429", "503"):
        content = report["responses"][status]["content"]
        assert content == {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        }
    answers = DOCUMENT["paths"]["/v1/organizations/{org}/assessments/{a}/respondents/{r}/answers"]
    assert {"400", "409", "413", "422"} <= set(answers["patch"]["responses"])
    assert "security" not in DOCUMENT["paths"]["/v1/health"]["get"]
    assert "HTTPValidationError" not in DOCUMENT["components"]["schemas"]
