"""Secrets: random, shown once, stored only as SHA-256 (`api.http.bearer` finds them by hash).

Ids are not secrets: `api.core.ids`.
"""

from __future__ import annotations

import hashlib
import secrets as _random

KEY_PREFIX = "opmk_"
RESPONDENT_PREFIX = "opmr_"
SHARE_PREFIX = "opms_"
SECRET_BYTES = 32
SHOWN_PREFIX_LENGTH = 12


def new_secret(prefix: str) -> str:
    """A new secret with a readable prefix that says what it is for."""
    return prefix + _random.token_urlsafe(SECRET_BYTES)


def secret_hash(secret: str) -> str:
    """The SHA-256 (hex) under which a secret is stored and looked up (of any text at all)."""
    return hashlib.sha256(secret.encode("utf-8", errors="surrogatepass")).hexdigest()


def shown_prefix(secret: str) -> str:
    """The start of a secret that people see in lists to tell keys apart."""
    return secret[:SHOWN_PREFIX_LENGTH]
