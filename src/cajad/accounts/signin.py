"""Signing in and out, server-side sessions, and API tokens as requests present them.

* **Sign-in** checks the password against its Argon2id hash. One message answers a wrong
  e-mail and a wrong password alike, and both take as long. Every attempt is recorded
  (``login_attempt``). After :data:`MAX_FAILURES` failures in a row an account is locked for
  :data:`LOCKOUT`; an address with :data:`ADDRESS_FAILURES` failures within :data:`WINDOW` is
  refused until they age out (429, ``Retry-After``). A good sign-in clears the account's count.
* **Sessions** are rows keyed by the digest of the cookie's random secret, with a CSRF token
  of their own. One lasts :data:`IDLE` after its last use and never beyond :data:`LONGEST`
  from its start; signing out, a password reset or disabling the account ends it.
* **API tokens** are found by the digest of the bearer secret; a revoked token or a disabled
  account's signs nobody in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from cajad.accounts import passwords
from cajad.accounts.errors import LockedOutError, NotSignedInError
from cajad.accounts.models import Account, AccountSession, ApiToken, LoginAttempt, utcnow
from cajad.accounts.policy import Principal
from cajad.accounts.service import normalise_email, principal
from cajad.accounts.tokens import digest, new_secret
from cajad.register import session_scope, writing_scope

__all__ = [
    "ADDRESS_FAILURES",
    "IDLE",
    "LOCKOUT",
    "LONGEST",
    "MAX_FAILURES",
    "WINDOW",
    "SignedIn",
    "session_principal",
    "sign_in",
    "sign_out",
    "token_principal",
]

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
ADDRESS_FAILURES = 20
WINDOW = dt.timedelta(minutes=15)
IDLE = dt.timedelta(hours=12)
LONGEST = dt.timedelta(days=7)
#: A token's last use is written at most this often (not one write per request).
_TOUCH = dt.timedelta(minutes=1)

_WRONG = "wrong e-mail or password"


@dataclass(frozen=True)
class SignedIn:
    """A new session: who, the cookie's secret (only its digest is stored), its CSRF token."""

    principal: Principal
    secret: str
    csrf: str
    expires_at: dt.datetime


def sign_in(engine: Engine, email: str, password: str, *, address: str) -> SignedIn:
    """Check the password and open a session; refused (and recorded) otherwise."""
    try:
        address_email = normalise_email(email)
    except ValueError:
        address_email = email.strip().lower()[:254]
    refusal: Exception | None = None
    # The hash is checked before the write lock is taken (it is slow on purpose): sign-ins,
    # failed ones above all, must not hold up every other writer for as long.
    with session_scope(engine, actor="sign-in") as session:
        found = session.scalar(select(Account).where(Account.email == address_email))
        seen = found.password_hash if found is not None and found.active else None
    checked = (seen, passwords.verify_password(seen, password))
    with writing_scope(engine, actor="sign-in") as session:
        now = utcnow()
        try:
            _check_address(session, address[:64], now)
            account = session.scalar(select(Account).where(Account.email == address_email))
            who = _check_password(account, password, now, checked)
            session.add(LoginAttempt(email=address_email, address=address[:64], succeeded=True))
            return _open(session, who, now)
        except (LockedOutError, NotSignedInError) as exc:
            session.add(LoginAttempt(email=address_email, address=address[:64], succeeded=False))
            refusal = exc  # recorded, and committed, before it is raised
    assert refusal is not None
    raise refusal


def _check_address(session: Session, address: str, now: dt.datetime) -> None:
    failures = session.scalar(
        select(func.count()).where(
            LoginAttempt.address == address,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at > now - WINDOW,
        )
    )
    if failures is not None and failures >= ADDRESS_FAILURES:
        raise LockedOutError(
            "too many failed sign-ins from this address; try again later",
            retry_after=int(WINDOW.total_seconds()),
        )


def _check_password(
    account: Account | None, password: str, now: dt.datetime, checked: tuple[str | None, bool]
) -> Principal:
    """The account's principal if ``password`` is its password, else refused (and counted).
    ``checked`` is a hash and whether the password matched it, found before the write lock;
    it is checked again only if the hash changed since (a reset in between)."""
    if account is not None and account.locked_until is not None and account.locked_until > now:
        wait = int((account.locked_until - now).total_seconds()) + 1
        raise LockedOutError(
            f"this account is locked after {MAX_FAILURES} failed sign-ins; try again in "
            f"{(wait + 59) // 60} minutes, or ask an admin to reset the password",
            retry_after=wait,
        )
    stored = account.password_hash if account is not None and account.active else None
    seen, matched = checked
    if stored != seen:
        matched = passwords.verify_password(stored, password)
    if not matched or stored is None or account is None:
        if account is not None:
            account.failed_logins += 1
            if account.failed_logins >= MAX_FAILURES:
                account.locked_until = now + LOCKOUT
                account.failed_logins = 0
        raise NotSignedInError(_WRONG)
    account.failed_logins = 0
    account.locked_until = None
    if account.password_hash and passwords.needs_rehash(account.password_hash):
        account.password_hash = passwords.hash_password(password)
    return principal(account)


def _open(session: Session, who: Principal, now: dt.datetime) -> SignedIn:
    secret, csrf = new_secret(), new_secret()
    expires = now + IDLE
    session.add(
        AccountSession(
            digest=digest(secret), account_id=who.id, csrf=csrf, created_at=now, expires_at=expires
        )
    )
    # Sessions that ran out are removed as new ones open (no separate clean-up job).
    session.execute(delete(AccountSession).where(AccountSession.expires_at < now))
    return SignedIn(who, secret, csrf, expires)


def session_principal(session: Session, secret: str) -> tuple[Principal, str] | None:
    """The account a session cookie signs in, and the session's CSRF token; None when the
    session is unknown, ran out or its account is disabled. Its expiry moves on with use."""
    found = session.get(AccountSession, digest(secret))
    now = utcnow()
    if found is None or found.expires_at <= now:
        return None
    account = session.get(Account, found.account_id)
    if account is None or not account.active:
        return None
    renewed = min(now + IDLE, found.created_at + LONGEST)
    if renewed - found.expires_at > _TOUCH:
        found.expires_at = renewed
    return principal(account), found.csrf


def sign_out(engine: Engine, secret: str) -> None:
    """End the session of this cookie secret (nothing if it is unknown)."""
    with writing_scope(engine, actor="sign-out") as session:
        session.execute(delete(AccountSession).where(AccountSession.digest == digest(secret)))


def token_principal(session: Session, secret: str) -> Principal | None:
    """The account an API token signs in; None when unknown, revoked or disabled."""
    token = session.scalar(select(ApiToken).where(ApiToken.digest == digest(secret)))
    if token is None or token.revoked_at is not None:
        return None
    account = session.get(Account, token.account_id)
    if account is None or not account.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > _TOUCH:
        token.last_used_at = now
    return principal(account)
