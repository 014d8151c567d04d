"""Isolation: every endpoint walked with every kind of principal that must not use it.

The walk is generated from the application's own routes, so that a new endpoint is walked
the day it appears: an endpoint whose path parameter, required query parameter or request
body the walk does not know how to fill fails loudly (teach the tables below), it is never
skipped. The answers and their order are those of `api.md` ("Who gets which answer"):
401 (no, unknown or revoked secret), then 404 (another organization's, or an id that does not
belong to its parent), then 403 (visible but not allowed), and only then the body's 400/422.

One organization A is fully set up (keys of every role, a revoked key, an open assessment with
two respondents, two closed assessments, targets, a share link when that endpoint exists),
and a second organization B, once per module and engine; the walk itself never changes it.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.app import create_app
from api.core.config import Settings
from api.pages import is_page_path

from ...samples import DATA
from ..databases import ADMIN_KEY, ENGINES, empty_postgres
from ..factories import (
    Headers,
    bearer,
    created,
    new_assessment,
    new_organization,
    new_respondent,
    save,
)

ORG_PREFIX = "/v1/organizations/{org}"
ADMIN_ONLY = frozenset({"/v1/organizations", "/v1/audit"})
ANSWERS = ORG_PREFIX + "/assessments/{a}/respondents/{r}/answers"
SUBMIT = ORG_PREFIX + "/assessments/{a}/respondents/{r}/submit"
QUESTIONNAIRE = ORG_PREFIX + "/assessments/{a}/questionnaire"
# What a respondent token may do: its own respondent's paths, its assessment's questionnaire.
RESPONDENT_OWN = frozenset(
    {("GET", ANSWERS), ("PATCH", ANSWERS), ("POST", SUBMIT), ("GET", QUESTIONNAIRE)}
)
ID_PARAMS = ("a", "r", "key_id", "share_link")  # ids that must belong to their parent
# Path segments of what only an owner key (or an admin) may use, reading included.
OWNER_ONLY = frozenset({"keys", "audit"})


def _is_public(path: str) -> bool:
    """No secret needed: health and share-link pages (the token is in the path)."""
    return path == "/v1/health" or path == "/v1/shared" or path.startswith("/v1/shared/")


# The endpoints, from the application's routes


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # the template, e.g. /v1/organizations/{org}/assessments/{a}
    has_body: bool
    required_query: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(re.findall(r"{(\w+)(?::[^}]*)?}", self.path))

    @property
    def area(self) -> str:
        if is_page_path(self.path):
            return "page"
        if _is_public(self.path):
            return "public"
        if self.path in ADMIN_ONLY:
            return "admin"
        if self.path == ORG_PREFIX or self.path.startswith(ORG_PREFIX + "/"):
            return "organization"
        return "any principal"

    @property
    def action(self) -> str:
        """What an organization key needs: `manage_keys`, `read` or `write` (`api.md`)."""
        if OWNER_ONLY & set(self.path.split("/")):
            return "manage_keys"
        return "read" if self.method == "GET" else "write"


def _api_routes(app: FastAPI) -> Iterator[Any]:
    """Every APIRoute of the app, with its full path (included routers flattened)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before included routers were kept lazily
        yield from (route for route in app.routes if isinstance(route, APIRoute))
        return
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            yield context


def _required_query(dependant: Any) -> set[str]:
    names = {field.alias for field in dependant.query_params if field.field_info.is_required()}
    for sub in dependant.dependencies:
        names |= _required_query(sub)
    return names


def discover(app: FastAPI) -> list[Endpoint]:
    found = {
        Endpoint(
            method=method,
            path=route.path,
            has_body=route.body_field is not None,
            required_query=tuple(sorted(_required_query(route.dependant))),
        )
        for route in _api_routes(app)
        for method in route.methods
        if method != "HEAD"
    }
    return sorted(found, key=lambda e: (e.path, e.method))


