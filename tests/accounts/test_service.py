"""Accounts as the service keeps them: passwords hashed with Argon2id, secrets stored as
digests, sign-in refused the same way for a wrong e-mail or password, the lock-out and the
address rate limit, sessions and tokens ended by a reset, a revocation or disabling; every
change audited under its author, never with a hash."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select, update

from cajad.accounts import (
    AccountInfo,
    Action,
    LockedOutError,
    NotAllowedError,
    NotSignedInError,
    TokenInfo,
    acting,
    add_account,
    authorize,
    authorize_project,
    disable_account,
    issue_token,
    list_accounts,
    list_tokens,
    principal_of,
    reset_password,
    revoke_token,
    session_principal,
    sign_in,
    sign_out,
    token_principal,
)
from cajad.accounts.models import Account, AccountSession, ApiToken, LoginAttempt
from cajad.accounts.signin import ADDRESS_FAILURES, MAX_FAILURES
from cajad.accounts.tokens import digest
from cajad.register import AuditEntry, NotFoundError, session_scope
from tests.accounts.conftest import JICA, OTHER, PASSWORD, Person, owned_by


def test_passwords_and_secrets_are_never_stored_as_given(
    engine: Engine, people: dict[str, Person]
) -> None:
    with session_scope(engine) as session:
        account = session.scalar(select(Account).where(Account.email == "editor@example.org"))
        assert account is not None and account.password_hash is not None
        assert (
            account.password_hash.startswith("$argon2id$") and PASSWORD not in account.password_hash
        )
        tokens = list(session.scalars(select(ApiToken.digest)))
        assert digest(people["editor"].token) in tokens and people["editor"].token not in tokens
        states = [str(e.after) for e in session.scalars(select(AuditEntry))]
    assert not any("argon2" in s or people["editor"].token in s for s in states)


def test_sign_in_opens_a_session_and_sign_out_ends_it(
    engine: Engine, people: dict[str, Person]
) -> None:
    signed = sign_in(engine, " Editor@Example.org ", PASSWORD, address="10.0.0.1")
    assert signed.principal.email == "editor@example.org"
    assert signed.principal.organisations == frozenset({JICA})
    with session_scope(engine) as session:
        found = session_principal(session, signed.secret)
        assert found is not None and found[1] == signed.csrf
        assert session.get(AccountSession, signed.secret) is None  # stored by digest only
    sign_out(engine, signed.secret)
    with session_scope(engine) as session:
        assert session_principal(session, signed.secret) is None


def test_a_wrong_email_and_a_wrong_password_get_one_answer(
    engine: Engine, people: dict[str, Person]
) -> None:
    messages = set()
    for email, password in (("nobody@example.org", PASSWORD), ("editor@example.org", "x" * 14)):
        with pytest.raises(NotSignedInError) as refused:
            sign_in(engine, email, password, address="10.0.0.2")
        messages.add(str(refused.value))
    assert messages == {"wrong e-mail or password"}
    with session_scope(engine) as session:
        recorded = session.scalars(select(LoginAttempt.succeeded)).all()
    assert recorded == [False, False]


def test_failed_sign_ins_lock_the_account_until_an_admin_resets_it(
    engine: Engine, people: dict[str, Person]
) -> None:
    for attempt in range(MAX_FAILURES):
        with pytest.raises(NotSignedInError):
            sign_in(
                engine, "viewer@example.org", f"wrong password {attempt}", address=f"a{attempt}"
            )
    with pytest.raises(LockedOutError) as locked:
        sign_in(engine, "viewer@example.org", PASSWORD, address="a-good")  # right, but locked
    assert locked.value.retry_after > 0
    assert [a.locked for a in list_accounts_of(engine, "viewer@example.org")] == [True]
    made = reset_password(engine, "viewer@example.org", actor="tests")
    assert made is not None
    assert sign_in(engine, "viewer@example.org", made, address="a-good").principal.role == "viewer"
    with pytest.raises(NotSignedInError):
        sign_in(engine, "viewer@example.org", PASSWORD, address="a-good")  # the old one


def test_the_lock_out_ends_by_itself(engine: Engine, people: dict[str, Person]) -> None:
    for attempt in range(MAX_FAILURES):
        with pytest.raises(NotSignedInError):
            sign_in(engine, "viewer@example.org", f"wrong password {attempt}", address="b")
    with session_scope(engine) as session:
        past = dt.datetime(2000, 1, 1)
        session.execute(update(Account).values(locked_until=past))
    assert sign_in(engine, "viewer@example.org", PASSWORD, address="b2").principal


def test_an_address_with_too_many_failures_is_refused(
    engine: Engine, people: dict[str, Person]
) -> None:
    emails = [f"nobody{i}@example.org" for i in range(ADDRESS_FAILURES)]
    for email in emails:  # unknown e-mails: no account to lock, the address is counted
        with pytest.raises(NotSignedInError):
            sign_in(engine, email, PASSWORD, address="203.0.113.9")
    with pytest.raises(LockedOutError):
        sign_in(engine, "editor@example.org", PASSWORD, address="203.0.113.9")
    assert sign_in(engine, "editor@example.org", PASSWORD, address="203.0.113.10").principal


def test_tokens_are_revocable_and_die_with_their_account(
    engine: Engine, people: dict[str, Person]
) -> None:
    reviewer, analyst = people["reviewer"], people["analyst"]
    with session_scope(engine) as session:
        assert token_principal(session, reviewer.token) is not None
        assert token_principal(session, "cajad_not-a-token") is None
    (token,) = list_tokens_of(engine, reviewer.email)
    revoke_token(engine, token.id, actor="tests")
    signed = sign_in(engine, analyst.email, PASSWORD, address="c")
    disable_account(engine, analyst.email, actor="tests")
    with session_scope(engine) as session:
        assert token_principal(session, reviewer.token) is None
        assert token_principal(session, analyst.token) is None
        assert session_principal(session, signed.secret) is None
    with pytest.raises(NotSignedInError):
        sign_in(engine, analyst.email, PASSWORD, address="c")
    _id, fresh = issue_token(engine, reviewer.email, actor="tests")
    with session_scope(engine) as session:
        assert token_principal(session, fresh) is not None


def test_account_changes_are_audited_under_their_author(
    engine: Engine, people: dict[str, Person]
) -> None:
    admin = people["admin"]
    with session_scope(engine) as session:
        author = acting(principal_of(session, admin.email))
    add_account(engine, "new@example.org", role="analyst", password=PASSWORD, actor=author)
    disable_account(engine, "new@example.org", actor=author)
    with session_scope(engine) as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_key == "new@example.org")
        ).all()
    assert [(e.action, e.actor, e.account_id) for e in entries] == [
        ("insert", admin.email, admin.id),
        ("update", admin.email, admin.id),
    ]
    assert entries[1].before["active"] is True and entries[1].after["active"] is False  # type: ignore[index]


def test_authorize_applies_the_rule_to_a_stored_project(
    engine: Engine, people: dict[str, Person]
) -> None:
    mine, theirs = owned_by(engine, JICA)[0], owned_by(engine, OTHER)[0]
    with session_scope(engine) as session:
        editor = principal_of(session, people["editor"].email)
        assert authorize_project(session, editor, Action.EDIT, mine) == editor
        with pytest.raises(NotAllowedError):
            authorize_project(session, editor, Action.EDIT, theirs)
        with pytest.raises(NotSignedInError):
            authorize_project(session, None, Action.EDIT, mine)
        with pytest.raises(NotFoundError):
            authorize_project(session, editor, Action.EDIT, "no-such-project")
        with pytest.raises(NotAllowedError):
            authorize(editor, Action.MANAGE)


def list_accounts_of(engine: Engine, email: str) -> list[AccountInfo]:
    with session_scope(engine) as session:
        return [a for a in list_accounts(session) if a.email == email]


def list_tokens_of(engine: Engine, email: str) -> list[TokenInfo]:
    with session_scope(engine) as session:
        return list(list_tokens(session, email))
