"""Dependencies shared by the routes: settings, database session, clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine
from sqlmodel import Session

from api.core.config import Settings
from api.storage.db import open_session

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# The dependencies that only read the app's state are coroutines: FastAPI runs a plain `def`
# dependency in its thread pool, a trip (and a wake-up of the event loop) for nothing here.


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_settings_dep(request: Request) -> Settings:
    return app_settings(request)


Clock = Callable[[], datetime]


def app_clock(request: Request) -> Clock:
    """The app's clock (aware UTC): what key expiry and the throttle take as now.

    A test replaces `app.state.clock` to move time instead of sleeping.
    """
    clock: Clock = request.app.state.clock
    return clock


def wake_mail_sender(app: Any) -> None:
    """Tell this process's mail sender that mail was queued (once it is committed: call it as
    a background task), so that it leaves now rather than at the sender's next look."""
    sender = getattr(app.state, "mail_sender", None)
    if sender is not None:
        sender.wake()


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request, committed when the route returns, before the response.

    So a response is sent only for what is stored (an acknowledged write is never lost), and a
    request that fails saves nothing. A writing method takes the write lock up front
    (`api.storage.db`).
    A coroutine: opening a session does no I/O (the connection is taken at the first
    statement), so only the commit, or the rollback of a failed request, goes to a thread
    (a read's commit on SQLite does not even need that).
    """
    state = request.app.state
    reading = request.method in READ_METHODS
    session = open_session(state.engine if reading else state.writer)
    try:
        yield session
        if session.in_transaction():
            if reading and state.engine.dialect.name == "sqlite":
                # A read's end on SQLite is a call into the library that never waits (in WAL
                # mode a reader holds nothing a writer waits for): not worth a thread's trip.
                session.commit()
            else:
                await run_in_threadpool(session.commit)
    finally:
        if session.in_transaction():
            await run_in_threadpool(session.close)  # a rollback: I/O
        else:
            session.close()


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
# scope="function": the commit above runs before the response is sent, not after.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