APP = create_app(Settings(database_url="sqlite://", admin_key=ADMIN_KEY))
ENDPOINTS = discover(APP)
WALKED = [e for e in ENDPOINTS if e.area not in ("public", "page")]
PAGES = [e for e in ENDPOINTS if e.area == "page"]
ORGANIZATION_ENDPOINTS = [e for e in ENDPOINTS if e.area == "organization"]


# The world: organization A fully set up, and organization B


@dataclass
class World:
    client: TestClient
    org: dict[str, Any]  # A
    owner: Headers
    editor: Headers
    reader: Headers
    revoked: Headers
    respondent_token: Headers  # of `respondent`, in A's open assessment
    sibling_token: Headers  # another respondent of the same assessment
    other_org: dict[str, Any]  # B
    other_owner: Headers
    other_respondent_token: Headers  # a respondent of B's assessment
    ids: dict[str, str]  # A's ids by path parameter, plus the closed assessments
    foreign: dict[str, str]  # ids that do not belong under A's ids (B's, or A's elsewhere)


def _key(client: TestClient, owner: Headers, org: str, role: str) -> tuple[str, Headers]:
    body = created(
        client.post(
            f"/v1/organizations/{org}/keys", json={"name": role, "role": role}, headers=owner
        )
    )
    return body["id"], bearer(body["api_key"])


def _closed(client: TestClient, owner: Headers, org: str, title: str) -> tuple[str, Headers]:
    """A closed assessment of `org`, and the token of its one respondent."""
    assessment = new_assessment(client, owner, org, title=title)["id"]
    respondent, token = new_respondent(client, owner, org, assessment)
    assert save(client, token, org, assessment, respondent["id"], PRJ_STD_01_Q1=3).is_success
    created(
        client.post(f"/v1/organizations/{org}/assessments/{assessment}/close", headers=owner), 200
    )
    return assessment, token


def _share_link(client: TestClient, owner: Headers, org: str, assessment: str) -> str | None:
    if Endpoint("POST", ORG_PREFIX + "/share-links", True, ()) not in ENDPOINTS:
        return None
    body = {"assessment_id": assessment, "expires_in_days": 7}
    link: str = created(
        client.post(f"/v1/organizations/{org}/share-links", json=body, headers=owner)
    )["id"]
    return link


def build_world(client: TestClient, admin: Headers) -> World:
    org, owner = new_organization(client, admin, "Alpha Isolation", slug="alpha")
    other, other_owner = new_organization(client, admin, "Beta Isolation", slug="beta")
    a_id = org["id"]
    _, editor = _key(client, owner, a_id, "editor")
    _, reader = _key(client, owner, a_id, "reader")
    spare_key, _ = _key(client, owner, a_id, "reader")
    revoked_id, revoked = _key(client, owner, a_id, "editor")
    assert (
        client.delete(f"/v1/organizations/{a_id}/keys/{revoked_id}", headers=owner).status_code
        == 204
    )
    created(
        client.put(
            f"/v1/organizations/{a_id}/targets/test-q",
            json={"domains": {"project": 2}},
            headers=owner,
        ),
        200,
    )

    closed_1, closed_token = _closed(client, owner, a_id, "2025")
    closed_2, _ = _closed(client, owner, a_id, "2026-Q1")
    closed_respondent = client.get("/v1/me", headers=closed_token).json()["respondent"]
    assessment = new_assessment(client, owner, a_id, title="2026-Q2")["id"]
    respondent, respondent_token = new_respondent(client, owner, a_id, assessment, "Ann")
    _, sibling_token = new_respondent(client, owner, a_id, assessment, "Bob")
    assert save(
        client, respondent_token, a_id, assessment, respondent["id"], PRJ_STD_01_Q2=2
    ).is_success

    b_assessment = new_assessment(client, other_owner, other["id"])["id"]
    _, b_token = new_respondent(client, other_owner, other["id"], b_assessment)
    b_key, _ = _key(client, other_owner, other["id"], "reader")

    ids = {
        "a": assessment,
        "r": respondent["id"],
        "key_id": spare_key,
        "closed_1": closed_1,
        "closed_2": closed_2,
    }
    foreign = {"a": b_assessment, "r": closed_respondent, "key_id": b_key}
    link = _share_link(client, owner, a_id, assessment)
    if link is not None:
        ids["share_link"] = link
        b_link = _share_link(client, other_owner, other["id"], b_assessment)
        assert b_link is not None
        foreign["share_link"] = b_link
    return World(
        client=client,
        org=org,
        owner=owner,
        editor=editor,
        reader=reader,
        revoked=revoked,
        respondent_token=respondent_token,
        sibling_token=sibling_token,
        other_org=other,
        other_owner=other_owner,
        other_respondent_token=b_token,
        ids=ids,
        foreign=foreign,
    )


