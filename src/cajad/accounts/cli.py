"""``cajad user …``: accounts as an admin keeps them on the server's shell.

Whoever has the server's shell has the database, so these commands need no account: what they
change is audited under the local operating-system user (``local:NAME``). A password is never
an argument (it would stay in the shell's history): ``--password-stdin`` reads it from standard
input, else a random one is made and printed once.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from cajad._cli import exit_codes, local_actor, open_register, out
from cajad.accounts.errors import AccountInputError
from cajad.accounts.policy import Role
from cajad.accounts.service import (
    add_account,
    disable_account,
    issue_token,
    list_accounts,
    list_tokens,
    reset_password,
    revoke_token,
)
from cajad.register import session_scope

__all__ = ["register"]

user = typer.Typer(help="Accounts: add, list, disable; API tokens; password resets.")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from standard input (else one is made)."
    ),
]


def register(app: typer.Typer) -> None:
    """Add the ``user`` group to ``app``."""
    user.command("add")(add_command)
    user.command("list")(list_command)
    user.command("disable")(disable_command)
    user.command("reset")(reset_command)
    user.command("token")(token_command)
    user.command("tokens")(tokens_command)
    user.command("revoke")(revoke_command)
    app.add_typer(user, name="user")


def _stdin_password() -> str:
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise AccountInputError("--password-stdin: no password on standard input")
    return line


@exit_codes
def add_command(
    email: Annotated[str, typer.Argument(help="The person's e-mail address (their sign-in).")],
    role: Annotated[
        Role, typer.Option(help="What the account is for.", case_sensitive=False)
    ] = Role.VIEWER,
    org: Annotated[
        list[str] | None,
        typer.Option(help="An organisation an editor keeps (IATI identifier or name; repeat)."),
    ] = None,
    name: Annotated[str | None, typer.Option(help="Name shown in the portal.")] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Add an account; without --password-stdin, print a random password once."""
    password = _stdin_password() if password_stdin else None
    engine = open_register(tables=("account",))
    info, made = add_account(
        engine,
        email,
        role=role.value,
        organisations=org or [],
        password=password,
        name=name,
        actor=local_actor(),
    )
    orgs = f" for {', '.join(info.organisations)}" if info.organisations else ""
    out.print(f"Account {info.email} added: {info.role}{orgs}.", highlight=False)
    if made is not None:
        out.print(f"One-time password (shown only now): {made}", highlight=False)


@exit_codes
def list_command(as_json: JsonOption = False) -> None:
    """Every account: e-mail, role, organisations, whether active or locked."""
    engine = open_register(tables=("account",))
    with session_scope(engine) as session:
        accounts = list_accounts(session)
    if as_json:
        print(json.dumps([a.as_dict() for a in accounts], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{len(accounts)} accounts")
    for column in ("e-mail", "name", "role", "organisations", "state"):
        table.add_column(column)
    for a in accounts:
        state = "disabled" if not a.active else "locked" if a.locked else "active"
        table.add_row(a.email, a.name, a.role, ", ".join(a.organisations), state)
    out.print(table)


@exit_codes
def disable_command(email: Annotated[str, typer.Argument(help="The account's e-mail.")]) -> None:
    """Disable an account: no more sign-ins, its sessions end and its tokens are revoked."""
    info = disable_account(open_register(tables=("account",)), email, actor=local_actor())
    out.print(f"Account {info.email} disabled; its sessions and tokens no longer work.")


@exit_codes
def reset_command(
    email: Annotated[str, typer.Argument(help="The account's e-mail.")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Reset a password (and lift a lock-out); without --password-stdin, print a new one."""
    password = _stdin_password() if password_stdin else None
    engine = open_register(tables=("account",))
    made = reset_password(engine, email, password=password, actor=local_actor())
    out.print(f"Password of {email} reset; its sessions ended.", highlight=False)
    if made is not None:
        out.print(f"One-time password (shown only now): {made}", highlight=False)


@exit_codes
def token_command(
    email: Annotated[str, typer.Argument(help="The account's e-mail.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "",
) -> None:
    """Make an API token for scripts (Authorization: Bearer TOKEN); printed once."""
    engine = open_register(tables=("account",))
    token_id, secret = issue_token(engine, email, label=label, actor=local_actor())
    out.print(f"API token {token_id} for {email} (shown only now; revoke it with", highlight=False)
    out.print(f"`cajad user revoke {token_id}`):", highlight=False)
    print(secret)


@exit_codes
def tokens_command(
    email: Annotated[str, typer.Argument(help="The account's e-mail.")],
    as_json: JsonOption = False,
) -> None:
    """An account's API tokens (never their secrets)."""
    with session_scope(open_register(tables=("account",))) as session:
        tokens = list_tokens(session, email)
    if as_json:
        print(json.dumps([t.as_dict() for t in tokens], indent=2))
        return
    for t in tokens:
        state = "revoked" if t.revoked else f"last used {t.last_used_at or 'never'}"
        out.print(f"{t.id}  {t.label or '-'}  made {t.created_at}  {state}", highlight=False)


@exit_codes
def revoke_command(
    token_id: Annotated[int, typer.Argument(help="The token's id (`cajad user tokens`).")],
) -> None:
    """Revoke an API token: it signs nobody in from now on."""
    revoke_token(open_register(tables=("account",)), token_id, actor=local_actor())
    out.print(f"API token {token_id} revoked.")
