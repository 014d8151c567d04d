"""The OpenAPI document: every problem response declared where it can happen (issue 14, item 8).

Which problems an operation can answer follows from what it is made of, read once from each
route's dependencies, so that a new route is declared the day it is added:

    503  every operation (the database is unreachable)
    401  an operation that needs a secret, and 429 (a throttled address, `api.http.throttle`)
    403  one behind a scope or admin dependency (`api.http.access`): visible but not allowed
    404  one with a path parameter: unknown, or another organization's
    400, 413, 422  one with a body (malformed JSON, too large, invalid); 422 with query too
    409  a retried creation (`Idempotency-Key` in use), a write on an assessment or respondent

A route adds what its use case alone knows with `responses=problems(409)`. Every problem is
the `Problem` model, as `application/problem+json`, FastAPI's own 422 model included.

So that a client generated from the document reads like one written by hand (issue 28), every
route names its operation (`operation_id="getReport"`, short and unique), every enumeration is
a named schema (a `Literal` that a model writes inline is named here, by its values, in
`ENUM_NAMES`), and the headers a client relies on are declared: `X-Request-ID` on every
response, `Retry-After` on 429 (`ETag` and 304 on reports: `api.http.report_responses`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from api.http.access import AssessmentGuard, OrganizationGuard, RespondentGuard
from api.http.bearer import BEARER, require_admin
from api.http.idempotency import get_retry
from api.http.problems import PROBLEM_JSON
from api.schemas import Problem

__all__ = [
    "ENUM_NAMES",
    "FASTAPI_422",
    "PROBLEMS",
    "REQUEST_ID",
    "RETRY_AFTER",
    "SCHEMA_REF",
    "contract",
    "derived_problems",
    "problems",
]

PROBLEMS: dict[int, str] = {
    400: "The request body is not valid JSON.",
    401: "No secret, or an unknown, revoked or expired one.",
    403: "The principal sees the resource but lacks the right.",
    404: "Unknown, or in an organization the principal cannot see.",
    409: "The state forbids it (closed, submitted, taken, full, in progress).",
    413: "The request body is larger than the limit.",
    422: "Well-formed but invalid content; each problem listed in `errors`.",
    429: "Too many failed authentications from this address; retry after `Retry-After`.",
    503: "The database is unreachable; try again shortly.",
}
SCHEMA_REF = "#/components/schemas/Problem"
FASTAPI_422 = "Validation Error"


# Inline enumerations of the models (`Literal`s of `scoring`, `questionnaires` and the export
# format), each named once by its set of values: the same set is one schema wherever it is.
ENUM_NAMES: dict[frozenset[str], str] = {
    frozenset({"mean", "median", "min"}): "Aggregation",
    frozenset({"answered", "not_applicable", "unknown", "unanswered"}): "QuestionStatus",
    frozenset({"answered", "not_applicable", "unanswered"}): "QuestionStatusV2",
    frozenset({"self", "validated"}): "Basis",
    frozenset({"same_version", "shared_ids"}): "Comparability",
    frozenset({"same", "rescored"}): "ComparisonScoring",
    frozenset({"organization", "assessment"}): "ExportScope",
}
# A named enumeration in place of an inline one keeps what the place said of it.
_KEPT_BESIDE_REF = ("description", "default")

REQUEST_ID: dict[str, Any] = {
    "description": "This request's id, as the service's log names it: quote it when reporting "
    "a problem.",
    "required": True,
    "schema": {"type": "string"},
}
RETRY_AFTER: dict[str, Any] = {
    "description": "Seconds to wait before authenticating again from this address.",
    "required": True,
    "schema": {"type": "integer"},
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for problems a route's use case can answer beyond the derived ones."""
    return {status: {"description": PROBLEMS[status]} for status in statuses}


def _calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def _has_query(dependant: Dependant) -> bool:
    return bool(dependant.query_params) or any(_has_query(s) for s in dependant.dependencies)


