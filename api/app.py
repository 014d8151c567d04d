"""The FastAPI application: `create_app(settings)` wires configuration, storage and routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.config import Settings, get_settings
from api.db import make_engine, session_scope
from api.errors import install_error_handlers, problem
from api.routes import ROUTERS
from api.services.questionnaires import load_and_register

logger = logging.getLogger("api")

DESCRIPTION = """
OPM maturity self-assessment: OPM3-style questionnaires, answers from several respondents,
maturity scores per domain and stage, reports and comparisons over time.

Every request but `GET /v1/health` and shared links carries `Authorization: Bearer <secret>`.
Errors are `application/problem+json`.
"""


class BodySizeLimit:
    """Answers 413 to a body over the limit, before anything else reads it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return
        # A chunked body has no length up front: read it whole, counting, then replay it.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(413, f"The request body is larger than {self.max_bytes} bytes.")
        await response(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application for `settings` (the environment's when None)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        app.state.engine = engine
        try:
            for session in session_scope(engine, write=True):
                added = load_and_register(
                    session=session, extra_directories=settings.questionnaire_dirs
                )
                session.commit()
                logger.info("questionnaires registered: %d new", added)
            if settings.admin_key is None:
                logger.warning(
                    "No OPM_ADMIN_KEY: create an admin key with `opm key create --admin`."
                )
            yield
        finally:
            app.state.engine.dispose()

    app = FastAPI(
        title="OPM maturity self-assessment",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app
