"""IATI codelists bundled with cajad (CSV copies of the 2.03 lists, CC BY 4.0 IATI Standard)."""

from __future__ import annotations

import csv
from functools import cache

from cajad.data import data_path


@cache
def codelist(name: str) -> dict[str, str]:
    """Return ``{code: name}`` of the active and withdrawn codes of an IATI codelist.

    ``name`` is the codelist's IATI name, e.g. ``"Sector"`` or ``"Currency"``.
    """
    path = data_path("iati", "codelists", f"{name}.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def is_code(name: str, code: str) -> bool:
    """Whether ``code`` is in the IATI codelist ``name``."""
    return code in codelist(name)