@pytest.fixture(scope="module", params=ENGINES)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """The set-up above, once per engine for the whole module (the walk changes nothing)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("isolation") / "opm.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_migrated")
    # The walk presents a revoked key hundreds of times from one address: not an attack.
    settings = Settings(
        database_url=url,
        admin_key=ADMIN_KEY,
        questionnaire_dirs=[DATA],
        allowed_hosts=["testserver"],
        auth_failure_limit=10**6,
    )
    try:
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            yield build_world(client, bearer(ADMIN_KEY))
    finally:
        if request.param == "postgresql":
            empty_postgres(url)


# Filling an endpoint: path parameters, required query parameters, a valid body


class CannotFill(Exception):
    """The walk does not know how to fill a part of an endpoint: teach the tables here."""


def _param_name(endpoint: Endpoint, param: str) -> str:
    """The walk's name for a path parameter: `share_link` for the one after share-links/."""
    segments = endpoint.path.split("/")
    index = segments.index("{" + param + "}") if "{" + param + "}" in segments else -1
    if index > 0 and segments[index - 1] == "share-links":
        return "share_link"
    return param


STATIC_PATH_VALUES = {
    "questionnaire_key": "test-q",
    "key": "test-q",
    "version": "1.0.0",
    "question_id": "PRJ-STD-01-Q1",
}


def path_values(
    world: World, endpoint: Endpoint, *, org: str, replace: dict[str, str] | None = None
) -> dict[str, str]:
    values: dict[str, str] = {}
    for param in endpoint.params:
        name = _param_name(endpoint, param)
        if replace and name in replace:
            values[param] = replace[name]
        elif name == "org":
            values[param] = org
        elif name in world.ids:
            values[param] = world.ids[name]
        elif name in STATIC_PATH_VALUES:
            values[param] = STATIC_PATH_VALUES[name]
        else:
            raise CannotFill(
                f"{endpoint}: the isolation walk does not know how to fill the path parameter "
                f"{{{param}}}; teach tests/test_isolation.py (build_world and path_values) "
                "which real id of organization A it takes"
            )
    return values


def query_values(world: World, endpoint: Endpoint) -> dict[str, str]:
    known = {
        "questionnaire": "test-q",
        "base": world.ids["closed_1"],
        "target": world.ids["closed_2"],
    }
    unknown = [name for name in endpoint.required_query if name not in known]
    if unknown:
        raise CannotFill(
            f"{endpoint}: the isolation walk does not know how to fill the required query "
            f"parameter(s) {unknown}; teach tests/test_isolation.py (query_values)"
        )
    return {name: known[name] for name in endpoint.required_query}


