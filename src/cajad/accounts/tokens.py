"""Random secrets (session cookies, API tokens, CSRF tokens) and the digests stored of them.

A secret is 256 random bits; the database keeps only its SHA-256 digest, which is enough to
find it again and useless to sign in with. (A slow hash is for passwords people choose; a
random 256-bit secret needs none.)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["TOKEN_PREFIX", "digest", "new_secret", "new_token", "same"]

#: API tokens start with this, so that a leaked one is recognised (by a secret scanner, a log).
TOKEN_PREFIX = "cajad_"


def new_secret() -> str:
    """256 random bits, URL-safe text (a session cookie's value, a CSRF token)."""
    return secrets.token_urlsafe(32)


def new_token() -> str:
    """A new API token: :data:`TOKEN_PREFIX` and 256 random bits."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """The SHA-256 digest (hex) stored in place of ``secret``."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same(given: str | None, expected: str) -> bool:
    """Whether ``given`` equals ``expected``, compared in constant time."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())
