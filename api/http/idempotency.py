"""`Idempotency-Key` on creating POSTs (`api.md`, Retries).

A key is scoped to the principal, the method and the path and kept 24 hours. The same key
with the same body replays the first response (status and body) and creates nothing; with
another body it answers 422. The record is written in the same transaction as what the
request created, so a retry never sees one without the other. Secrets are never kept: a
replayed response carries null where the first carried a key or a token.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, TypeVar

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, WithJsonSchema
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api.core.errors import Conflict, Invalid
from api.core.ids import named_by
from api.http.bearer import PrincipalDep
from api.http.deps import SessionDep
from api.storage import repository
from api.storage.tables import IdempotencyRow, utcnow

KEPT_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255
SECRET_FIELDS = ("api_key", "token")

Created = TypeVar("Created", bound=BaseModel)


@dataclass(frozen=True)
class Retry:
    principal: str
    method: str
    path: str
    key: str | None
    request_hash: str

    def respond(
        self,
        *,
        session: Session,
        status_code: int,
        create: Callable[[], Created],
        secret_fields: tuple[str, ...] = (),
    ) -> Created | JSONResponse:
        """Run `create` once per key: later calls with the key replay its response.

        The kept response has null for `SECRET_FIELDS` and for `secret_fields`, the fields of
        this response that carry a secret (a share link's `url` holds its token).
        """
        if self.key is None:
            return create()
        now = utcnow()
        repository.delete_idempotency_records_before(session=session, cutoff=now - KEPT_FOR)
        record = repository.get_idempotency_record(
            session=session,
            principal=self.principal,
            method=self.method,
            path=self.path,
            key=self.key,
        )
        if record is not None:
            if record.request_hash != self.request_hash:
                raise Invalid.field(
                    "Idempotency-Key",
                    "reused",
                    detail="This Idempotency-Key was used with another request body.",
                    where="header",
                )
            return JSONResponse(json.loads(record.body), status_code=record.status_code)
        created = create()
        kept = created.model_dump(mode="json")
        for field in (*SECRET_FIELDS, *secret_fields):
            if field in kept:
                kept[field] = None
        # A bulk creation's `items` each carry a token (`POST .../respondents/bulk`).
        for item in kept.get("items") or []:
            for field in SECRET_FIELDS:
                if isinstance(item, dict) and field in item:
                    item[field] = None
        session.add(
            IdempotencyRow(
                principal=self.principal,
                method=self.method,
                path=self.path,
                key=self.key,
                request_hash=self.request_hash,
                status_code=status_code,
                body=json.dumps(kept, separators=(",", ":")),
                created_at=now,
            )
        )
        try:
            session.flush()
        except IntegrityError:
            raise Conflict(
                "A request with this Idempotency-Key is in progress; retry it to get its response."
            ) from None
        return created


async def request_hash(request: Request) -> str:
    """SHA-256 of the body as canonical JSON (key order does not matter), else of its bytes."""
    body = await request.body()
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
    except (ValueError, RecursionError):
        return hashlib.sha256(body).hexdigest()
    return hashlib.sha256(canonical.encode()).hexdigest()


def _canonical_path(request: Request, session: Session) -> str:
    """The path with the organization named by its id, so a slug and an id are one path."""
    path = request.url.path
    org = request.path_params.get("org")
    if org is not None and named_by("org", org) == "slug":
        organization = repository.get_organization(session=session, id_or_slug=org)
        if organization is not None:
            path = path.replace(f"/organizations/{org}", f"/organizations/{organization.id}", 1)
    return path


def get_retry(
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    body_hash: Annotated[str, Depends(request_hash)],
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Any text of yours, 1 to 255 characters: the same key with the same "
            "body within 24 hours replays the first response and creates nothing new.",
        ),
        # A header is there or not (never null); its length is checked below, in our words.
        WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH}),
    ] = None,
) -> Retry:
    if key is not None and not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise Invalid.field(
            "Idempotency-Key",
            "bad length",
            detail=f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.",
            where="header",
        )
    return Retry(
        principal=principal.id,
        method=request.method,
        path=_canonical_path(request, session) if key is not None else request.url.path,
        key=key,
        request_hash=body_hash,
    )


RetryDep = Annotated[Retry, Depends(get_retry)]
