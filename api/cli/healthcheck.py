"""`python -m api.cli.healthcheck`: the image's HEALTHCHECK (the slim base has no curl).

Asks `GET /v1/health` of the server in this container and exits 0 when it answers 200, 1 on
anything else (503 when the database is unreachable, no answer, a timeout). The request names
a host the service answers for (`OPM_ALLOWED_HOSTS`): the loopback address it connects to may
not be one of them. Standard library only, so that a check costs little.
"""

from __future__ import annotations

import http.client
import os
import sys

__all__ = ["PORT", "TIMEOUT_SECONDS", "health_host", "healthy", "main"]

PORT = 8000
TIMEOUT_SECONDS = 4


def health_host(allowed_hosts: str) -> str:
    """A `Host` header the service accepts: the first host of OPM_ALLOWED_HOSTS, made concrete."""
    first = next((h.strip() for h in allowed_hosts.split(",") if h.strip()), "127.0.0.1")
    if first == "*":
        return "127.0.0.1"
    if first.startswith("*."):
        return "healthcheck" + first[1:]
    if ":" in first and not first.startswith("["):
        return f"[{first}]"
    return first


def healthy(*, port: int = PORT, host: str = "127.0.0.1", timeout: float = TIMEOUT_SECONDS) -> bool:
    """Whether the service on 127.0.0.1:`port` answers `GET /v1/health` with 200."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/v1/health", headers={"Host": host})
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def main() -> int:
    """0 when the service here answers its health check, 1 otherwise (the exit status)."""
    host = health_host(os.environ.get("OPM_ALLOWED_HOSTS", ""))
    return 0 if healthy(host=host) else 1


if __name__ == "__main__":
    sys.exit(main())