VALID_BODIES: dict[tuple[str, str], Callable[[World], Any]] = {
    ("POST", "/v1/organizations"): lambda w: {"name": "Gamma"},
    ("PATCH", ORG_PREFIX): lambda w: {"name": "Renamed"},
    ("POST", ORG_PREFIX + "/keys"): lambda w: {"name": "k", "role": "reader"},
    ("POST", ORG_PREFIX + "/assessments"): lambda w: {"questionnaire_key": "test-q", "title": "t"},
    ("POST", ORG_PREFIX + "/assessments/{a}/respondents"): lambda w: {"name": "Cid"},
    ("PATCH", ANSWERS): lambda w: {"answers": [{"question_id": "PRJ-STD-01-Q1", "value": 2}]},
    ("PATCH", ORG_PREFIX + "/assessments/{a}"): lambda w: {"message": "Answer by Friday."},
    ("POST", ORG_PREFIX + "/assessments/{a}/respondents/bulk"): lambda w: {
        "respondents": [{"name": "Dee", "role": "Project manager"}]
    },
    ("PATCH", ORG_PREFIX + "/assessments/{a}/respondents/{r}"): lambda w: {"role": "Sponsor"},
    ("PUT", ORG_PREFIX + "/targets/{questionnaire_key}"): lambda w: {"domains": {"project": 2}},
    ("PUT", ORG_PREFIX + "/assessments/{a}/consensus/{question_id}"): lambda w: {
        "value": 3,
        "rationale": "The group agreed after looking at the method document.",
    },
    ("POST", ORG_PREFIX + "/assessments/{a}/invitations"): lambda w: {},
    ("POST", ORG_PREFIX + "/share-links"): lambda w: {
        "assessment_id": w.ids["a"],
        "expires_in_days": 7,
    },
}
INVALID_BODY = {"answers": "none", "name": ["x"], "unexpected": True}


def valid_body(world: World, endpoint: Endpoint) -> Any:
    if not endpoint.has_body:
        return None
    make = VALID_BODIES.get((endpoint.method, endpoint.path))
    if make is None:
        raise CannotFill(
            f"{endpoint}: the isolation walk does not know a valid body for it; add one to "
            "VALID_BODIES in tests/test_isolation.py, so that the status it sees is the "
            "authorization one and not a 422"
        )
    return make(world)


def call(
    world: World,
    endpoint: Endpoint,
    headers: Headers,
    *,
    org: str,
    replace: dict[str, str] | None = None,
    body: Any = "valid",
    content: bytes | None = None,
) -> Any:
    path = endpoint.path.format(**path_values(world, endpoint, org=org, replace=replace))
    kwargs: dict[str, Any] = {"params": query_values(world, endpoint), "headers": dict(headers)}
    if content is not None:
        kwargs["content"] = content
        kwargs["headers"]["content-type"] = "application/json"
    elif endpoint.has_body:
        kwargs["json"] = valid_body(world, endpoint) if body == "valid" else body
    return world.client.request(endpoint.method, path, **kwargs)


def _expect(response: Any, status: int, what: str) -> None:
    assert response.status_code == status, (
        f"{what}: expected {status}, got {response.status_code}: {response.text[:300]}"
    )
    if status >= 400:
        assert response.headers["content-type"].startswith("application/problem+json"), what


# The cases: one per endpoint, method and principal


@dataclass(frozen=True)
class Case:
    endpoint: Endpoint
    principal: str
    expected: int
    variant: str = ""  # "invalid body", "malformed JSON", "foreign {a}", ...

    @property
    def id(self) -> str:
        detail = f"{self.principal}, {self.variant}" if self.variant else self.principal
        return f"{self.endpoint} [{detail}]"


def _organization_cases(endpoint: Endpoint) -> Iterator[Case]:
    yield Case(endpoint, "no-key", 401)
    yield Case(endpoint, "revoked-key", 401)
    yield Case(endpoint, "other-org-key", 404)
    yield Case(endpoint, "other-org-respondent-token", 404)
    own = (endpoint.method, endpoint.path) in RESPONDENT_OWN
    yield Case(endpoint, "respondent-token", 200 if own else 403)
    if "r" in endpoint.params:
        yield Case(endpoint, "sibling-respondent-token", 403)
    if "a" in endpoint.params:
        yield Case(endpoint, "respondent-token", 404, "another assessment of its organization")
        yield Case(endpoint, "other-org-key", 404, "A's {a} under its own organization")
    if endpoint.action != "read":
        yield Case(endpoint, "reader-key", 403)
    elif endpoint.method == "GET":
        yield Case(endpoint, "reader-key", 200)
    if endpoint.action == "manage_keys":
        yield Case(endpoint, "editor-key", 403)
    elif endpoint.method == "GET":
        yield Case(endpoint, "editor-key", 200)
    for param in endpoint.params:
        name = _param_name(endpoint, param)
        if name in ID_PARAMS:
            yield Case(endpoint, "owner-key", 404, f"foreign {{{param}}}")
    if endpoint.has_body:
        yield Case(endpoint, "no-key", 401, "invalid body")
        yield Case(endpoint, "other-org-key", 404, "invalid body")
        yield Case(endpoint, "reader-key", 403, "invalid body")


