"""Which `Host` headers the service answers (`OPM_ALLOWED_HOSTS`; issue 15, item 3).

Share links are built from `OPM_PUBLIC_URL`, else from the request's own address; so a request
for a host that is not ours must never get that far, or a link handed out would point to
whatever host a client or a careless proxy named, with its token. Starlette's trusted-host
middleware decides; its refusal is answered in the one error shape of the API (problem JSON)
rather than its plain text. The settings refuse a wildcard without `OPM_PUBLIC_URL`, so a link
is only ever built on a host named in full.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.problems import problem

ALLOWED = "opm.host_allowed"


def host_pattern(host: str) -> str:
    """A host as the `Host` header writes it: an IPv6 address in brackets, lower case."""
    host = host.strip().lower()
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return host


class AllowedHosts:
    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str]) -> None:
        self.app = app
        self.check = TrustedHostMiddleware(
            self._allowed,
            allowed_hosts=[host_pattern(h) for h in allowed_hosts],
            www_redirect=False,
        )

    async def _allowed(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[ALLOWED] = True
        await self.app(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.check(scope, receive, send)
            return

        async def refuse_as_problem(message: Message) -> None:
            if scope.get(ALLOWED):
                await send(message)
            elif message["type"] == "http.response.start":  # the refusal's plain text is dropped
                refusal = problem(400, "This service does not answer for the host in the request.")
                await refusal(scope, receive, send)

        await self.check(scope, receive, refuse_as_problem)
