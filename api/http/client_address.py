"""The address a request comes from, believing `X-Forwarded-For` only from trusted proxies.

The throttle counts failed authentications per address and the audit trail records it, so a
client must not be able to choose it: `X-Forwarded-For` is read only when the peer is one of
`OPM_TRUSTED_PROXIES`, and then from its right end, hop by hop, for as long as the hop that
added an entry is trusted. The first address not vouched for that way is the client's.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from starlette.requests import HTTPConnection

__all__ = [
    "MAX_ADDRESS_LENGTH",
    "Network",
    "client_address",
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
