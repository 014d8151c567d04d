"""The address of a respondent's invitation link: `{public base}/a/{token}`, and links.csv.

The base is `OPM_PUBLIC_URL` when set, else the address the request came to (behind a trusted
proxy, the one it forwarded): the same base for the console's copyable links and `links.csv`.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request, Response

from api.core.config import Settings
from api.http.client_address import request_base_url
from api.render.links_csv import links_csv, links_filename
from api.services.respondents import IssuedLink

__all__ = ["invitation_url", "links_response"]


def invitation_url(request: Request, settings: Settings, token: str) -> str:
    base = settings.public_url or request_base_url(request, settings.trusted_proxies)
    return f"{base.rstrip('/')}/a/{token}"


def links_response(
    request: Request,
    settings: Settings,
    links: list[IssuedLink],
    *,
    organization_slug: str,
    assessment_id: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """links.csv, as the API and the console hand it out: a new link a respondent."""
    text = links_csv(
        (link.name, link.role, link.email, invitation_url(request, settings, link.token))
        for link in links
    )
    filename = links_filename(organization_slug, assessment_id)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={**(headers or {}), "Content-Disposition": f'attachment; filename="{filename}"'},
    )
