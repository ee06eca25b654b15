"""How the public sees who made a change: never an e-mail address.

The audit log records the account (its e-mail and id) as the author of every change; admins
read it so in ``/admin/changes``. Everyone else reads an :class:`Author`: the account's role
and, for an editor, the organisations it edits for ("editor (XM-DAC-701-8)"). An author that is
no account is a program ("cajad load-demo") and shown as it is, except a server shell's user
(``local:NAME``), shown as "server shell", and any other text with an ``@`` (a name typed
before accounts existed), shown as "a former account".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cajad.accounts.models import Account

__all__ = ["Author", "public_authors"]

SHELL = "server shell"
FORMER = "a former account"


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
