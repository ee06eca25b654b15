"""The one-time split of a labelled table into a part to fit on and a held-out part.

Shared by ``corridor_split.py`` and ``screening_split.py``: rows are grouped (rows of one group,
such as a project and its additional financing, always land in the same part), groups are
stratified, and in each stratum, in sorted order, the groups are shuffled with a fixed seed and
taken into the held-out part until it holds ``share`` of the stratum's rows (rounded). The
remaining groups go to the part to fit on. A split file, once written, is never overwritten
without ``--force``.
"""

from __future__ import annotations

import random
import sys
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import TypeVar

Row = dict[str, str]
K = TypeVar("K", bound=Hashable)


def grouped_split(
    rows: Sequence[Row],
    *,
    group: Callable[[Row], str],
    stratum: Callable[[list[Row]], str],
    key: Callable[[Row], K],
    fit_part: str,
    seed: int,
    share: float,
) -> dict[K, str]:
    """``key(row) -> part`` for every row: ``"heldout"`` or ``fit_part``."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[group(row)].append(row)
    strata: dict[str, list[str]] = defaultdict(list)
    for name, members in groups.items():
        strata[stratum(members)].append(name)
    rng = random.Random(seed)
    part: dict[K, str] = {}
    for label in sorted(strata):
        names = sorted(strata[label])
        rng.shuffle(names)
        target = round(share * sum(len(groups[n]) for n in names))
        held = 0
        for name in names:
            chosen = "heldout" if held < target else fit_part
            if chosen == "heldout":
                held += len(groups[name])
            for member in groups[name]:
                part[key(member)] = chosen
    return part


def one_value_or_mixed(members: list[Row], column: str) -> str:
    """The value the group's rows share in ``column``, or ``MIXED`` when they disagree."""
    values = {m[column] for m in members}
    return values.pop() if len(values) == 1 else "MIXED"


def refuse_to_overwrite(out: Path, *, force: bool) -> bool:
    """True (with a message) when ``out`` exists and ``--force`` was not given."""
    if out.exists() and not force:
        print(
            f"{out} exists: the split is made once. Use --force only to repair it.", file=sys.stderr
        )
        return True
    return False
