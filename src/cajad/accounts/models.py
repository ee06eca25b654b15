"""Account tables, on the register's metadata (migration ``0013_accounts``).

Accounts are disabled, never deleted, so that every audit entry keeps its author. Nothing
secret is stored as given: passwords as Argon2id hashes, sessions and API tokens as SHA-256
digests of their random secrets (a copy of the database signs nobody in).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cajad.register import Base


def utcnow() -> dt.datetime:
    """Now, in UTC without a zone (as every time of the register is stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Account(Base):
    """A person who signs in: e-mail, role, the organisations they edit for, password hash."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))  # cajad.accounts.policy.Role
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    password_set_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: Failed sign-ins since the last good one, and until when the account is locked.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)

    organisations: Mapped[list[AccountOrganisation]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="AccountOrganisation.organisation"
    )


class AccountOrganisation(Base):
    """An organisation an editor keeps the projects of (an organisation identifier)."""

    __tablename__ = "account_organisation"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    organisation: Mapped[str] = mapped_column(String(300), primary_key=True)


class AccountSession(Base):
    """A signed-in browser: the digest of its cookie's secret, its CSRF token, its expiry."""

    __tablename__ = "account_session"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class ApiToken(Base):
    """A bearer token for scripts: the digest of its secret, until it is revoked."""

    __tablename__ = "api_token"
    __table_args__ = (UniqueConstraint("digest", name="uq_api_token_digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class LoginAttempt(Base):
    """A sign-in tried: which e-mail, from which address, when, and whether it succeeded
    (the rate limit counts the failures of an address)."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
