"""Application errors and their one rendering: problem details (RFC 9457) as JSON.

    AppError                 any error a client caused; carries status, title, detail, errors
    ├── BadRequest           400 malformed request (JSON that does not parse, a bad cursor)
    ├── Unauthorized         401 no secret, an unknown, revoked or expired one
    │   └── FailedAuthentication  401 a secret was presented and is not valid: counted
    ├── Forbidden            403 a principal that can see the resource but lacks the right
    ├── NotFound             404 unknown, or in an organization the principal cannot see
    ├── Conflict             409 the state forbids it
    ├── PayloadTooLarge      413 a body over the limit
    ├── Invalid              422 well-formed but invalid content, with one entry per problem
    └── TooManyRequests      429 too many failed authentications from the client's address

A database that cannot be reached answers 503.

Use cases raise these; `api.http.problems.install_error_handlers` turns them, and FastAPI's
own errors, into `application/problem+json`. Anything else is logged and answered 500
without internals.

`StartupRefused` stands apart: it stops the service at start-up (a changed or broken
questionnaire file), with its message alone, and is never a request's answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

Location = Literal["body", "query", "path", "header"]


def field_problem(
    field: str, message: str, *, where: Location = "body", **details: Any
) -> dict[str, Any]:
    """One entry of a problem's `errors`: the field, where it is in the request, what is wrong.

    `details` are extra members placed before `message` (an answer item's `question_id`).
    """
    return {"field": field, "in": where, **details, "message": message}


class StartupRefused(Exception):
    """A reason the service must not start; its message alone tells the operator what to do.

    Not a client's error: it stops the start (`api.http.middleware.StartupRefusals`), never a
    request.
    """


class AppError(Exception):
    status = 500

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        # Extension members of the problem, beside `errors` (a close's `unsettled`).
        self.extensions = extensions or {}


class BadRequest(AppError):
    status = 400


class Unauthorized(AppError):
    status = 401


class FailedAuthentication(Unauthorized):
    """A presented secret that is unknown, revoked or expired; `api.http.throttle` counts it."""

    def __init__(self, detail: str, *, address: str, failed_at: datetime) -> None:
        super().__init__(detail)
        self.address = address
        self.failed_at = failed_at


class Forbidden(AppError):
    status = 403


class NotFound(AppError):
    status = 404


class Conflict(AppError):
    status = 409


class PayloadTooLarge(AppError):
    status = 413


class Invalid(AppError):
    status = 422

    @classmethod
    def field(
        cls, field: str, message: str, *, detail: str | None = None, where: Location = "body"
    ) -> Invalid:
        """422 naming one field; `detail` is the problem's sentence (`message` when None)."""
        return cls(detail or message, errors=[field_problem(field, message, where=where)])


class TooManyRequests(AppError):
    status = 429

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
