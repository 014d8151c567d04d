"""Secrets: random, shown once, stored only as SHA-256, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import re
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


def same_secret(secret: str, stored_hash: str) -> bool:
    """Whether `secret` hashes to `stored_hash`, compared in constant time."""
    return hmac.compare_digest(secret_hash(secret), stored_hash)


def shown_prefix(secret: str) -> str:
    """The start of a secret that people see in lists to tell keys apart."""
    return secret[:SHOWN_PREFIX_LENGTH]


ID_BYTES = 10
_ID = re.compile(rf"^[a-z]{{3}}_[0-9a-f]{{{2 * ID_BYTES}}}$")


def new_id(kind: str) -> str:
    """An opaque id with a type prefix (`org_`, `asm_`, ...) that no slug can have."""
    return f"{kind}_{_random.token_hex(ID_BYTES)}"


def is_id(value: str, kind: str) -> bool:
    """Whether `value` could be an id of `kind` (a path id that cannot be is simply unknown)."""
    return value.startswith(f"{kind}_") and _ID.match(value) is not None
