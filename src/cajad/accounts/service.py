"""Accounts as an admin keeps them, and the authorization every edge asks.

Writes take an engine and run in one transaction, audited under the actor who made them
(entity ``account`` keyed by e-mail, ``api_token`` keyed by e-mail and token id; never a hash);
reads take a session. :func:`authorize` and :func:`authorize_project` are how the web and the
CLI apply :func:`cajad.accounts.policy.can`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Engine, delete, or_, select, update
from sqlalchemy.orm import Session

from cajad.accounts import passwords
from cajad.accounts.errors import (
    AccountInputError,
    DuplicateAccountError,
    NotAllowedError,
    NotSignedInError,
    UnknownAccountError,
)
from cajad.accounts.models import Account, AccountOrganisation, AccountSession, ApiToken, utcnow
from cajad.accounts.policy import Action, Principal, Role, can
from cajad.accounts.tokens import digest, new_token
from cajad.register import Actor, NotFoundError, Organisation, Project, audit, writing_scope

__all__ = [
    "AccountInfo",
    "TokenInfo",
    "acting",
    "add_account",
    "authorize",
    "authorize_project",
    "disable_account",
    "issue_token",
    "list_accounts",
    "list_tokens",
    "principal_of",
    "project_owner",
    "reset_password",
    "revoke_token",
]

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s.]{1,63}$")


@dataclass(frozen=True)
class AccountInfo:
    """An account as listed: never its password hash."""

    id: int
    email: str
    name: str
    role: str
    organisations: tuple[str, ...]
    active: bool
    locked: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TokenInfo:
    """An API token as listed: its id and label, never its secret."""

    id: int
    label: str
    created_at: str
    last_used_at: str | None
    revoked: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalise_email(email: str) -> str:
    """``email`` trimmed and lower-cased, refused unless it looks like one address."""
    cleaned = email.strip().lower()
    if not _EMAIL.match(cleaned):
        raise AccountInputError(f"`email` must be an e-mail address; got {email!r}")
    return cleaned


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise AccountInputError(f"`role` must be one of {roles}; got {role!r}") from None


def resolve_organisation(session: Session, given: str) -> str:
    """The identifier of the organisation ``given`` names (an IATI identifier, a name the
    register holds, or a project's owner); refused when the register knows no such one."""
    text = given.strip()
    org = session.scalar(
        select(Organisation).where(or_(Organisation.ref == text, Organisation.name == text))
    )
    if org is not None:
        return org.ref or org.name
    if session.scalar(select(Project.id).where(Project.owner == text).limit(1)) is not None:
        return text
    raise AccountInputError(
        f"`org` must be an organisation of the register (its IATI identifier or its name); "
        f"got {given!r}"
    )


def _state(account: Account) -> dict[str, Any]:
    """What the audit log records of an account (no hash, no secret)."""
    return {
        "email": account.email,
        "name": account.name,
        "role": account.role,
        "organisations": sorted(o.organisation for o in account.organisations),
        "active": account.active,
        "password_set_at": account.password_set_at.isoformat(timespec="seconds")
        if account.password_set_at
        else None,
    }


def _get(session: Session, email: str) -> Account:
    found = session.scalar(select(Account).where(Account.email == normalise_email(email)))
    if found is None:
        raise UnknownAccountError(f"no account {email!r}")
    return found


def add_account(
    engine: Engine,
    email: str,
    *,
    role: str,
    organisations: Sequence[str] = (),
    password: str | None = None,
    name: str | None = None,
    actor: str | Actor,
) -> tuple[AccountInfo, str | None]:
    """Create an account; return it and, when no password was given, the random one made
    for it (shown once, never stored as given). An editor needs an organisation."""
    address = normalise_email(email)
    kind = _role(role)
    if kind is Role.EDITOR and not organisations:
        raise AccountInputError("an editor needs at least one organisation (`--org`)")
    if organisations and kind is not Role.EDITOR:
        raise AccountInputError(f"only editors have organisations; {kind.value} got some")
    made = passwords.new_password() if password is None else None
    hashed = passwords.hash_password(password if password is not None else str(made))
    with writing_scope(engine, actor=actor) as session:
        if session.scalar(select(Account.id).where(Account.email == address)) is not None:
            raise DuplicateAccountError(f"an account {address!r} exists already")
        orgs = sorted({resolve_organisation(session, o) for o in organisations})
        account = Account(
            email=address,
            name=(name or address.partition("@")[0]).strip()[:200],
            role=kind.value,
            password_hash=hashed,
            password_set_at=utcnow(),
            active=True,
            failed_logins=0,
            organisations=[AccountOrganisation(organisation=o) for o in orgs],
        )
        session.add(account)
        session.flush()
        audit.record(
            session,
            action="insert",
            entity="account",
            key=address,
            before=None,
            after=_state(account),
        )
        return _info(account), made


def _info(account: Account) -> AccountInfo:
    return AccountInfo(
        id=account.id,
        email=account.email,
        name=account.name,
        role=account.role,
        organisations=tuple(o.organisation for o in account.organisations),
        active=account.active,
        locked=account.locked_until is not None and account.locked_until > utcnow(),
    )


def list_accounts(session: Session) -> list[AccountInfo]:
    """Every account, by e-mail."""
    return [_info(a) for a in session.scalars(select(Account).order_by(Account.email))]


def disable_account(engine: Engine, email: str, *, actor: str | Actor) -> AccountInfo:
    """Disable an account: it signs in no more, its sessions end, its tokens are revoked."""
    with writing_scope(engine, actor=actor) as session:
        account = _get(session, email)
        before = _state(account)
        account.active = False
        _end_sessions(session, account.id)
        session.execute(
            update(ApiToken)
            .where(ApiToken.account_id == account.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        audit.record(
            session,
            action="update",
            entity="account",
            key=account.email,
            before=before,
            after=_state(account),
        )
        return _info(account)


def reset_password(
    engine: Engine, email: str, *, password: str | None = None, actor: str | Actor
) -> str | None:
    """An admin's reset: a new password (random when none is given, returned to hand over
    once), the lock-out lifted, every session of the account ended."""
    made = passwords.new_password() if password is None else None
    hashed = passwords.hash_password(password if password is not None else str(made))
    with writing_scope(engine, actor=actor) as session:
        account = _get(session, email)
        before = _state(account)
        account.password_hash = hashed
        account.password_set_at = utcnow()
        account.failed_logins = 0
        account.locked_until = None
        _end_sessions(session, account.id)
        audit.record(
            session,
            action="update",
            entity="account",
            key=account.email,
            before=before,
            after=_state(account),
        )
    return made


def _end_sessions(session: Session, account_id: int) -> None:
    session.execute(delete(AccountSession).where(AccountSession.account_id == account_id))


def issue_token(
    engine: Engine, email: str, *, label: str = "", actor: str | Actor
) -> tuple[int, str]:
    """A new API token for the account: its id and its secret (shown once; only its digest
    is stored)."""
    secret = new_token()
    with writing_scope(engine, actor=actor) as session:
        account = _get(session, email)
        if not account.active:
            raise AccountInputError(f"account {account.email!r} is disabled")
        token = ApiToken(account_id=account.id, digest=digest(secret), label=label[:120])
        session.add(token)
        session.flush()
        audit.record(
            session,
            action="insert",
            entity="api_token",
            key=f"{account.email}/{token.id}",
            before=None,
            after={"token": token.id, "label": token.label, "revoked": False},
        )
        return token.id, secret


def revoke_token(engine: Engine, token_id: int, *, actor: str | Actor) -> None:
    """Revoke an API token (it is kept, revoked, for the record)."""
    with writing_scope(engine, actor=actor) as session:
        token = session.get(ApiToken, token_id)
        if token is None:
            raise UnknownAccountError(f"no API token {token_id}")
        if token.revoked_at is not None:
            return
        token.revoked_at = utcnow()
        owner = session.get(Account, token.account_id)
        key = f"{owner.email if owner else token.account_id}/{token.id}"
        audit.record(
            session,
            action="update",
            entity="api_token",
            key=key,
            before={"token": token.id, "label": token.label, "revoked": False},
            after={"token": token.id, "label": token.label, "revoked": True},
        )


def list_tokens(session: Session, email: str) -> list[TokenInfo]:
    """The account's API tokens, newest first (revoked ones too)."""
    account = _get(session, email)
    query = select(ApiToken).where(ApiToken.account_id == account.id).order_by(ApiToken.id.desc())
    return [
        TokenInfo(
            id=t.id,
            label=t.label,
            created_at=t.created_at.isoformat(timespec="seconds"),
            last_used_at=t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else None,
            revoked=t.revoked_at is not None,
        )
        for t in session.scalars(query)
    ]


def principal(account: Account) -> Principal:
    """The principal an active account acts as."""
    return Principal(
        id=account.id,
        email=account.email,
        role=Role(account.role),
        organisations=frozenset(o.organisation for o in account.organisations),
    )


def principal_of(session: Session, email: str) -> Principal:
    """The active account ``email`` as a principal (the CLI's ``--as``)."""
    account = _get(session, email)
    if not account.active:
        raise NotSignedInError(f"account {account.email!r} is disabled")
    return principal(account)


def acting(who: Principal) -> Actor:
    """The audit log's author for what ``who`` does: the account, never a typed name."""
    return Actor(who.email, who.id)


def authorize(who: Principal | None, action: Action, owner: str | None = None) -> Principal:
    """``who``, if :func:`~cajad.accounts.policy.can` allows ``action``; else refused: no
    account is :class:`NotSignedInError` (401), a refusing role :class:`NotAllowedError` (403)."""
    if can(who, action, owner):
        if who is None:  # only READ is allowed to the public, and it needs no principal
            raise NotSignedInError(f"{action.value} needs a signed-in account")
        return who
    if who is None:
        raise NotSignedInError(f"{action.value} needs a signed-in account")
    whose = f" of {owner}" if owner else " without an owner"
    scope = f" (a project{whose})" if action is Action.EDIT else ""
    raise NotAllowedError(f"{who.email} ({who.role.value}) may not {action.value}{scope}")


def project_owner(session: Session, identifier: str) -> str | None:
    """The owner of a project (None: none); a missing project is :class:`NotFoundError`."""
    found = session.execute(select(Project.owner).where(Project.identifier == identifier)).first()
    if found is None:
        raise NotFoundError(f"no project {identifier!r}")
    return found[0]


def authorize_project(
    session: Session, who: Principal | None, action: Action, identifier: str
) -> Principal:
    """:func:`authorize` ``action`` on the project ``identifier`` (read for its owner)."""
    if who is None:  # refuse before saying whether the project exists
        return authorize(who, action)
    return authorize(who, action, project_owner(session, identifier))
