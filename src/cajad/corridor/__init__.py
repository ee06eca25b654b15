"""The Trans-Caspian corridor model: network, routes, scenarios and flows.

A plain library over NumPy, SciPy and pydantic (no database, no web): load the network from
its data files, ask for routes between places, apply scenarios and compare them with the base,
and assign yearly flows under capacities.

>>> from cajad.corridor import load_network, find_routes
>>> network = load_network()
>>> route = find_routes(network, "Yokohama", "Tashkent")[0]
>>> route.legs[0].mode, "JP" in route.countries and "UZ" in route.countries
('sea', True)
"""

from cajad.corridor._schema import Link, Node, Parameters
from cajad.corridor.compare import Comparison, PairComparison, RouteShare, compare_scenario
from cajad.corridor.errors import (
    AmbiguousPlaceError,
    CorridorError,
    DataFileError,
    NetworkDataError,
    NoRouteError,
    OptionError,
    PlaceError,
    Problem,
    ScenarioError,
    UnknownPlaceError,
    UnknownScenarioError,
)
from cajad.corridor.flows import Demand, FlowResult, Load, assign_flows, load_demand
from cajad.corridor.loader import bundled_data_dir, load_network
from cajad.corridor.model import Network
from cajad.corridor.places import resolve_country, resolve_place
from cajad.corridor.routes import Leg, Route
from cajad.corridor.routing import Router, find_routes, make_options, pareto_routes
from cajad.corridor.scenarios import Scenario, apply_scenario, list_scenarios, load_scenario
from cajad.corridor.synthetic import synthetic_network
from cajad.corridor.validation import Expectation, Outcome, load_expectations, run_validation

__all__ = [
    "AmbiguousPlaceError",
    "Comparison",
    "CorridorError",
    "DataFileError",
    "Demand",
    "Expectation",
    "FlowResult",
    "Leg",
    "Link",
    "Load",
    "Network",
    "NetworkDataError",
    "NoRouteError",
    "Node",
    "OptionError",
    "Outcome",
    "PairComparison",
    "Parameters",
    "PlaceError",
    "Problem",
    "Route",
    "RouteShare",
    "Router",
    "Scenario",
    "ScenarioError",
    "UnknownPlaceError",
    "UnknownScenarioError",
    "apply_scenario",
    "assign_flows",
    "bundled_data_dir",
    "compare_scenario",
    "find_routes",
    "list_scenarios",
    "load_demand",
    "load_expectations",
    "load_network",
    "load_scenario",
    "make_options",
    "pareto_routes",
    "resolve_country",
    "resolve_place",
    "run_validation",
    "synthetic_network",
]
