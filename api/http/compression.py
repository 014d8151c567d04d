"""gzip on the wire for the large downloads, chosen per response rather than by a middleware.

Compressed, when the client's `Accept-Encoding` accepts gzip: an assessment's report as JSON,
CSV, workbook and page (the report page carries no form and no CSRF token), and its export.
Never compressed: the pages that carry a CSRF token (the console, the respondent's pages): a
secret compressed beside text an attacker can put on the same page is what BREACH reads, so they
stay out by construction, not by a path list. Other JSON is not compressed either: lists are paged
(at most 200 items), the rest are single resources of a few kilobytes, and some carry a secret
shown once (keys, tokens, share-link URLs).

A compressed response says `Content-Encoding: gzip`; every response that could be compressed
says `Vary: Accept-Encoding`, compressed or not, so that a cache keeps the two apart. The gzip
bytes are made with a fixed modification time, so the same body always compresses to the same
bytes: a closed report's compressed variant has its own strong ETag, the hash of those bytes.
"""

from __future__ import annotations

import gzip

from fastapi import Response

__all__ = [
    "GZIP_LEVEL",
    "accepts_gzip",
    "gzip_body",
    "gzipped",
    "vary_on_encoding",
]

GZIP_LEVEL = 6  # zlib's default: most of level 9's gain for a fraction of its time


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an `Accept-Encoding` header accepts gzip (RFC 9110 12.5.3): `gzip` (or `x-gzip`)
    with a non-zero weight, or `*` with one when gzip is not named."""
    if not accept_encoding:
        return False
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding, *params = (part.strip().lower() for part in item.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if coding:
            weights[coding] = weight
    for name in ("gzip", "x-gzip"):
        if name in weights:
            return weights[name] > 0
    return weights.get("*", 0.0) > 0


def gzip_body(body: bytes) -> bytes:
    """`body` gzipped, the same bytes for the same body (no time stamp in the header)."""
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def vary_on_encoding(response: Response) -> Response:
    """Add `Accept-Encoding` to the response's `Vary` (kept once)."""
    present = [v.strip() for v in response.headers.get("vary", "").split(",") if v.strip()]
    if "accept-encoding" not in (value.lower() for value in present):
        present.append("Accept-Encoding")
    response.headers["Vary"] = ", ".join(present)
    return response


def gzipped(response: Response, *, accept_encoding: str | None) -> Response:
    """`response` (its body in memory) gzipped when the client accepts it; `Vary` either way."""
    if accepts_gzip(accept_encoding) and "content-encoding" not in response.headers:
        response.body = gzip_body(bytes(response.body))
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Content-Length"] = str(len(response.body))
    return vary_on_encoding(response)
