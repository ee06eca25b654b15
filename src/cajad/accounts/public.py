"""How the public sees who made a change: never an e-mail address.

The audit log records the account (its e-mail and id) as the author of every change; admins
read it so in ``/admin/changes``. Everyone else reads an :class:`Author`: the account's role
and, for an editor, the organisations it edits for ("editor (XM-DAC-701-8)"). An author that is
no account is a program ("cajad load-demo") and shown as it is, except a server shell's user
(``local:NAME``), shown as "server shell", and any other text with an ``@`` (a name typed
before accounts existed), shown as "a former account".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from cajad.accounts.models import Account

__all__ = ["Author", "public_authors", "without_addresses"]

SHELL = "server shell"
FORMER = "a former account"
T = TypeVar("T")
_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


@dataclass(frozen=True, slots=True)
class Author:
    """Who made a change, as the public reads it: an account's ``role`` and
    ``organisations``, or (no account) ``text``."""

    role: str | None = None
    organisations: tuple[str, ...] = ()
    text: str = ""

    def __str__(self) -> str:
        if self.role is None:
            return self.text
        return self.role + (f" ({', '.join(self.organisations)})" if self.organisations else "")


def public_authors(session: Session, actors: Iterable[str]) -> dict[str, Author]:
    """The public :class:`Author` of each audit log author (``actor``) given."""
    wanted = set(actors)
    addresses = [a for a in wanted if "@" in a]
    found: dict[str, Author] = {}
    if addresses:
        for account in session.scalars(select(Account).where(Account.email.in_(addresses))):
            orgs = tuple(o.organisation for o in account.organisations)
            found[account.email] = Author(account.role, orgs if account.role == "editor" else ())
    for actor in wanted - found.keys():
        if actor.startswith("local:"):
            found[actor] = Author(text=SHELL)
        else:
            found[actor] = Author(text=FORMER if "@" in actor else actor)
    return found


def without_addresses(session: Session, value: T) -> T:
    """``value`` (text, or lists and dicts of it, as an API answer holds them) with every
    e-mail address replaced by its public :class:`Author`: a screening names its reviewers."""
    found: set[str] = set()
    _collect(value, found)
    if not found:
        return value
    authors = public_authors(session, found)
    return cast(
        T, _replace(value, lambda text: _ADDRESS.sub(lambda m: str(authors[m.group(0)]), text))
    )


def _collect(value: Any, found: set[str]) -> None:
    if isinstance(value, str):
        found.update(_ADDRESS.findall(value))
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect(item, found)


def _replace(value: Any, change: Any) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {key: _replace(item, change) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_replace(item, change) for item in value]
    return value
