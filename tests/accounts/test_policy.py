"""The one rule of who may do what, pinned cell by cell: every role, every action, a project
of the editor's organisation, of another, and one without an owner."""

from __future__ import annotations

import pytest

from cajad.accounts import Action, Principal, Role, can

MINE, THEIRS = "XM-DAC-701-8", "Itochu Corporation"

#: The actions each role may take on a project whose owner is MINE (the editor's).
ALLOWED: dict[Role | None, set[Action]] = {
    None: {Action.READ},
    Role.VIEWER: {Action.READ},
    Role.EDITOR: {Action.READ, Action.EDIT},
    Role.REVIEWER: {Action.READ, Action.ANSWER, Action.SCREEN},
    Role.ANALYST: {Action.READ, Action.SCREEN, Action.IMPORT, Action.RUN},
    Role.ADMIN: set(Action),
}


def _who(role: Role | None) -> Principal | None:
    if role is None:
        return None
    orgs = frozenset({MINE}) if role is Role.EDITOR else frozenset()
    return Principal(id=1, email=f"{role.value}@example.org", role=role, organisations=orgs)


@pytest.mark.parametrize("role", list(ALLOWED), ids=lambda r: r.value if r else "public")
@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
def test_the_table(role: Role | None, action: Action) -> None:
    assert can(_who(role), action, MINE) is (action in ALLOWED[role])


def test_an_editor_edits_only_what_their_organisations_own() -> None:
    editor = _who(Role.EDITOR)
    assert can(editor, Action.EDIT, MINE)
    assert not can(editor, Action.EDIT, THEIRS)
    assert not can(editor, Action.EDIT, None)  # a project without an owner is the admin's
    both = Principal(2, "two@example.org", Role.EDITOR, frozenset({MINE, THEIRS}))
    assert can(both, Action.EDIT, THEIRS) and can(both, Action.EDIT, MINE)


def test_organisations_give_nothing_but_edits_and_only_to_editors() -> None:
    reviewer = Principal(3, "r@example.org", Role.REVIEWER, frozenset({MINE}))
    assert not can(reviewer, Action.EDIT, MINE)


def test_an_admin_edits_projects_of_any_owner_or_none() -> None:
    admin = _who(Role.ADMIN)
    assert can(admin, Action.EDIT, THEIRS) and can(admin, Action.EDIT, None)
