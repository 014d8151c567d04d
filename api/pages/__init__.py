"""The pages for people (`api.md`, Pages): a second face on the use cases of `api.services`.

    /a/{token}, /fill/...    a respondent fills in its questionnaire (`api.pages.fill`)
    /console/...             the PMO runs assessments with a key (`api.pages.console`)
    /assets/...              the one stylesheet and the one script of the pages

Handlers authorize through the guards of `api.http.access` fed by a session cookie
(`api.http.page_sessions`), call one use case and render a template. An error of a use case
or of authorization is a page here, not problem JSON: a console page without a session leads
to the sign-in page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http import HTTPStatus
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from api.core.errors import AppError
from api.pages import console, fill
from api.pages.rendering import ASSETS, page, redirect

__all__ = [
    "FILL_401",
    "PAGE_PREFIXES",
    "STATIC",
    "TITLES",
    "Handler",
    "install_pages",
    "is_page_path",
]

PAGE_PREFIXES = ("/a/", "/fill", "/console")
STATIC = Path(__file__).parent / "static"

TITLES = {
    401: "Please sign in again",
    403: "Not allowed",
    404: "Not found",
    409: "This can no longer change",
    422: "Something in the form needs attention",
}
FILL_401 = (
    "Your session has ended, or your invitation link was replaced or withdrawn. Open the "
    "newest invitation link you received, or ask the person who invited you for a new one."
)

Handler = Callable[[Request, Exception], Response | Awaitable[Response]]


def is_page_path(path: str) -> bool:
    return path.startswith(PAGE_PREFIXES) and not path.startswith("/v1")


def _error_page(request: Request, status: int, detail: str) -> Response:
    path = request.url.path
    if status == 401 and path.startswith("/console"):
        if request.method == "GET":
            return redirect("/console/sign-in")
        detail = "Your session has ended. Sign in again; nothing was changed."
    elif status == 401:
        detail = FILL_401
    home = "/console" if path.startswith("/console") else "/fill"
    return page(
        "message.html",
        status_code=status,
        title=TITLES.get(status, HTTPStatus(status).phrase),
        message=detail,
        home=home if status != 401 else None,
    )


def _for_pages(previous: Handler) -> Handler:
    """The app's handler for API paths; a page for page paths."""

    async def handle(request: Request, exc: Exception) -> Response:
        if is_page_path(request.url.path):
            if isinstance(exc, AppError):
                return _error_page(request, exc.status, exc.detail)
            if isinstance(exc, RequestValidationError):
                return _error_page(request, 422, "The form or address is not valid.")
            if isinstance(exc, StarletteHTTPException):
                detail = "No such page." if exc.status_code == 404 else str(exc.detail)
                return _error_page(request, exc.status_code, detail)
        response = previous(request, exc)
        if isinstance(response, Awaitable):
            return await response
        return response

    return handle


def install_pages(app: FastAPI) -> None:
    """Add the pages, their assets and their error pages to `app`."""
    app.include_router(fill.router)
    app.include_router(console.router)
    app.mount(ASSETS, StaticFiles(directory=STATIC), name="assets")
    for kind in (AppError, RequestValidationError, StarletteHTTPException):
        previous = app.exception_handlers[kind]
        app.add_exception_handler(kind, _for_pages(previous))
