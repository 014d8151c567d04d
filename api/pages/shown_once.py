"""A link shown once, across the redirect that follows the form that made it.

Every console form answers with a redirect (POST-redirect-GET: a refresh never repeats an
action). A form that makes a secret link (an invitation, a new link, a share link) therefore
hands it to the page the browser is sent to in a cookie of its own: `HttpOnly`,
`SameSite=Strict`, `Secure` over HTTPS, scoped to that page's path, living 5 minutes at most.
That page shows the link and ends the cookie in the same response, so a refresh, or the back
button, shows it no more. Before showing it, the page checks the secret against what is stored
(its hash names a respondent of this assessment, or a share link of this organization): a
cookie planted from elsewhere shows nothing. The secret is never written on the server side.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fastapi import Request
from fastapi.responses import Response

from api.core.config import Settings
from api.http.client_address import https_in_use

__all__ = ["SHOWN_ONCE_COOKIE", "ShownKind", "ShownOnce", "forget", "held", "hold"]

SHOWN_ONCE_COOKIE = "opm_shown_once"
_LIFETIME = 300  # seconds: enough for the redirect, not for the link to linger


class ShownKind(StrEnum):
    INVITATION = "invitation"  # a new respondent's link
    REISSUED = "reissued"  # a new link that ended the others
    SHARE_LINK = "share"  # a read-only link to a report or the overview


@dataclass(frozen=True)
class ShownOnce:
    kind: ShownKind
    subject_id: str  # the respondent or the share link
    secret: str


def _secure(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    return https_in_use(request, settings.trusted_proxies, settings.public_url)


def hold(response: Response, request: Request, *, path: str, shown: ShownOnce) -> None:
    """Hand `shown` to the page at `path` (the redirect's target), for one read."""
    response.set_cookie(
        SHOWN_ONCE_COOKIE,
        f"{shown.kind}:{shown.subject_id}:{shown.secret}",
        path=path,
        max_age=_LIFETIME,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )


def held(request: Request) -> ShownOnce | None:
    """What the form before handed to this page, unchecked (None when nothing or garbled)."""
    kind, _, rest = request.cookies.get(SHOWN_ONCE_COOKIE, "").partition(":")
    subject_id, _, secret = rest.partition(":")
    if kind not in set(ShownKind) or not subject_id or not secret:
        return None
    return ShownOnce(ShownKind(kind), subject_id, secret)


def forget(response: Response, request: Request, *, path: str) -> None:
    """End the cookie: what it held is shown now, or never."""
    response.delete_cookie(
        SHOWN_ONCE_COOKIE, path=path, httponly=True, samesite="strict", secure=_secure(request)
    )
