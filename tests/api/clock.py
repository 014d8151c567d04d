"""A clock that tests move by hand, given to `create_app(clock=...)`: no test sleeps."""

from __future__ import annotations

from datetime import datetime, timedelta

from api.storage.tables import utcnow


class FakeClock:
    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