def derived_problems(route: APIRoute, path: str, method: str) -> set[int]:
    """The problems `route` can answer, from its dependencies, parameters and body."""
    calls = list(_calls(route.dependant))
    scoped = [
        c for c in calls if isinstance(c, OrganizationGuard | AssessmentGuard | RespondentGuard)
    ]
    statuses = {503}
    if BEARER in calls:  # every bearer-authenticated route, through an access check or not
        statuses |= {401, 429}
    if scoped or require_admin in calls:
        statuses.add(403)
    if "{" in path:
        statuses.add(404)
    if route.body_field is not None:
        statuses |= {400, 413, 422}
    if _has_query(route.dependant):
        statuses.add(422)
    if get_retry in calls:
        statuses |= {409, 422}
    if method != "GET" and any(isinstance(c, AssessmentGuard | RespondentGuard) for c in scoped):
        statuses.add(409)
    return statuses


def _problem_content() -> dict[str, Any]:
    return {PROBLEM_JSON: {"schema": {"$ref": SCHEMA_REF}}}


def contract(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with its problem responses declared (built once, kept)."""
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    components = document.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for definition in components["Problem"].pop("$defs", {}).items():
        components.setdefault(*definition)
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        path = context.path_format or route.path_format
        for method in route.methods or set():
            operation = document["paths"][path].get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            if responses.get("422", {}).get("description") == FASTAPI_422:
                del responses["422"]  # added for any parameter; ours is derived below
            declared = {int(code) for code in responses if code.isdigit() and int(code) >= 400}
            derived = derived_problems(route, path, method)
            for status in sorted(derived | declared):
                response = responses.setdefault(str(status), {})
                if status in PROBLEMS:
                    response["description"] = PROBLEMS[status]
                response.setdefault("content", {}).update(_problem_content())
            operation["responses"] = dict(sorted(responses.items()))
            for status, response in operation["responses"].items():
                headers = response.setdefault("headers", {})
                headers.setdefault("X-Request-ID", REQUEST_ID)
                if status == "429":
                    headers.setdefault("Retry-After", RETRY_AFTER)
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    _name_enums(document, components)
    _name_nullable_objects(components)
    app.openapi_schema = document
    return document


def _name_enums(node: Any, components: dict[str, Any]) -> None:
    """Put a `$ref` to a named schema (`ENUM_NAMES`) in place of each inline enumeration.

    The named schemas themselves (components that are enumerations) stay as they are; an
    enumeration missing from `ENUM_NAMES` stays inline (a test names it).
    """
    places: list[tuple[Any, Any]] = []
    if isinstance(node, dict):
        places = list(node.items())
    elif isinstance(node, list):
        places = list(enumerate(node))
    for place, value in places:
        reference = None if node is components else _reference(value, components)
        if reference is None:
            _name_enums(value, components)
        else:
            node[place] = reference


def _reference(schema: Any, components: dict[str, Any]) -> dict[str, Any] | None:
    """A `$ref` to the named schema of an inline enumeration, added to `components`; or None."""
    enum = schema.get("enum") if isinstance(schema, dict) else None
    named = ENUM_NAMES.get(frozenset(enum)) if isinstance(enum, list) else None
    if named is None:
        return None
    components.setdefault(
        named, {"type": schema.get("type", "string"), "enum": enum, "title": named}
    )
    return {
        "$ref": f"#/components/schemas/{named}",
        **{kept: schema[kept] for kept in _KEPT_BESIDE_REF if kept in schema},
    }


def _name_nullable_objects(components: dict[str, Any]) -> None:
    """Name each inline object of a nullable property (`dict[str, int] | None`) after its place.

    A generator names a model for such an object after its place in the union
    (`CloseContextTargetsType0`); named here, it is `CloseContextTargets`.
    """
    for owner, schema in list(components.items()):
        for field, declared in schema.get("properties", {}).items():
            members = declared.get("anyOf", [])
            objects = [m for m in members if m.get("type") == "object" and "$ref" not in m]
            if len(members) != 2 or {"type": "null"} not in members or len(objects) != 1:
                continue
            named = owner + "".join(part.title() for part in field.split("_"))
            components.setdefault(named, {**objects[0], "title": named})
            members[members.index(objects[0])] = {"$ref": f"#/components/schemas/{named}"}