def _cases() -> list[Case]:
    cases: list[Case] = []
    for endpoint in WALKED:
        if endpoint.area == "organization":
            cases.extend(_organization_cases(endpoint))
            continue
        cases.append(Case(endpoint, "no-key", 401))
        cases.append(Case(endpoint, "revoked-key", 401))
        if endpoint.area == "admin":
            cases.append(Case(endpoint, "other-org-key", 403))
            cases.append(Case(endpoint, "respondent-token", 403))
        elif endpoint.method == "GET":
            cases.append(Case(endpoint, "respondent-token", 200))
            cases.append(Case(endpoint, "reader-key", 200))
    return cases


CASES = _cases()
PRINCIPALS: dict[str, Callable[[World], Headers]] = {
    "no-key": lambda w: {},
    "revoked-key": lambda w: w.revoked,
    "other-org-key": lambda w: w.other_owner,
    "other-org-respondent-token": lambda w: w.other_respondent_token,
    "respondent-token": lambda w: w.respondent_token,
    "sibling-respondent-token": lambda w: w.sibling_token,
    "reader-key": lambda w: w.reader,
    "editor-key": lambda w: w.editor,
    "owner-key": lambda w: w.owner,
}


def _unknown_values(world: World) -> dict[str, str]:
    """Ids of the same shape that exist nowhere."""
    return {"a": "asm_doesnotexist", "r": "rsp_doesnotexist", "key_id": "key_doesnotexist"} | (
        {"share_link": "shl_doesnotexist"} if "share_link" in world.ids else {}
    )


def _fresh_respondent(world: World) -> tuple[str, Headers]:
    respondent, token = new_respondent(
        world.client, world.owner, world.org["id"], world.ids["a"], "Fresh"
    )
    return respondent["id"], token


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_walk(world: World, case: Case) -> None:
    endpoint = case.endpoint
    headers = PRINCIPALS[case.principal](world)
    orgs = (world.org["id"], world.org["slug"]) if "org" in endpoint.params else ("",)
    for org in orgs:
        what = f"{case.id} with {{org}}={org}" if org else case.id
        replace: dict[str, str] = {}
        body: Any = "valid"
        if case.variant == "invalid body":
            body = INVALID_BODY
        elif case.variant == "another assessment of its organization":
            # A's respondent token on the paths of A's closed assessment and its respondent.
            replace = {"a": world.ids["closed_1"], "r": world.foreign["r"]}
        elif case.variant == "A's {a} under its own organization":
            org = world.other_org["id"] if org.startswith("org_") else world.other_org["slug"]
            replace = {"r": world.ids["r"]}
        elif case.variant.startswith("foreign {"):
            param = case.variant.removeprefix("foreign {").removesuffix("}")
            replace = {_param_name(endpoint, param): world.foreign[_param_name(endpoint, param)]}
        elif case.principal == "respondent-token" and case.expected == 200:
            # Its own respondent's paths: a fresh respondent, so that a submit does not
            # change the world and the second round (by slug) starts from the same state.
            fresh, headers = _fresh_respondent(world)
            replace = {"r": fresh}
        try:
            response = call(world, endpoint, headers, org=org, replace=replace, body=body)
        except CannotFill as unknown:
            pytest.fail(str(unknown))
        _expect(response, case.expected, what)
        if (
            case.principal == "other-org-key"
            and not case.variant
            and endpoint.area == "organization"
        ):
            _same_as_unknown(world, endpoint, headers, org, response)


