"""Throttling failed authentication (issue 15, item 6), counted in the database.

A request that presents a secret which is unknown, revoked or expired is a failed
authentication; one that presents none is not (401, counted for nothing). Once an address has
failed `OPM_AUTH_FAILURE_LIMIT` times (20) within `WINDOW`, every request from it that presents
a secret answers 429 with `Retry-After` until enough of those failures are older than the
window: the secret is not even looked at, so a blocked client cannot tell a right guess from a
wrong one. Failures are rows of `auth_failure`, so every app process counts the same ones.

The count is read in the statement that looks up the key (`repository.get_api_key_and_failures`),
so a successful authentication costs no extra statement. A failure is written after the
request's own transaction has ended (its 401 is being rendered), in a transaction of its own:
the request's is rolled back, and on SQLite a writing request holds the write lock.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from api.core.errors import FailedAuthentication, TooManyRequests
from api.http.problems import app_problem
from api.storage import repository
from api.storage.db import session_scope

__all__ = [
    "WINDOW",
    "count_failure",
    "ensure_not_throttled",
    "failed_authentication_problem",
    "record_failure",
]

WINDOW = timedelta(minutes=1)

_logger = logging.getLogger("api")


def ensure_not_throttled(
    *, session: Session, address: str, failures: int, limit: int, now: datetime
) -> None:
    """429 when `failures` (within the window before `now`) reached `limit`."""
    if failures < limit:
        return
    times = repository.list_auth_failure_times(session=session, address=address, since=now - WINDOW)
    # Allowed again once all but limit - 1 of them are older than the window.
    freed_at = times[limit - 1] + WINDOW if len(times) >= limit else now
    wait = max(1, math.ceil((freed_at - now).total_seconds()))
    raise TooManyRequests(
        f"Too many failed authentications from this address: at most {limit} a "
        f"minute. Retry in {wait} s.",
        retry_after=wait,
    )


def record_failure(engine: Engine, *, address: str, failed_at: datetime) -> None:
    """Count one failed authentication; forget those older than the window, of every address."""
    with session_scope(engine, write=True) as session:
        repository.delete_auth_failures_before(session=session, cutoff=failed_at - WINDOW)
        repository.add_auth_failure(session=session, address=address, failed_at=failed_at)
        session.commit()


def count_failure(engine: Engine, failure: FailedAuthentication) -> None:
    """Count a failed authentication, the one way the API and the pages do it.

    Called once the request's own transaction has ended. Best effort: when the database cannot
    take the row, the failure is logged and the request answers as it would have (401 on the
    API, the page's own answer on the pages), never 500.
    """
    try:
        record_failure(engine, address=failure.address, failed_at=failure.failed_at)
    except SQLAlchemyError as error:
        _logger.error("could not record a failed authentication: %s", type(error).__name__)


def failed_authentication_problem(request: Request, exc: Exception) -> JSONResponse:
    """Count the failure, then answer 401 as any other (a sync handler: run in a thread)."""
    assert isinstance(exc, FailedAuthentication)
    count_failure(request.app.state.engine, exc)
    return app_problem(request, exc)
