"""How a page is sent: its template (`api.render`'s one Jinja environment), headers and cookies.

Every page carries a Content-Security-Policy without `unsafe-inline` or `unsafe-eval`: the one
stylesheet and the one script are files the app serves under `/assets/`, nothing comes from
another host, and no other site may frame a page. Session cookies are `HttpOnly`,
`SameSite=Lax` (an invitation is clicked in a mail client: a cross-site navigation) and
`Secure` when the browser talks HTTPS: `OPM_PUBLIC_URL` is https, or the request came over
HTTPS (`X-Forwarded-Proto` of a trusted proxy included, `api.http.client_address`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.core.config import Settings
from api.http.client_address import https_in_use
from api.http.page_sessions import CSRF_FIELD
from api.render.jinja import environment
from api.services import page_sessions

__all__ = [
    "ASSETS",
    "CONTENT_SECURITY_POLICY",
    "PAGE_GLOBALS",
    "PAGE_HEADERS",
    "csrf_of",
    "end_cookie",
    "environment",
    "page",
    "redirect",
    "set_session_cookie",
]

ASSETS = "/assets"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
PAGE_GLOBALS = {"assets": ASSETS, "csrf_field": CSRF_FIELD}  # what every page template names
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Same-origin requests keep their `Origin` (checked on every form); nothing leaves the site.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def csrf_of(request: Request, cookie: str) -> str:
    """The CSRF token of the session in `cookie` ("" without one), for the page's forms."""
    secret = request.cookies.get(cookie)
    return page_sessions.csrf_token(secret) if secret else ""


def page(
    template: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """The template rendered, with the pages' security headers."""
    context.setdefault("csrf", "")
    context.setdefault("signed_in", None)
    html = environment().get_template(template).render(context, **PAGE_GLOBALS)
    return HTMLResponse(html, status_code=status_code, headers={**PAGE_HEADERS, **(headers or {})})


def redirect(url: str) -> RedirectResponse:
    """303 See Other: after a form, the browser asks for the next page with GET."""
    return RedirectResponse(url, status_code=303, headers=PAGE_HEADERS)


def _secure(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    return https_in_use(request, settings.trusted_proxies, settings.public_url)


def set_session_cookie(response: Response, request: Request, *, name: str, secret: str) -> None:
    response.set_cookie(
        name, secret, path="/", httponly=True, samesite="lax", secure=_secure(request)
    )


def end_cookie(response: Response, request: Request, *, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=_secure(request))
