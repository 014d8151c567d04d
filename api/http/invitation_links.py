"""The address of a respondent's invitation link: `{public base}/a/{token}`.

The base is `OPM_PUBLIC_URL` when set, else the address the request came to (behind a trusted
proxy, the one it forwarded): the same base for the console's copyable links and `links.csv`.
"""

from __future__ import annotations

from fastapi import Request

from api.core.config import Settings
from api.http.client_address import request_base_url

__all__ = ["invitation_url"]


def invitation_url(request: Request, settings: Settings, token: str | None) -> str:
    base = settings.public_url or request_base_url(request, settings.trusted_proxies)
    return f"{base.rstrip('/')}/a/{token}"
