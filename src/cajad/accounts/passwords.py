"""Passwords: Argon2id hashes (argon2-cffi, RFC 9106's second recommended parameters), and
new random passwords for first sign-ins and resets."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from cajad.accounts.errors import AccountInputError

__all__ = ["MIN_LENGTH", "check_strength", "hash_password", "new_password", "verify_password"]

#: The shortest password accepted (NIST SP 800-63B asks for at least 8; we ask for more).
MIN_LENGTH = 12
#: Longer input is refused before hashing (a megabyte password is a denial of service).
MAX_LENGTH = 1024

_HASHER = PasswordHasher()  # Argon2id, t=3, m=64 MiB, p=4
#: Verified when an e-mail has no account, so that a wrong e-mail takes as long as a wrong
#: password and the timing tells nobody which e-mails have accounts.
_DUMMY = _HASHER.hash(secrets.token_urlsafe(16))


def check_strength(password: str) -> str:
    """``password``, refused if it is too short or too long."""
    if len(password) < MIN_LENGTH:
        raise AccountInputError(
            f"a password must have at least {MIN_LENGTH} characters; got {len(password)}"
        )
    if len(password) > MAX_LENGTH:
        raise AccountInputError(f"a password must have at most {MAX_LENGTH} characters")
    return password


def hash_password(password: str) -> str:
    """The Argon2id hash of an accepted password."""
    return _HASHER.hash(check_strength(password))


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the ``stored`` hash (None: no password; still as slow)."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether a stored hash was made with weaker parameters than today's."""
    return bool(_HASHER.check_needs_rehash(stored))


def new_password() -> str:
    """A random password to hand over once (about 128 bits)."""
    return secrets.token_urlsafe(16)
