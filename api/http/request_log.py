"""One log line per request, written by the app itself (issue 15, item 1).

Uvicorn's access log is off (`opm serve`, the Dockerfile): it writes each request's path, and
a share link's path is its secret. Here a line names the method, the path with every secret
cut to its prefix, the route's template, the status, the duration and a request id (also sent
back as `X-Request-ID`, and named in the error lines of `api.core.errors`). A path segment or query
value is a secret when a route names it so (`{token}`), when it starts like one of ours
(`opmk_`, `opmr_`, `opms_`), or when it is as long as a secret: what a person mistyped into a
path is cut rather than logged whole. No header and no body is ever logged.
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from urllib.parse import parse_qsl, unquote, urlencode

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.secrets import KEY_PREFIX, RESPONDENT_PREFIX, SHARE_PREFIX, SHOWN_PREFIX_LENGTH

logger = logging.getLogger("api.requests")

SECRET_PREFIXES = (KEY_PREFIX, RESPONDENT_PREFIX, SHARE_PREFIX)
SECRET_PATH_PARAMETERS = frozenset({"token"})
SECRET_LENGTH = 32
REQUEST_ID = "request_id"  # in the request state


def redact(value: str) -> str:
    """A secret cut to the prefix people see in lists."""
    return value[:SHOWN_PREFIX_LENGTH] + "..."


def _looks_secret(value: str) -> bool:
    return value.startswith(SECRET_PREFIXES) or len(value) >= SECRET_LENGTH


def _cut(value: str) -> str:
    return redact(value) if _looks_secret(value) else value


def redacted_path(scope: Scope) -> str:
    """The request's path and query as sent (percent-encoded), every secret in them cut."""
    secrets = {
        str(value)
        for name, value in scope.get("path_params", {}).items()
        if name in SECRET_PATH_PARAMETERS
    }
    raw = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
    segments = raw.decode("latin-1").split("/")
    path = "/".join(
        redact(segment)
        if (plain := unquote(segment)) in secrets or _looks_secret(plain)
        else segment
        for segment in segments
    )
    query = scope.get("query_string", b"").decode("latin-1")
    if not query:
        return path
    pairs = [(_cut(name), _cut(value)) for name, value in parse_qsl(query, keep_blank_values=True)]
    return f"{path}?{urlencode(pairs)}"


def request_id(scope: Scope) -> str:
    state = scope.get("state") or {}
    return str(state.get(REQUEST_ID, "-"))


class RequestLog:
    """Logs each request once it is answered (or failed), at INFO on `api.requests`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        identifier = uuid.uuid4().hex
        scope.setdefault("state", {})[REQUEST_ID] = identifier
        started = time.perf_counter()
        status = 500  # unless a response starts

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = identifier
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope.get("route")
            logger.info(
                "request id=%s method=%s path=%s route=%s status=%d duration_ms=%.1f",
                identifier,
                scope["method"],
                redacted_path(scope),
                getattr(route, "path", "-"),
                status,
                (time.perf_counter() - started) * 1000,
            )


def configure_logging() -> None:
    """Send the app's log lines (INFO and up) to stderr, unless logging is configured already.

    Uvicorn configures its own loggers only, so the request lines would otherwise go nowhere;
    a host that configures logging itself (a test run, a `--log-config`) keeps its own.
    """
    app_logger = logging.getLogger("api")
    if logging.getLogger().handlers or app_logger.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    app_logger.addHandler(handler)
    app_logger.setLevel(logging.INFO)
