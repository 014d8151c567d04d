"""The FastAPI application: `create_app(settings)` wires configuration, storage and routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.core.config import Settings, get_settings
from api.core.errors import FailedAuthentication, StartupRefused
from api.http.deps import Clock
from api.http.headers import SecurityHeaders
from api.http.hosts import AllowedHosts
from api.http.middleware import RequestBody, StartupRefusals
from api.http.openapi import contract
from api.http.problems import install_error_handlers
from api.http.report_responses import ClosedReports
from api.http.request_log import RequestLog, configure_logging
from api.http.throttle import failed_authentication_problem
from api.pages import install_pages
from api.routes import ROUTERS
from api.services.mail import MailSender
from api.services.questionnaires import load_and_register
from api.storage.db import make_engine, session_scope, writer
from api.storage.tables import utcnow
from questionnaires import QuestionnaireFileError

logger = logging.getLogger("api")

DESCRIPTION = """
OPM maturity self-assessment: OPM3-style questionnaires, answers from several respondents,
maturity scores per domain and stage, reports and comparisons over time.

Every request but `GET /v1/health` and shared links carries `Authorization: Bearer <secret>`.
Errors are `application/problem+json`.
"""


def create_app(
    settings: Settings | None = None, *, clock: Clock = utcnow, send_mail: bool = True
) -> FastAPI:
    """The application for `settings` (the environment's when None), telling time by `clock`.

    When mail is configured, the outbox's sender runs in the background while the app serves
    (`api.services.mail`); `send_mail=False` leaves it out (tests that drive a sender).
    """
    settings = settings or get_settings()
    configure_logging()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url, pool_size=settings.database_pool_size)
        app.state.engine = engine
        app.state.writer = writer(engine)
        try:
            with session_scope(engine, write=True) as session:
                try:
                    added = load_and_register(
                        session=session, extra_directories=settings.questionnaire_dirs
                    )
                except QuestionnaireFileError as error:
                    raise StartupRefused(str(error)) from None
                session.commit()
                logger.info("questionnaires registered: %d new", added)
            if settings.admin_key is None:
                logger.warning(
                    "No OPM_ADMIN_KEY: create an admin key with `opm key create --admin`."
                )
            if settings.mail_configured and send_mail:
                app.state.mail_sender = MailSender(engine=engine, settings=settings, clock=clock)
                app.state.mail_sender.start()
            yield
        finally:
            if app.state.mail_sender is not None:
                await app.state.mail_sender.stop()
                app.state.mail_sender = None
            app.state.engine.dispose()

    app = FastAPI(
        title="OPM maturity self-assessment",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        # The docs' pages load their scripts from a CDN, on the console's origin: only on
        # request (OPM_DOCS). The contract itself, /openapi.json, is always served.
        docs_url="/docs" if settings.docs else None,
        redoc_url="/redoc" if settings.docs else None,
    )
    app.state.settings = settings
    app.state.closed_reports = ClosedReports()
    app.state.clock = clock
    app.state.mail_sender = None
    install_error_handlers(app)
    app.add_exception_handler(FailedAuthentication, failed_authentication_problem)
    for router in ROUTERS:
        app.include_router(router)
    install_pages(app)
    # The last added runs first: every request is logged, every answer (a refusal too) gets
    # the security headers, and the host is checked before the body is read.
    app.add_middleware(RequestBody, max_bytes=settings.max_body_bytes)
    app.add_middleware(AllowedHosts, allowed_hosts=settings.allowed_hosts)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestLog)
    app.add_middleware(StartupRefusals)
    app.openapi = lambda: contract(app)  # type: ignore[method-assign]
    return app
