"""Every project has an owning organisation: from curation, the IATI publisher, else its
parties' rule; and the migration gave the projects of an older register the same owners."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, select, text

from cajad.register import (
    OrganisationSpec,
    ParticipationSpec,
    Project,
    load_demo,
    owner_of,
    session_scope,
)


def _party(name: str, role: int, ref: str | None = None) -> ParticipationSpec:
    return ParticipationSpec(organisation=OrganisationSpec(name=name, ref=ref), role=role)


def test_the_rule_asks_funders_first_then_by_identifier() -> None:
    jica = _party("JICA", 1, "XM-DAC-701-8")
    company = _party("Itochu Corporation", 1)
    ministry = _party("Ministry of Energy of Uzbekistan", 4)
    assert owner_of([ministry, company, jica]) == "XM-DAC-701-8"  # a funder with an identifier
    assert owner_of([ministry, company]) == "Itochu Corporation"  # else a funder, by name
    assert owner_of([ministry]) == "Ministry of Energy of Uzbekistan"  # else who implements
    assert owner_of([_party("B", 1), _party("A", 1)]) == "A"  # the same whatever the order
    assert owner_of([]) is None


def _owners(engine: Engine) -> dict[str, str | None]:
    with session_scope(engine) as session:
        return dict(session.execute(select(Project.identifier, Project.owner)).all())  # type: ignore[arg-type]


def test_every_demo_project_has_an_owner(engine: Engine) -> None:
    owners = _owners(engine)
    assert owners and None not in owners.values()
    assert owners["kg-jica-2015-intl-main-roads"] == "XM-DAC-701-8"


def test_the_migration_gives_older_projects_the_owner_an_import_gives(engine: Engine) -> None:
    """Down to 0011 (no owners), up again: the backfill's owners are the importer's, so
    loading the demo again changes nothing."""
    imported = _owners(engine)
    config = Config()
    config.set_main_option("script_location", str(resources.files("cajad.register") / "migrations"))
    config.attributes["engine"] = engine
    command.downgrade(config, "0011")
    with engine.connect() as conn:
        query = "SELECT count(*) FROM participation"
        assert conn.execute(text(query)).scalar()  # the parties the backfill reads are there
    command.upgrade(config, "head")
    assert _owners(engine) == imported
    again = load_demo(engine)
    assert again.updated == [] and again.created == []
