"""Where a request comes from, believing forwarded headers only from trusted proxies.

The one place that reads `X-Forwarded-For` and `X-Forwarded-Proto` (uvicorn's own reading is
off: `opm serve` passes `proxy_headers=False`, since it would trust 127.0.0.1 whatever
`OPM_TRUSTED_PROXIES` says).

The throttle counts failed authentications per address and the audit trail records it, so a
client must not be able to choose it: `X-Forwarded-For` is read only when the peer is one of
`OPM_TRUSTED_PROXIES`, and then from its right end, hop by hop, for as long as the hop that
added an entry is trusted. The first address not vouched for that way is the client's.

The scheme decides share and invitation links and the `Secure` flag of session cookies, so
`X-Forwarded-Proto` too is read only from a trusted peer (its last entry: the one that peer
wrote). Links use `OPM_PUBLIC_URL` when it is set; cookies are `Secure` when it or the
request is https.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

__all__ = [
    "MAX_ADDRESS_LENGTH",
    "Network",
    "client_address",
    "https_in_use",
    "request_base_url",
    "request_scheme",
]

Network = IPv4Network | IPv6Network
MAX_ADDRESS_LENGTH = 64  # an IPv6 address is at most 45 characters; a test client's name less


def _parsed(text: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: str, proxies: list[Network]) -> bool:
    parsed = _parsed(address)
    return parsed is not None and any(parsed in network for network in proxies)


def client_address(request: HTTPConnection, trusted_proxies: list[Network]) -> str:
    """The client's address: the peer's, or what trusted proxies say it is."""
    address = request.client.host if request.client else "unknown"
    if trusted_proxies and _trusted(address, trusted_proxies):
        forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
        for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
            parsed = _parsed(hop)
            if parsed is None:
                break
            address = str(parsed)
            if not _trusted(address, trusted_proxies):
                break
    return address[:MAX_ADDRESS_LENGTH]


def request_scheme(request: HTTPConnection, trusted_proxies: list[Network]) -> str:
    """`http` or `https`: the connection's, or what a trusted proxy says the client used."""
    scheme = request.url.scheme
    peer = request.client.host if request.client else ""
    if trusted_proxies and _trusted(peer, trusted_proxies):
        forwarded = ",".join(request.headers.getlist("x-forwarded-proto")).split(",")
        said = forwarded[-1].strip().lower()
        if said in ("http", "https"):
            scheme = said
    return "https" if scheme in ("https", "wss") else "http"


def request_base_url(request: HTTPConnection, trusted_proxies: list[Network]) -> str:
    """The request's base URL (`scheme://host/`), with the scheme of `request_scheme`."""
    parts = urlsplit(str(request.base_url))
    return parts._replace(scheme=request_scheme(request, trusted_proxies)).geturl()


def https_in_use(request: HTTPConnection, trusted_proxies: list[Network], public_url: str) -> bool:
    """Whether the browser talks HTTPS to the service: `OPM_PUBLIC_URL` or the request says so."""
    return (
        urlsplit(public_url).scheme == "https"
        or request_scheme(request, trusted_proxies) == "https"
    )
