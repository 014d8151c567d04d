"""Dependencies shared by the routes: settings, database session, clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlmodel import Session

from api.closed_reports import ClosedReports
from api.config import Settings
from api.db import session_scope

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# The dependencies that only read the app's state are coroutines: FastAPI runs a plain `def`
# dependency in its thread pool, a trip (and a wake-up of the event loop) for nothing here.


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


Clock = Callable[[], datetime]


async def get_clock(request: Request) -> Clock:
    """The app's clock (aware UTC): what key expiry and the throttle take as now.

    A test replaces `app.state.clock` to move time instead of sleeping.
    """
    clock: Clock = request.app.state.clock
    return clock


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request, committed when the route returns, before the response.

    So a response is sent only for what is stored (an acknowledged write is never lost), and a
    request that fails saves nothing. A writing method takes the write lock up front (`api.db`).
    """
    with session_scope(get_engine(request), write=request.method not in READ_METHODS) as session:
        yield session
        session.commit()


async def get_closed_reports(request: Request) -> ClosedReports:
    closed_reports: ClosedReports = request.app.state.closed_reports
    return closed_reports


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
ClosedReportsDep = Annotated[ClosedReports, Depends(get_closed_reports)]
ClockDep = Annotated[Clock, Depends(get_clock)]
# scope="function": the commit above runs before the response is sent, not after.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
