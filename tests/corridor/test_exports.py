"""The public surface of cajad.corridor is pinned, and its error tree is the documented one."""

from __future__ import annotations

import cajad.corridor as corridor
from cajad.corridor import errors
from cajad.errors import CajadError

EXPECTED = {
    "AmbiguousPlaceError", "Comparison", "CorridorError", "DataFileError", "Demand",
    "Expectation", "FlowResult", "Leg", "Link", "Load", "Network", "NetworkDataError",
    "NoRouteError", "Node", "OptionError", "Outcome", "PairComparison", "Parameters",
    "PlaceError", "Problem", "Route", "RouteShare", "Router", "Scenario", "ScenarioError",
    "UnknownPlaceError", "UnknownScenarioError", "apply_scenario", "assign_flows",
    "bundled_data_dir", "compare_scenario", "find_routes", "list_scenarios", "load_demand",
    "load_expectations", "load_network", "load_scenario", "make_options", "pareto_routes",
    "resolve_country", "resolve_place", "run_validation", "synthetic_network",
}  # fmt: skip


def test_all_is_pinned_and_importable() -> None:
    assert set(corridor.__all__) == EXPECTED
    assert sorted(corridor.__all__) == corridor.__all__
    for name in corridor.__all__:
        assert getattr(corridor, name) is not None


def test_every_error_is_a_corridor_error_and_a_value_error() -> None:
    classes = [
        v
        for v in vars(errors).values()
        if isinstance(v, type) and issubclass(v, Exception) and v.__module__ == errors.__name__
    ]
    assert len(classes) >= 10
    for cls in classes:
        assert issubclass(cls, errors.CorridorError), cls
        assert issubclass(cls, ValueError) and issubclass(cls, CajadError), cls
    assert issubclass(errors.UnknownPlaceError, LookupError)
    assert issubclass(errors.UnknownScenarioError, errors.ScenarioError)


def test_error_tree_is_drawn_in_the_module_docstring() -> None:
    doc = errors.__doc__ or ""
    for name in (
        "CorridorError",
        "NetworkDataError",
        "ScenarioError",
        "UnknownPlaceError",
        "AmbiguousPlaceError",
        "OptionError",
        "NoRouteError",
        "UnknownScenarioError",
    ):
        assert name in doc
