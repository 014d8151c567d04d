"""Dependencies shared by the routes: settings, database session, clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlmodel import Session

from api.config import Settings
from api.db import session_scope

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


Clock = Callable[[], datetime]


def get_clock(request: Request) -> Clock:
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


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
ClockDep = Annotated[Clock, Depends(get_clock)]
# scope="function": the commit above runs before the response is sent, not after.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
