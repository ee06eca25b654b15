"""Organisation resolution for the importer: the register's organisation each spec names.

An organisation is matched by name, else by its unique identifier (``ref``, then renamed);
what a spec leaves out is kept, not cleared; every change is audited, and a change to a stored
organisation is announced first (``on_change``) so that the rollups of the projects naming it
can be taken out before they move.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cajad.register import audit
from cajad.register.models import Organisation
from cajad.register.specs import OrganisationSpec, ProjectSpec


class Organisations:
    """Organisations by name, created or updated on first use within the import.

    :meth:`prefetch` reads those a batch names (by name or by ref) in a few queries, so that
    :meth:`get` needs none.
    """

    def __init__(self, session: Session, on_change: Callable[[Organisation], None]) -> None:
        self.session = session
        self.on_change = on_change
        self.cache: dict[str, Organisation] = {}
        self.by_name: dict[str, Organisation] = {}
        self.by_ref: dict[str, Organisation] = {}

    def prefetch(self, specs: Sequence[ProjectSpec]) -> None:
        """Read the stored organisations the specs name, by name or by ref."""
        self.prefetch_named(named for spec in specs for named in named_organisations(spec))

    def prefetch_named(self, organisations: Iterable[OrganisationSpec]) -> None:
        """Read the stored organisations named (by name or by ref) in a few queries."""
        names: set[str] = set()
        refs: set[str] = set()
        for named in organisations:
            if named.name not in self.cache:
                names.add(named.name)
                if named.ref:
                    refs.add(named.ref)
        for column, wanted in (
            (Organisation.name, sorted(names)),
            (Organisation.ref, sorted(refs)),
        ):
            for start in range(0, len(wanted), 500):
                query = select(Organisation).where(column.in_(wanted[start : start + 500]))
                for org in self.session.scalars(query):
                    self._index(org)

    def _index(self, org: Organisation) -> None:
        self.by_name.setdefault(org.name, org)
        if org.ref:
            self.by_ref.setdefault(org.ref, org)

    def get(self, spec: OrganisationSpec) -> Organisation:
        """The organisation ``spec`` names, created or updated (and audited) on first use."""
        if spec.name in self.cache:
            return self.cache[spec.name]
        org = self.by_name.get(spec.name)
        if org is None and spec.ref:
            # The same organisation (by its unique identifier) under another name: rename it.
            org = self.by_ref.get(spec.ref)
        made = org is None
        if org is None:
            org = Organisation(name=spec.name)
            self.session.add(org)
        before = None if made else _org_state(org)
        # What a spec leaves out is unknown to it, not cleared: a transactions CSV names a
        # provider by name only and must not wipe what the register knows of it.
        wanted = {
            "name": spec.name,
            "ref": spec.ref or org.ref,
            "type": spec.type or org.type,
            "country": spec.country or org.country,
        }
        if before is not None and wanted != before:
            self.on_change(org)
        if org.name != spec.name and self.by_name.get(org.name) is org:
            del self.by_name[org.name]
        if org.ref and org.ref != wanted["ref"] and self.by_ref.get(org.ref) is org:
            del self.by_ref[org.ref]
        for field_name, value in wanted.items():
            setattr(org, field_name, value)
        self._index(org)
        after = _org_state(org)
        if before != after:
            audit.record(
                self.session,
                action="insert" if before is None else "update",
                entity="organisation",
                key=spec.name,
                before=before,
                after=after,
            )
        self.cache[spec.name] = org
        return org


def named_organisations(spec: ProjectSpec) -> Iterator[OrganisationSpec]:
    """The organisations a spec names, in the order the writes resolve them."""
    for p in spec.participants:
        yield p.organisation
    for tx in spec.transactions:
        if tx.provider:
            yield tx.provider
        if tx.receiver:
            yield tx.receiver


def resolve_organisations(organisations: Organisations, spec: ProjectSpec) -> None:
    """Create or update, now, the organisations a new project names (flushed with the batch)."""
    for org in named_organisations(spec):
        organisations.get(org)


def _org_state(org: Organisation) -> dict[str, Any]:
    """What the audit log records of an organisation."""
    return {"name": org.name, "ref": org.ref, "type": org.type, "country": org.country}