def _same_as_unknown(
    world: World, endpoint: Endpoint, headers: Headers, org: str, response: Any
) -> None:
    """Another organization's resource answers exactly as one that exists nowhere."""
    unknown = _unknown_values(world)
    unknown_org = "org_doesnotexist" if org.startswith("org_") else "does-not-exist"
    nowhere = call(world, endpoint, headers, org=unknown_org, replace=unknown)
    real = path_values(world, endpoint, org=org)
    text = response.text
    for param, value in real.items():
        name = _param_name(endpoint, param)
        if name == "org":
            text = text.replace(value, unknown_org)
        elif name in unknown:
            text = text.replace(value, unknown[name])
    assert (response.status_code, text) == (nowhere.status_code, nowhere.text), (
        f"{endpoint}: another organization's ids answer otherwise than ids that exist nowhere"
    )


# The walk itself: complete, and able to fill every endpoint


def test_the_walk_covers_every_route_of_the_app() -> None:
    walked = {(case.endpoint.method, case.endpoint.path) for case in CASES}
    every = {(e.method, e.path) for e in ENDPOINTS}
    public = {(e.method, e.path) for e in ENDPOINTS if e.area == "public"}
    pages = {(e.method, e.path) for e in PAGES}
    assert every - public - pages == walked
    assert ("GET", "/v1/health") in public
    assert {method for method, _ in public} == {"GET"}, "a public endpoint only reads"
    schema_operations = {
        (method.upper(), path)
        for path, operations in APP.openapi()["paths"].items()
        for method in operations
    }
    assert schema_operations <= every, "a documented operation is missing from the routes"
    assert {(m, p) for m, p in RESPONDENT_OWN} <= every, "the respondent's own paths moved"
    assert ("GET", ORG_PREFIX + "/audit") in walked
    assert len(ORGANIZATION_ENDPOINTS) >= 20


def test_the_walk_knows_how_to_fill_every_endpoint(world: World) -> None:
    problems = []
    for endpoint in WALKED:
        try:
            path_values(world, endpoint, org=world.org["id"])
            query_values(world, endpoint)
            valid_body(world, endpoint)
        except CannotFill as unknown:
            problems.append(str(unknown))
    assert not problems, "\n".join(problems)


def test_the_walk_changed_nothing_for_the_organizations(world: World) -> None:
    """After the walk (in either order), A's keys, assessments and B are as set up."""
    client = world.client
    for headers in (world.owner, world.editor, world.reader):
        assert (
            client.get(f"/v1/organizations/{world.org['id']}", headers=headers).status_code == 200
        )
    assert client.get("/v1/organizations/beta", headers=world.other_owner).status_code == 200
    names = [
        k["name"]
        for k in client.get("/v1/organizations/alpha/keys", headers=world.owner).json()["items"]
    ]
    assert sorted(names) == ["editor", "editor", "first owner key", "reader", "reader"]


# Ids in query parameters, and the admin


def test_compare_with_another_organizations_assessment_answers_404(world: World) -> None:
    b_closed, _ = _closed(world.client, world.other_owner, world.other_org["id"], "B closed")
    for base, target in ((b_closed, world.ids["closed_2"]), (world.ids["closed_1"], b_closed)):
        response = world.client.get(
            "/v1/organizations/alpha/compare",
            params={"base": base, "target": target},
            headers=world.owner,
        )
        _expect(response, 404, f"compare {base} with {target}")


def test_the_admin_sees_every_organization(world: World) -> None:
    admin = bearer(ADMIN_KEY)
    for endpoint in ORGANIZATION_ENDPOINTS:
        if endpoint.method != "GET":
            continue
        response = call(world, endpoint, admin, org=world.org["slug"])
        _expect(response, 200, f"{endpoint} [admin]")


