"""Who owns a project's record: the organisation whose editors change it.

A project's ``owner`` is an *organisation identifier*: the organisation's IATI identifier
(``XM-DAC-701-8`` for JICA) where it has one, else its name as the register holds it (most
companies and Central Asian agencies publish no IATI identifier). It is set, in this order:

1. by curation (a deals file's ``owner`` column);
2. by the IATI activity's ``reporting-org`` (the publisher of the record);
3. by the project's parties: a funding organisation first, then accountable, extending and
   implementing ones (IATI OrganisationRole 1 to 4); among several of one role, one with an
   IATI identifier before one without, then by identifier. The rule reads only what the
   register stores, so the migration that gave existing projects an owner (``0013``) gives
   the same answer as an import does.

A project with no party and no curation has no owner: only an admin changes it.
"""

from __future__ import annotations

from collections.abc import Iterable

from cajad.register.specs import OrganisationSpec, ParticipationSpec

__all__ = ["organisation_identifier", "owner_of"]

#: The IATI roles that can own a project, in the order they are asked.
ROLES = (1, 2, 3, 4)


def organisation_identifier(org: OrganisationSpec) -> str:
    """The identifier an owner or an editor's organisation is named by: IATI ref, else name."""
    return org.ref or org.name


def owner_of(participants: Iterable[ParticipationSpec]) -> str | None:
    """The owner rule 3 above gives for a project's parties (None: no party)."""
    parties = list(participants)
    for role in ROLES:
        named = [p.organisation for p in parties if p.role == role]
        if named:
            best = min(named, key=lambda o: (o.ref is None, organisation_identifier(o)))
            return organisation_identifier(best)
    return None
