"""The corridor's glossary: what its words and badges mean, in plain words, at
``/corridor/glossary``.

Each term has an anchor (``/corridor/glossary#fitted``) that the badges and column headings
of the corridor pages link to, so a reader who meets "P90" or "shadow price" is one click from
its meaning. :data:`FLAGS` gives the badges their titles. The words are marked with ``N_`` and
translated where shown (the template's ``translated`` filter; :class:`Words` for the titles).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from starlette.responses import Response

from cajad.web.i18n import N_
from cajad.web.labels import Words
from cajad.web.templating import render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Term:
    """A word of the corridor pages, its anchor and its meaning."""

    anchor: str
    word: str
    meaning: str


FLAG_WORDS: dict[str, str] = {
    "sourced": N_("taken from a published source (named beside the figure in the data)"),
    "derived": N_("computed from sourced figures by a stated rule"),
    "fitted": N_(
        "estimated from published transit times of the calibration part; "
        "the held-out part judges it"
    ),
    "assumed": N_("a stated assumption where no source gives the figure"),
}
"""What each badge says about a figure: the weakest origin among the figures behind it."""
FLAGS = Words(FLAG_WORDS)
"""The same, translated into the request's language when read (the badges' titles)."""

TERMS: tuple[Term, ...] = (
    Term(
        "container",
        N_("Container (TEU)"),
        N_(
            "A twenty-foot container, the unit every cost, time and CO2 figure is given per. "
            "A forty-foot container counts as two."
        ),
    ),
    Term(
        "days-on-schedule",
        N_("Days on schedule"),
        N_(
            "What timetables promise: running times, the planned border and port times and "
            "the planned wait for a departure."
        ),
    ),
    Term(
        "days-as-shipped",
        N_("Days as shipped (P10, P50, P90)"),
        N_(
            "What shipments live: the spread of realised times. P50 is the middle shipment; "
            "one shipment in ten is faster than P10 and one in ten slower than P90."
        ),
    ),
    Term(
        "days-network",
        N_("Days (network)"),
        N_(
            "The network's single expected time: travel, average dwell and the expected wait "
            "for a departure. The routes are ranked by it when asked to rank by time."
        ),
    ),
    Term(
        "conditions",
        N_("Conditions and as-of date"),
        N_(
            "The network on a date: a named state (an ordinary period, or a congestion or "
            "closure period with its sources) and the season. The state sets the wait at the "
            "Caspian ports; timetables do not change with it."
        ),
    ),
    Term(
        "scenario",
        N_("Scenario"),
        N_(
            "A named set of changes to the network (a faster border, more ferries, a new "
            "railway), compared with the network as it is on the route asked."
        ),
    ),
    Term(
        "usd",
        N_("USD per container"),
        N_("Freight rates and fees along the route, in US dollars per container (TEU)."),
    ),
    Term(
        "generalized",
        N_("Cost with the value of time"),
        N_(
            "USD per container plus the value of the days the goods spend in transit "
            "(a documented value per container-hour): what a shipper weighs."
        ),
    ),
    Term(
        "co2",
        N_("kg CO2 per container"),
        N_("Carbon dioxide emitted moving one container along the route, in kilograms."),
    ),
    Term(
        "share",
        N_("Share of the traffic"),
        N_(
            "How traffic would split between the best distinct paths, cheaper paths (with the "
            "value of time) taking more. One row per distinct path: the places it passes."
        ),
    ),
    Term(
        "transshipment",
        N_("Transshipment"),
        N_(
            "Moving a container between ships, trains or trucks, or between trains of "
            "different rail gauge."
        ),
    ),
    Term(
        "saturated",
        N_("Saturated link"),
        N_(
            "A link or port that carries all it can in the flow model: the demand wants more "
            "of it than its capacity."
        ),
    ),
    Term(
        "shadow-price",
        N_("Shadow price"),
        N_(
            "What one more container of capacity a year at a saturated link or port would "
            "save the traffic, in USD per container: how much that capacity is worth."
        ),
    ),
    Term("sourced", N_("Sourced"), FLAG_WORDS["sourced"]),
    Term("derived", N_("Derived"), FLAG_WORDS["derived"]),
    Term("fitted", N_("Fitted"), FLAG_WORDS["fitted"]),
    Term("assumed", N_("Assumed"), FLAG_WORDS["assumed"]),
)


@router.get("/corridor/glossary")
def glossary(request: Request) -> Response:
    """The words of the corridor pages and what they mean."""
    return render(request, "corridor_glossary.html", {"section": "corridor", "terms": TERMS})
