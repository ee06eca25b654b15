"""cajad's own reviewable reference tables: organisations of the initiative, DAC sector
keywords and the DAC-sector → priority-area mapping (``cajad/data/reference``)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from cajad.data import data_path
from cajad.register.specs import OrganisationSpec
from cajad.register.vocab import PriorityArea


def _rows(*parts: str) -> Iterator[dict[str, str]]:
    path = data_path(*parts)
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


@cache
def organisation_aliases() -> dict[str, OrganisationSpec]:
    """Every known spelling of an initiative party → its canonical organisation."""
    table: dict[str, OrganisationSpec] = {}
    for row in _rows("initiative", "organisations.csv"):
        spec = OrganisationSpec(
            name=row["name"],
            ref=row["iati_ref"] or None,
            type=row["type"] or None,
            country=row["country"] or None,
        )
        for alias in [row["name"], *row["aliases"].split("|")]:
            if alias.strip():
                table[alias.strip()] = spec
    return table


@cache
def sector_keywords() -> tuple[tuple[str, str], ...]:
    """``(keyword, DAC code)`` pairs, most specific first."""
    return tuple(
        (r["keyword"].lower(), r["code"]) for r in _rows("reference", "sector_keywords.csv")
    )


@dataclass(frozen=True)
class AreaMap:
    """DAC 5-digit codes and 3-digit categories → priority area; a 5-digit line wins."""

    by_code: dict[str, PriorityArea]
    by_category: dict[str, PriorityArea]

    def area(self, code: str) -> PriorityArea:
        if code in self.by_code:
            return self.by_code[code]
        return self.by_category.get(code[:3], PriorityArea.UNASSIGNED)


@cache
def area_map() -> AreaMap:
    """The reviewed mapping in ``cajad/data/reference/priority_areas.csv``."""
    by_code: dict[str, PriorityArea] = {}
    by_category: dict[str, PriorityArea] = {}
    for row in _rows("reference", "priority_areas.csv"):
        target = by_code if len(row["code"]) == 5 else by_category
        target[row["code"]] = PriorityArea(row["area"])
    return AreaMap(by_code, by_category)
