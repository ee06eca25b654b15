"""Accounts: people who sign in, their roles and organisations, sessions, API tokens, and the
one rule of who may do what (:func:`can`).

Lower layers never import this package: the register records an :class:`~cajad.register.Actor`
(an account's e-mail and id) that the edges make from the signed-in account.
"""

from cajad.accounts.errors import (
    AccountError,
    AccountInputError,
    DuplicateAccountError,
    LockedOutError,
    NotAllowedError,
    NotSignedInError,
    UnknownAccountError,
)
from cajad.accounts.policy import Action, Principal, Role, can
from cajad.accounts.public import Author, public_authors, without_addresses
from cajad.accounts.service import (
    AccountInfo,
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
    project_owner,
    reset_password,
    revoke_token,
)
from cajad.accounts.signin import SignedIn, session_principal, sign_in, sign_out, token_principal

__all__ = [
    "AccountError",
    "AccountInfo",
    "AccountInputError",
    "Action",
    "Author",
    "DuplicateAccountError",
    "LockedOutError",
    "NotAllowedError",
    "NotSignedInError",
    "Principal",
    "Role",
    "SignedIn",
    "TokenInfo",
    "UnknownAccountError",
    "acting",
    "add_account",
    "authorize",
    "authorize_project",
    "can",
    "disable_account",
    "issue_token",
    "list_accounts",
    "list_tokens",
    "principal_of",
    "project_owner",
    "public_authors",
    "reset_password",
    "revoke_token",
    "session_principal",
    "sign_in",
    "sign_out",
    "token_principal",
    "without_addresses",
]
