"""How a page is sent: one Jinja2 environment (autoescaped), the pages' headers and cookies.

Every page carries a Content-Security-Policy without `unsafe-inline` or `unsafe-eval`: the one
stylesheet and the one script are files the app serves under `/assets/`, nothing comes from
another host, and no other site may frame a page. Session cookies are `HttpOnly`,
`SameSite=Lax` (an invitation is clicked in a mail client: a cross-site navigation) and
`Secure` when the request came over HTTPS.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined

from api.http.auth import CSRF_FIELD
from api.render.jinja import evidence_link, percent, when
from api.services import page_sessions

__all__ = [
    "ASSETS",
    "CONTENT_SECURITY_POLICY",
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
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Same-origin requests keep their `Origin` (checked on every form); nothing leaves the site.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("api", "pages/templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["percent"] = percent
    env.filters["when"] = when
    env.filters["evidence_link"] = evidence_link
    env.globals["assets"] = ASSETS
    env.globals["csrf_field"] = CSRF_FIELD
    return env


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
    html = environment().get_template(template).render(context)
    return HTMLResponse(html, status_code=status_code, headers={**PAGE_HEADERS, **(headers or {})})


def redirect(url: str) -> RedirectResponse:
    """303 See Other: after a form, the browser asks for the next page with GET."""
    return RedirectResponse(url, status_code=303, headers=PAGE_HEADERS)


def set_session_cookie(response: Response, request: Request, *, name: str, secret: str) -> None:
    response.set_cookie(
        name,
        secret,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def end_cookie(response: Response, request: Request, *, name: str) -> None:
    response.delete_cookie(
        name, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https"
    )
