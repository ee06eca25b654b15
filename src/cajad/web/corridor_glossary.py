"""The corridor's glossary: what its words and badges mean, in plain words, at
``/corridor/glossary``.

Each term has an anchor (``/corridor/glossary#fitted``) that the badges and column headings
of the corridor pages link to, so a reader who meets "P90" or "shadow price" is one click from
its meaning. :data:`FLAGS` gives the badges their titles.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from starlette.responses import Response

from cajad.web.labels import _
from cajad.web.templating import render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Term:
    """A word of the corridor pages, its anchor and its meaning."""

    anchor: str
    word: str
    meaning: str


FLAGS: dict[str, str] = {
    "sourced": _("taken from a published source (named beside the figure in the data)"),
    "derived": _("computed from sourced figures by a stated rule"),
    "fitted": _(
        "estimated from published transit times of the calibration part; "
        "the held-out part judges it"
    ),
    "assumed": _("a stated assumption where no source gives the figure"),
}
"""What each badge says about a figure: the weakest origin among the figures behind it."""

TERMS: tuple[Term, ...] = (
    Term(
        "container",
        _("Container (TEU)"),
        _(
            "A twenty-foot container, the unit every cost, time and CO2 figure is given per. "
            "A forty-foot container counts as two."
        ),
    ),
    Term(
        "days-on-schedule",
        _("Days on schedule"),
        _(
            "What timetables promise: running times, the planned border and port times and "
            "the planned wait for a departure."
        ),
    ),
    Term(
        "days-as-shipped",
        _("Days as shipped (P10, P50, P90)"),
        _(
            "What shipments live: the spread of realised times. P50 is the middle shipment; "
            "one shipment in ten is faster than P10 and one in ten slower than P90."
        ),
    ),
    Term(
        "days-network",
        _("Days (network)"),
        _(
            "The network's single expected time: travel, average dwell and the expected wait "
            "for a departure. The routes are ranked by it when asked to rank by time."
        ),
    ),
    Term(
        "conditions",
        _("Conditions and as-of date"),
        _(
            "The network on a date: a named state (an ordinary period, or a congestion or "
            "closure period with its sources) and the season. The state sets the wait at the "
            "Caspian ports; timetables do not change with it."
        ),
    ),
    Term(
        "scenario",
        _("Scenario"),
        _(
            "A named set of changes to the network (a faster border, more ferries, a new "
            "railway), compared with the network as it is on the route asked."
        ),
    ),
    Term(
        "usd",
        _("USD per container"),
        _("Freight rates and fees along the route, in US dollars per container (TEU)."),
    ),
    Term(
        "generalized",
        _("Cost with the value of time"),
        _(
            "USD per container plus the value of the days the goods spend in transit "
            "(a documented value per container-hour): what a shipper weighs."
        ),
    ),
    Term(
        "co2",
        _("kg CO2 per container"),
        _("Carbon dioxide emitted moving one container along the route, in kilograms."),
    ),
    Term(
        "share",
        _("Share of the traffic"),
        _(
            "How traffic would split between the best distinct paths, cheaper paths (with the "
            "value of time) taking more. One row per distinct path: the places it passes."
        ),
    ),
    Term(
        "transshipment",
        _("Transshipment"),
        _(
            "Moving a container between ships, trains or trucks, or between trains of "
            "different rail gauge."
        ),
    ),
    Term(
        "saturated",
        _("Saturated link"),
        _(
            "A link or port that carries all it can in the flow model: the demand wants more "
            "of it than its capacity."
        ),
    ),
    Term(
        "shadow-price",
        _("Shadow price"),
        _(
            "What one more container of capacity a year at a saturated link or port would "
            "save the traffic, in USD per container: how much that capacity is worth."
        ),
    ),
    Term("sourced", _("Sourced"), FLAGS["sourced"]),
    Term("derived", _("Derived"), FLAGS["derived"]),
    Term("fitted", _("Fitted"), FLAGS["fitted"]),
    Term("assumed", _("Assumed"), FLAGS["assumed"]),
)


@router.get("/corridor/glossary")
def glossary(request: Request) -> Response:
    """The words of the corridor pages and what they mean."""
    return render(request, "corridor_glossary.html", {"section": "corridor", "terms": TERMS})
