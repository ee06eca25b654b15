"""Accounts of every role over a copy of the demo register, each with an API token."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, select

from cajad.accounts import add_account, issue_token
from cajad.register import Project, session_scope

#: JICA's IATI identifier: the owner of the JICA loans of the demo register.
JICA = "XM-DAC-701-8"
#: Another owner of demo projects (a company without an IATI identifier).
OTHER = "Itochu Corporation"
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Person:
    """An account made for a test: its e-mail, id and API token."""

    email: str
    id: int
    token: str


def make_people(engine: Engine) -> dict[str, Person]:
    """One account per role (editors of JICA and of another owner), each with a token."""
    roles = {
        "admin": ("admin", ()),
        "editor": ("editor", (JICA,)),
        "other_editor": ("editor", (OTHER,)),
        "reviewer": ("reviewer", ()),
        "analyst": ("analyst", ()),
        "viewer": ("viewer", ()),
    }
    people: dict[str, Person] = {}
    for key, (role, orgs) in roles.items():
        email = f"{key.replace('_', '-')}@example.org"
        info, _ = add_account(
            engine, email, role=role, organisations=orgs, password=PASSWORD, actor="tests"
        )
        _id, token = issue_token(engine, email, label="tests", actor="tests")
        people[key] = Person(email, info.id, token)
    return people


def owned_by(engine: Engine, owner: str) -> list[str]:
    """The identifiers of the projects ``owner`` owns, sorted."""
    with session_scope(engine) as session:
        query = select(Project.identifier).where(Project.owner == owner)
        return sorted(session.scalars(query.order_by(Project.identifier)))


@pytest.fixture
def people(engine: Engine) -> dict[str, Person]:
    return make_people(engine)
