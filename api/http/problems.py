"""Problem details (RFC 9457): the one rendering of every error, ours and FastAPI's.

A database that cannot be reached answers 503; anything else unexpected is logged with the
request's id and answered 500 without internals.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.core.errors import AppError, TooManyRequests, Unauthorized, field_problem
from api.http.request_log import redacted_path, request_id

logger = logging.getLogger("api")

PROBLEM_JSON = "application/problem+json"
MALFORMED_JSON = "malformed_json"  # set in the request state by `api.http.middleware.RequestBody`


class ProblemResponse(JSONResponse):
    """Problem JSON, ASCII-only: a problem may quote client input, whatever it holds."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def problem(
    status: int,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    *,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    """The problem-details response for `status`, with optional extension members."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "errors": errors or [],
        **extensions,
    }
    return ProblemResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        return ".".join(parts[1:]) or parts[0]
    return ".".join(parts)


def _validation_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = list(exc.errors())
    malformed = getattr(request.state, MALFORMED_JSON, False)
    if malformed or any(d.get("type") == "json_invalid" for d in details):
        return problem(400, "The request body is not valid JSON.")
    errors = [
        field_problem(_location(d.get("loc", ())), d["msg"], where=(d.get("loc") or ["body"])[0])
        for d in details
    ]
    names = ", ".join(e["field"] for e in errors)
    return problem(422, f"Invalid request: {names}.", errors)


def app_problem(_request: Request, exc: Exception) -> JSONResponse:
    """The problem response of an application error (with the headers its status calls for)."""
    assert isinstance(exc, AppError)
    headers = None
    if isinstance(exc, Unauthorized):
        headers = {"WWW-Authenticate": "Bearer"}
    elif isinstance(exc, TooManyRequests):
        headers = {"Retry-After": str(exc.retry_after)}
    return problem(exc.status, exc.detail, exc.errors, headers=headers, **exc.extensions)


def _http_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and detail == "Not Found":
        detail = "No such resource."
    headers = dict(exc.headers) if exc.headers else {}
    if exc.status_code == 405:
        detail = "This method is not allowed on this path."
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return problem(exc.status_code, detail, headers=headers or None)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route of this path takes: the router names only the first route's."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def _database_problem(request: Request, exc: Exception) -> JSONResponse:
    logger.error(
        "database unavailable: request id=%s method=%s path=%s: %s",
        request_id(request.scope),
        request.method,
        redacted_path(request.scope),
        exc,  # the statement without its parameters: the engine hides them (`api.storage.db`)
    )
    return problem(503, "The database is unavailable; try again shortly.")


def _unexpected_problem(request: Request, exc: Exception) -> JSONResponse:
    logger.error(
        "unexpected error: request id=%s method=%s path=%s",
        request_id(request.scope),
        request.method,
        redacted_path(request.scope),
        exc_info=exc,
    )
    return problem(500, "An unexpected error occurred; it has been logged.")


def install_error_handlers(app: FastAPI) -> None:
    """Render every error of `app` as problem JSON."""
    app.add_exception_handler(AppError, app_problem)
    app.add_exception_handler(RequestValidationError, _validation_problem)
    app.add_exception_handler(StarletteHTTPException, _http_problem)
    # A lost connection, a server that is down, a lock held too long: not the client's doing.
    app.add_exception_handler(OperationalError, _database_problem)
    app.add_exception_handler(InterfaceError, _database_problem)
    app.add_exception_handler(Exception, _unexpected_problem)
