"""The OpenAPI document reads well to a generator (issue 28): names, types and headers.

What the served answers hold to it is the contract test's business (`test_contract.py`); a
client generated from it is driven in `test_generated_client.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from api.app import create_app
from api.core.config import Settings
from api.http.idempotency import get_retry

from ..databases import ADMIN_KEY

APP = create_app(Settings(database_url="sqlite://", admin_key=ADMIN_KEY))
DOCUMENT = APP.openapi()
SCHEMAS: dict[str, Any] = DOCUMENT["components"]["schemas"]
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
REPORT = "/v1/organizations/{org}/assessments/{a}/report"


def _operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def _routes() -> list[tuple[str, APIRoute]]:
    """Each route of the document, with its full path."""
    routes = [
        (context.path_format or context.original_route.path_format, context.original_route)
        for context in iter_route_contexts(APP.routes)
        if isinstance(context.original_route, APIRoute) and context.original_route.include_in_schema
    ]
    assert len(routes) == len(list(_operations()))
    return routes


def _enums(node: Any, where: str) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Every enumeration of the document, with where it is."""
    if isinstance(node, dict):
        if isinstance(node.get("enum"), list):
            yield where, tuple(node["enum"])
        for key, value in node.items():
            yield from _enums(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _enums(value, f"{where}/{index}")


def test_every_operation_id_is_short_camel_case_and_unique() -> None:
    ids = [operation["operationId"] for _, _, operation in _operations()]
    for path, method, operation in _operations():
        name = operation["operationId"]
        assert re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)*", name), f"{method} {path}: {name}"
        assert len(name) <= 30, name
        assert not name.lower().endswith(method), f"{name} names its method"
        assert "v1" not in name.lower(), f"{name} names its path"
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_every_route_names_its_operation_itself() -> None:
    unnamed = [f"{route.methods} {path}" for path, route in _routes() if not route.operation_id]
    assert unnamed == []


def test_no_schema_name_ends_in_type0_nor_is_module_qualified() -> None:
    for name in SCHEMAS:
        assert not re.search(r"Type\d+$", name), name
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) and "__" not in name, name


def test_every_enumeration_is_a_named_schema_and_no_two_are_the_same() -> None:
    inline = [
        (where, values)
        for where, values in _enums(DOCUMENT, "")
        if not re.fullmatch(r"/components/schemas/[A-Za-z0-9]+", where)
    ]
    named = {
        values: where.rsplit("/", 1)[1]
        for where, values in _enums(SCHEMAS, "/components/schemas")
        if where.count("/") == 3
    }
    assert inline == [], "name them in api.core.enums or api.http.openapi.ENUM_NAMES"
    by_values = [frozenset(values) for values in named]
    assert len(by_values) == len(set(by_values)), named


def test_the_report_and_the_key_creation_use_the_named_enums() -> None:
    report_format = next(
        p for p in DOCUMENT["paths"][REPORT]["get"]["parameters"] if p["name"] == "format"
    )
    assert {"$ref": "#/components/schemas/ReportFormat"} in report_format["schema"]["anyOf"]
    role = SCHEMAS["KeyCreate"]["properties"]["role"]
    assert role["$ref"] == "#/components/schemas/KeyRole"
    assert SCHEMAS["PmoProfile"]["properties"]["type"]["anyOf"][0] == {
        "$ref": "#/components/schemas/PmoType"
    }


def test_the_reports_json_is_typed_its_other_formats_named_and_its_304_declared() -> None:
    responses = DOCUMENT["paths"][REPORT]["get"]["responses"]
    content = responses["200"]["content"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/ReportDocument"}
    assert set(content) == {
        "application/json",
        "text/html",
        "text/csv",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    assert "ETag" in responses["200"]["headers"]
    assert responses["304"]["headers"]["ETag"]["required"] is True
    assert "content" not in responses["304"]
    names = [p["name"] for p in DOCUMENT["paths"][REPORT]["get"]["parameters"]]
    assert "If-None-Match" in names
    assert "accept" not in {name.lower() for name in names}


def test_the_reports_score_card_is_the_card_of_each_scoring_version() -> None:
    report = SCHEMAS["ReportDocument"]
    assert set(report["required"]) == {
        "assessment",
        "organization",
        "provisional",
        "goals",
        "score_card",
    }
    card = report["properties"]["score_card"]
    assert card["discriminator"] == {
        "propertyName": "scoring_version",
        "mapping": {
            "1": "#/components/schemas/ScoreCardV1",
            "2": "#/components/schemas/ScoreCardV2",
            "3": "#/components/schemas/ScoreCard",
        },
    }
    validated = report["properties"]["validated_card"]["anyOf"]
    assert {"type": "null"} in validated
    assert any(member.get("discriminator") == card["discriminator"] for member in validated)


def test_the_export_is_typed() -> None:
    export = DOCUMENT["paths"]["/v1/organizations/{org}/assessments/{a}/export"]["get"]
    assert export["responses"]["200"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/ExportDocument"}}
    }


def _calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def test_every_post_that_takes_an_idempotency_key_declares_it() -> None:
    taking = {path for path, route in _routes() if get_retry in _calls(route.dependant)}
    # organizations, keys, assessments, respondents, bulk respondents, tokens, share links,
    # invitations, reminders
    assert len(taking) == 9
    for path, method, operation in _operations():
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert ("Idempotency-Key" in headers) == (path in taking and method == "post"), path


def test_every_response_declares_its_request_id_and_a_429_its_retry_after() -> None:
    for path, method, operation in _operations():
        for status, response in operation["responses"].items():
            assert response["headers"]["X-Request-ID"]["required"] is True, (path, status)
            if status == "429":
                assert response["headers"]["Retry-After"]["required"] is True, (method, path)


def test_a_problems_errors_are_problem_items_with_an_optional_question_id() -> None:
    errors = SCHEMAS["Problem"]["properties"]["errors"]
    assert errors["items"] == {"$ref": "#/components/schemas/ProblemItem"}
    item = SCHEMAS["ProblemItem"]
    assert "question_id" in item["properties"]
    assert set(item["required"]) == {"field", "in", "message"}
