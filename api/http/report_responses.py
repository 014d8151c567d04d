"""A closed assessment's report, made once per format: its bytes kept with a strong ETag.

A closed assessment never changes (`architecture.md`, immutability rules): its report in any
format is a function of rows frozen at close (the stored score card and close context, the
assessment, its respondents and answers, the pinned questionnaire version). So the bytes are
made at the first request and kept, bounded, in the process, keyed by the assessment id and its
close time (the card is written once, at close, with that time), the format and whether the
page is shared. The key is read from the assessment's row alone: the stored card, tens of
kilobytes, is read only when the bytes are made.
Every process makes the same bytes from the same rows, so the cache cannot make one process
answer differently from another; a new process makes them again at its first request. Kept
here rather than in a table: a stored page would freeze the renderer of its day (a new page
design, a new header field would never reach older reports), and a `GET` would have to write.

The ETag is the SHA-256 of the bytes (quoted): `If-None-Match` with it answers 304.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from api.core.enums import AssessmentStatus
from api.schemas import OrganizationSummary
from api.storage.tables import AssessmentRow, OrganizationRow

__all__ = ["MAX_BYTES", "Artifact", "ClosedReports", "etag_matches"]

MAX_BYTES = 32 * 1024 * 1024  # per process: a few dozen closed reports in every format


@dataclass(frozen=True)
class Artifact:
    """A report's bytes; `etag` is set for a closed report only (an open one is live)."""

    body: bytes
    etag: str | None


def _artifact(body: bytes) -> Artifact:
    return Artifact(body=body, etag=f'"{hashlib.sha256(body).hexdigest()}"')


class ClosedReports:
    """The reports of closed assessments, least recently used first out past `max_bytes`."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._kept: OrderedDict[Hashable, Artifact] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def kept(
        self, *, assessment: AssessmentRow, organization: OrganizationRow, variant: str
    ) -> Artifact | None:
        """The report's bytes in `variant` when they are kept already; no I/O."""
        key = _key(assessment, organization, variant)
        if key is None:
            return None
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
            return kept

    def report(
        self,
        *,
        assessment: AssessmentRow,
        organization: OrganizationRow,
        variant: str,
        make: Callable[[], bytes],
    ) -> Artifact:
        """The report's bytes in `variant` (a format, shared or not); `make()` makes them.

        An open assessment's report is made at every call, without an ETag.
        """
        key = _key(assessment, organization, variant)
        if key is None:
            return Artifact(body=make(), etag=None)
        kept = self.kept(assessment=assessment, organization=organization, variant=variant)
        if kept is not None:
            return kept
        # Made outside the lock: two first requests may both make it (the same bytes).
        artifact = _artifact(make())
        with self._lock:
            if key not in self._kept and len(artifact.body) <= self.max_bytes:
                self._kept[key] = artifact
                self._size += len(artifact.body)
                while self._size > self.max_bytes:
                    _, dropped = self._kept.popitem(last=False)
                    self._size -= len(dropped.body)
        return artifact


def _key(assessment: AssessmentRow, organization: OrganizationRow, variant: str) -> Hashable | None:
    """What a closed report's bytes depend on that could differ between two reads; None if open.

    A close context without the organization (an older close) shows today's organization,
    which can change: it is part of the key then.
    """
    if assessment.status != AssessmentStatus.CLOSED:
        return None
    context = assessment.close_context or {}
    today = (
        None
        if context.get("organization") is not None
        else OrganizationSummary.model_validate(organization).model_dump_json()
    )
    return (assessment.id, assessment.closed_at, variant, today)


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an `If-None-Match` header names `etag` (weak comparison, RFC 9110 13.1.2)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))
