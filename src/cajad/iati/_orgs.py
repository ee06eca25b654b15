"""One register organisation per IATI organisation identifier, named without clashes.

IATI names the same organisation differently from file to file (and from element to element);
the register keys organisations by a unique name and a unique ref. So an organisation with an
identifier keeps the name it was first stored under; a new one takes its narrative, or, when
another organisation already has that name, the narrative with its identifier in brackets.
Resolution reads the register once per file, so re-importing a file resolves the same way.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cajad.register import Organisation, OrganisationSpec, ParticipationSpec, ProjectSpec


class OrganisationNames:
    """The register's organisations by ref and by name, and the names given during an import."""

    def __init__(self, known: list[OrganisationSpec]) -> None:
        self.by_ref = {o.ref: o for o in known if o.ref}
        self.by_name = {o.name: o for o in known}

    @classmethod
    def load(cls, session: Session) -> OrganisationNames:
        rows = session.execute(
            select(Organisation.name, Organisation.ref, Organisation.type, Organisation.country)
        )
        return cls([OrganisationSpec(name=n, ref=r, type=t, country=c) for n, r, t, c in rows])

    def resolve(self, org: OrganisationSpec) -> OrganisationSpec:
        """The register's organisation for ``org``, created (in memory) when new."""
        if org.ref and org.ref in self.by_ref:
            return self.by_ref[org.ref]
        same = self.by_name.get(org.name)
        if same is not None and same.ref == org.ref:
            return same
        name = org.name
        if same is not None:
            alias = f"{org.name} ({org.ref or 'no identifier'})"[:300]
            known = self.by_name.get(alias)
            if known is not None and known.ref == org.ref:
                return known
            name = self._free(alias)
        new = org.model_copy(update={"name": name})
        self.by_name[name] = new
        if new.ref:
            self.by_ref[new.ref] = new
        return new

    def _free(self, wanted: str) -> str:
        name, n = wanted[:300], 2
        while name in self.by_name:
            suffix = f" #{n}"
            name, n = wanted[: 300 - len(suffix)] + suffix, n + 1
        return name

    def resolve_spec(self, spec: ProjectSpec) -> ProjectSpec:
        """``spec`` with every organisation resolved (participants and transaction parties)."""
        participants: dict[tuple[str, int], ParticipationSpec] = {}
        for p in spec.participants:
            org = self.resolve(p.organisation)
            participants.setdefault((org.name, p.role), p.model_copy(update={"organisation": org}))
        transactions = tuple(
            t.model_copy(
                update={
                    "provider": self.resolve(t.provider) if t.provider else None,
                    "receiver": self.resolve(t.receiver) if t.receiver else None,
                }
            )
            for t in spec.transactions
        )
        return spec.model_copy(
            update={"participants": tuple(participants.values()), "transactions": transactions}
        )
