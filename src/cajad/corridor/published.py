"""Published transit times (``published_times.csv``) with their calibration / held-out part.

Each row is one published figure: a schedule, a measured shipment, a claim or a dwell, with its
source. Fitting reads only the ``calibration`` part; the benchmark judges the ``heldout`` part.
The split was made in two rounds (``round``: ``1``; ``1-seen`` for round-1 held-out shipments
moved into calibration after they were judged; ``2`` for the shipments added and split later).
A measured shipment or a Caspian wait names its *class of service* (``service``, from
``published_times_service.csv``): a scheduled ``block-train`` or a ``consignment`` booked
piecemeal (pilots, test containers, market bookings) that waits for space at ports and ferries.

A row's ends are the node ids of its ``origin_node`` / ``destination_node`` columns; where those
are empty, the place text up to its first ``(`` or ``,`` is resolved against the network
(:func:`row_ends`), so places added later (Moscow, Milan, Novosibirsk) count without editing the
table. The movement date is read by :func:`movement_day`.

>>> times = load_published_times()
>>> len(times), sum(t.part == "heldout" for t in times), sum(t.round == "2" for t in times)
(148, 54, 15)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cajad.corridor._files import csv_rows
from cajad.corridor.errors import CorridorError, NetworkDataError, Problem
from cajad.corridor.loader import bundled_data_dir
from cajad.corridor.model import Network
from cajad.corridor.places import resolve_place

TIMES_FILE, SPLIT_FILE = "published_times.csv", "published_times_split.csv"
SERVICE_FILE = "published_times_service.csv"
HOURS = {"days": 24.0, "hours": 1.0}
SEASON_MIDDLE = {"winter": (1, 15), "spring": (4, 15), "summer": (7, 15), "autumn": (10, 15)}


@dataclass(frozen=True, slots=True)
class PublishedTime:
    """One published figure, in hours (``low_h``/``high_h``: ``None`` for an open bound)."""

    id: str
    origin: str
    destination: str
    origin_node: str | None
    destination_node: str | None
    family: str
    measures: str
    kind: str
    low_h: float | None
    high_h: float | None
    movement_date: str
    season: str
    source: str
    part: str
    round: str = "1"
    service: str | None = None

    @property
    def value_h(self) -> float:
        """The figure as one number: the midpoint, or the one bound given."""
        bounds = [b for b in (self.low_h, self.high_h) if b is not None]
        return sum(bounds) / len(bounds)


def load_published_times(directory: Path | str | None = None) -> list[PublishedTime]:
    """Every published figure with its part (``calibration`` or ``heldout``).

    Raises
    ------
    NetworkDataError
        A row without a part, a bad number or an unknown unit (file, line and field named).
    """
    folder = Path(directory) if directory is not None else bundled_data_dir()
    split = {row["id"]: row for _, row in csv_rows(folder / SPLIT_FILE)}
    services = {row["id"]: row["service"] for _, row in csv_rows(folder / SERVICE_FILE)}
    found: list[PublishedTime] = []
    problems: list[Problem] = []
    for line, row in csv_rows(folder / TIMES_FILE):
        try:
            found.append(_row(row, split, services))
        except (KeyError, ValueError) as exc:
            problems.append(Problem(TIMES_FILE, line, "(row)", str(exc)))
    if problems:
        raise NetworkDataError(f"invalid published times in {folder}", problems)
    return found


def _row(
    row: dict[str, str], split: dict[str, dict[str, str]], services: dict[str, str]
) -> PublishedTime:
    factor = HOURS[row["unit"]]
    low, high = (float(row[k]) * factor if row[k].strip() else None for k in ("low", "high"))
    if low is None and high is None:
        raise ValueError("low or high is needed")
    return PublishedTime(
        id=row["id"],
        origin=row["origin"],
        destination=row["destination"],
        origin_node=row["origin_node"] or None,
        destination_node=row["destination_node"] or None,
        family=row["family"],
        measures=row["measures"],
        kind=row["kind"],
        low_h=low,
        high_h=high,
        movement_date=row["movement_date"],
        season=row["season"],
        source=f"{row['publisher']}: {row['source_title']} ({row['url']})",
        part=split[row["id"]]["part"],
        round=split[row["id"]].get("round") or "1",
        service=services.get(row["id"]),
    )


def movement_day(time: PublishedTime) -> date | None:
    """The day a movement is taken to have happened, or ``None`` when the text gives no year.

    A text offering two dates (``… or …``) has none. Else the first ``YYYY-MM(-DD)`` in
    ``movement_date`` (day 15 when none); else ``FY`` + year in winter is January of the next
    year; else a bare year with the row's season at the middle of
    that season (1 July without a season).

    >>> from dataclasses import replace
    >>> t = load_published_times()[0]
    >>> texts = [("2024-03 (arrived 2024-03-11)", ""), ("FY2024 pilot", "winter"), ("2019", "")]
    >>> [movement_day(replace(t, movement_date=m, season=s)) for m, s in texts]
    [datetime.date(2024, 3, 15), datetime.date(2025, 1, 15), datetime.date(2019, 7, 1)]
    """
    text = time.movement_date
    if " or " in text:  # two dates offered ("late 2024 or 2025"): no single day
        return None
    full = re.search(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text)
    if full:
        return date(int(full[1]), int(full[2]), int(full[3] or 15))
    fiscal = re.search(r"FY(\d{4})", text)
    if fiscal and time.season == "winter":
        return date(int(fiscal[1]) + 1, 1, 15)
    year = re.search(r"(\d{4})", text)
    if year is None:
        return None
    month, day = SEASON_MIDDLE.get(time.season, (7, 1))
    return date(int(year[1]), month, day)


def _place(network: Network, text: str) -> str | None:
    head = re.split(r"[(,]", text, maxsplit=1)[0].strip()
    try:
        return resolve_place(network, head) if head else None
    except CorridorError:
        return None


def row_ends(network: Network, time: PublishedTime) -> tuple[str, str] | None:
    """The row's (origin, destination) node ids, or ``None`` when an end is not a place here."""
    start = time.origin_node or _place(network, time.origin)
    end = time.destination_node or _place(network, time.destination)
    if start is None or end is None or start not in network.nodes or end not in network.nodes:
        return None
    return start, end