def test_malformed_json_answers_after_the_authorization_decision(world: World) -> None:
    """400 for malformed JSON comes last (`api.md`): a stranger still gets 401, 404 or 403."""
    principals = [("no-key", 401), ("other-org-key", 404), ("reader-key", 403)]
    wrong = []
    for endpoint in WALKED:
        if not endpoint.has_body:
            continue
        for principal, expected in principals:
            if endpoint.area == "admin" and principal != "no-key":
                expected = 403
            if principal == "reader-key" and endpoint.area == "any principal":
                continue
            response = call(
                world,
                endpoint,
                PRINCIPALS[principal](world),
                org=world.org["slug"],
                content=b'{"name": "unfinished',
            )
            if response.status_code != expected:
                wrong.append(f"{endpoint} [{principal}]: {response.status_code}, not {expected}")
    assert not wrong, "malformed JSON is answered before the secret is checked:\n" + "\n".join(
        wrong
    )


@pytest.mark.parametrize(
    ("method", "template", "body"),
    [
        ("PATCH", ANSWERS, {"answers": "not a list"}),
        ("POST", ORG_PREFIX + "/assessments/{a}/respondents", {"nam": "typo"}),
    ],
    ids=["PATCH answers", "POST respondents"],
)
def test_a_closed_assessment_answers_409_before_an_invalid_body(
    world: World, method: str, template: str, body: dict[str, Any]
) -> None:
    """409 (the state forbids it) comes before 422 (invalid content) in `api.md`'s order."""
    path = template.format(org="alpha", a=world.ids["closed_1"], r=world.foreign["r"])
    response = world.client.request(method, path, json=body, headers=world.owner)
    _expect(response, 409, f"{method} {path} with an invalid body on a closed assessment")


# The pages: the same walk with session cookies instead of bearer headers
#
# Every page route, with the sessions that must not use it: none (401, or the sign-in page for
# a console page), another organization's (404), a respondent's on the console (403), a key's on
# a respondent's pages (403), a reader's on a form (403), and ids that are not under their
# parent (404). Forms carry the CSRF token of the session they come with, so that what is
# seen is the authorization's answer.

PUBLIC_PAGES = frozenset({"/a/{token}", "/console/sign-in"})
CONSOLE = "/console"
PAGE_PATH_VALUES = {
    "section": "project~standardize",
    "questionnaire_key": "test-q",
    "question_id": "PRJ-STD-01-Q1",
}
# Console pages a reader's session may not even see (their forms change something).
WRITERS_ONLY = ("/assessments/new", "/close", "/invite-several", "/edit", "/token")
# Addresses a form posts to, asked with GET (a refresh, a bookmark): a redirect to their page.
FORM_ADDRESSES = (
    "/assessments",
    "/details",
    "/respondents",
    "/respondents/{r}",
    "/invite-several/preview",
    "/share-links",
    "/profile",
    "/targets/{questionnaire_key}",
    "/settle/{question_id}",
)


@dataclass(frozen=True)
class PageSession:
    cookie: str  # the cookie's name
    secret: str

    def headers(self, as_cookie: str | None = None) -> Headers:
        return {"cookie": f"{as_cookie or self.cookie}={self.secret}"}


def _console_session(client: TestClient, key_headers: Headers) -> PageSession:
    secret = key_headers["Authorization"].removeprefix("Bearer ")
    response = client.post("/console/sign-in", data={"key": secret}, follow_redirects=False)
    assert response.status_code == 303, response.text
    session = PageSession("opm_console", response.cookies["opm_console"])
    client.cookies.clear()
    return session


def _fill_session(client: TestClient, token_headers: Headers) -> PageSession:
    token = token_headers["Authorization"].removeprefix("Bearer ")
    response = client.get(f"/a/{token}", follow_redirects=False)
    assert response.status_code == 303, response.text
    session = PageSession("opm_fill", response.cookies["opm_fill"])
    client.cookies.clear()
    return session


@pytest.fixture(scope="module")
def page_sessions(world: World) -> dict[str, PageSession]:
    client = world.client
    return {
        "owner": _console_session(client, world.owner),
        "reader": _console_session(client, world.reader),
        "other-org": _console_session(client, world.other_owner),
        "respondent": _fill_session(client, world.respondent_token),
    }


