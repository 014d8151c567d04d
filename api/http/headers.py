"""Headers every response carries (`architecture.md`, Security model; issue 15, item 5).

- `X-Content-Type-Options: nosniff`: a browser never guesses a type other than the one sent.
- `Cache-Control: no-store` unless a response says otherwise: responses carry secrets (a key,
  a token, a share link's URL) and reports, exports and answers are confidential, so neither a
  browser nor a proxy keeps any of them. Cheaper to hold for every response than to remember
  for each new one that carries a secret.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULTS = (("x-content-type-options", "nosniff"), ("cache-control", "no-store"))


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in DEFAULTS:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
