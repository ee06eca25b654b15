"""The public's author of a change: a role (an editor's organisations too), never an e-mail."""

from __future__ import annotations

from sqlalchemy import Engine

from cajad.accounts import Author, public_authors
from cajad.register import session_scope
from tests.accounts.conftest import JICA, Person


def test_accounts_read_as_roles_and_others_without_addresses(
    engine: Engine, people: dict[str, Person]
) -> None:
    actors = [
        "editor@example.org",
        "reviewer@example.org",
        "local:alice",
        "someone@old.example",
        "cajad load-demo",
    ]
    with session_scope(engine) as session:
        found = public_authors(session, actors)
    assert found["editor@example.org"] == Author("editor", (JICA,))
    assert str(found["editor@example.org"]) == f"editor ({JICA})"
    assert str(found["reviewer@example.org"]) == "reviewer"
    assert str(found["local:alice"]) == "server shell"
    assert str(found["someone@old.example"]) == "a former account"
    assert str(found["cajad load-demo"]) == "cajad load-demo"
    assert not any("@" in str(a) or "alice" in str(a) for a in found.values())
