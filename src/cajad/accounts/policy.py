"""Who may do what: the roles, the actions, and :func:`can`, the one rule.

The portal, the API and the CLI's ``--as`` all ask :func:`can` (through
:func:`cajad.accounts.service.authorize`), so that a page and an API call cannot disagree.

======================  ========================================================================
role                    may
======================  ========================================================================
(the public)            read everything public
``viewer``              read (signed in; changes nothing)
``editor``              edit the projects one of their organisations owns, create projects for
                        them
``reviewer``            record screening answers, evidence and overrides; screen a project
``analyst``             imports, screening runs, prospectivity and corridor runs, plans
``admin``               everything, accounts and the whole audit log included
======================  ========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Action", "Principal", "Role", "can"]


class Role(StrEnum):
    """What an account is for."""

    ADMIN = "admin"
    EDITOR = "editor"
    REVIEWER = "reviewer"
    ANALYST = "analyst"
    VIEWER = "viewer"


class Action(StrEnum):
    """What a request or command wants to do."""

    READ = "read"  # anything public
    EDIT = "edit"  # a project's record: fields, parties, money (of its owner)
    ANSWER = "answer"  # a screening answer, its evidence, an override of a rule
    SCREEN = "screen"  # record a screening of a project now
    IMPORT = "import"  # imports of deals, transactions, IATI files
    RUN = "run"  # prospectivity and corridor runs, plans
    MANAGE = "manage"  # accounts, tokens of others, the whole audit log


@dataclass(frozen=True, slots=True)
class Principal:
    """A signed-in, active account as a request or command acts for it."""

    id: int
    email: str
    role: Role
    organisations: frozenset[str] = frozenset()


#: The roles allowed each action regardless of who owns the project (EDIT is decided below).
_ALLOWED: dict[Action, frozenset[Role]] = {
    Action.ANSWER: frozenset({Role.ADMIN, Role.REVIEWER}),
    Action.SCREEN: frozenset({Role.ADMIN, Role.REVIEWER, Role.ANALYST}),
    Action.IMPORT: frozenset({Role.ADMIN, Role.ANALYST}),
    Action.RUN: frozenset({Role.ADMIN, Role.ANALYST}),
    Action.MANAGE: frozenset({Role.ADMIN}),
}


def can(principal: Principal | None, action: Action, owner: str | None = None) -> bool:
    """Whether ``principal`` (None: the public) may do ``action`` to a project owned by
    ``owner`` (an organisation identifier; None: no owner, or no project concerned).

    Reading is open to all. Every other action needs an account. An editor edits only what one
    of their organisations owns (a project with no owner is the admin's); an admin may do all.
    """
    if action is Action.READ:
        return True
    if principal is None:
        return False
    if principal.role is Role.ADMIN:
        return True
    if action is Action.EDIT:
        return (
            principal.role is Role.EDITOR and owner is not None and owner in principal.organisations
        )
    return principal.role in _ALLOWED[action]