def _page_cases(endpoint: Endpoint) -> Iterator[Case]:
    path, reading = endpoint.path, endpoint.method == "GET"
    if path in PUBLIC_PAGES:
        return
    if path.endswith("/sign-out"):  # any session may end itself
        yield Case(endpoint, "no-session", 401)
        return
    if not path.startswith(CONSOLE):
        yield Case(endpoint, "no-session", 401)
        yield Case(endpoint, "key-session-on-fill", 403)
        return
    yield Case(endpoint, "no-session", 303 if reading else 401)
    yield Case(endpoint, "respondent-session-on-console", 403)
    if path == CONSOLE:
        yield Case(endpoint, "other-org-session", 303)  # to its own organization
        return
    if path == CONSOLE + "/organizations":
        yield Case(endpoint, "other-org-session", 403)
        yield Case(endpoint, "reader-session", 403)
        return
    yield Case(endpoint, "other-org-session", 404)
    writes = not reading or path.endswith(WRITERS_ONLY)
    seen = 303 if reading and path.endswith(FORM_ADDRESSES) else 200
    yield Case(endpoint, "reader-session", 403 if writes else seen)
    for param in endpoint.params:
        name = _param_name(endpoint, param)
        if name in ("a", "r", "link_id"):
            yield Case(endpoint, "owner-session", 404, f"foreign {{{param}}}")


PAGE_CASES = [case for endpoint in PAGES for case in _page_cases(endpoint)]


def _page_session_for(case: Case, sessions: dict[str, PageSession]) -> tuple[Headers, str | None]:
    """The cookie header of the case's principal, and the CSRF token that goes with it."""
    from api.services.page_sessions import csrf_token

    chosen = {
        "no-session": None,
        "key-session-on-fill": (sessions["owner"], "opm_fill"),
        "respondent-session-on-console": (sessions["respondent"], "opm_console"),
        "other-org-session": (sessions["other-org"], None),
        "reader-session": (sessions["reader"], None),
        "owner-session": (sessions["owner"], None),
    }[case.principal]
    if chosen is None:
        return {}, None
    session, as_cookie = chosen
    return session.headers(as_cookie), csrf_token(session.secret)


@pytest.mark.parametrize("case", PAGE_CASES, ids=[case.id for case in PAGE_CASES])
def test_page_walk(world: World, page_sessions: dict[str, PageSession], case: Case) -> None:
    endpoint = case.endpoint
    headers, csrf = _page_session_for(case, page_sessions)
    foreign = {"a": world.foreign["a"], "r": world.foreign["r"]}
    ids = {**world.ids, "link_id": world.ids["share_link"]}
    values: dict[str, str] = {}
    for param in endpoint.params:
        if param == "org":
            values[param] = world.org["slug"]
        elif case.variant == f"foreign {{{param}}}":
            values[param] = world.foreign["share_link"] if param == "link_id" else foreign[param]
        elif param in ids:
            values[param] = ids[param]
        elif param in PAGE_PATH_VALUES:
            values[param] = PAGE_PATH_VALUES[param]
        else:
            pytest.fail(f"{endpoint}: the page walk does not know how to fill {{{param}}}")
    path = endpoint.path.format(**values)
    data = {"csrf": csrf} if csrf and endpoint.method == "POST" else None
    response = world.client.request(
        endpoint.method,
        path,
        data=data,
        headers={**headers, "origin": "http://testserver"},
        follow_redirects=False,
    )
    assert response.status_code == case.expected, (
        f"{case.id}: expected {case.expected}, got {response.status_code}: {response.text[:300]}"
    )
    if case.expected == 303 and case.principal == "no-session":
        assert response.headers["location"] == "/console/sign-in"
    world.client.cookies.clear()


def test_the_page_walk_covers_every_page() -> None:
    walked = {(case.endpoint.method, case.endpoint.path) for case in PAGE_CASES}
    every = {(e.method, e.path) for e in PAGES if e.path not in PUBLIC_PAGES}
    assert walked == every
    assert len(PAGES) >= 25
