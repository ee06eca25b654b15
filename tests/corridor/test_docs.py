"""Examples in the docstrings run, and the JSON form of a scenario is accepted."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest

import cajad.corridor
import cajad.corridor.routing
from cajad.corridor import Network, apply_scenario, find_routes, load_scenario


@pytest.mark.parametrize("module", [cajad.corridor, cajad.corridor.routing])
def test_docstring_examples_run(module: object) -> None:
    failed, attempted = doctest.testmod(module, verbose=False)  # type: ignore[arg-type]
    assert attempted > 0 and failed == 0


def test_a_scenario_can_be_json(network: Network, tmp_path: Path) -> None:
    path = tmp_path / "closed.json"
    path.write_text(
        json.dumps(
            {
                "name": "no-btk",
                "title": "BTK closed",
                "changes": [{"op": "remove_link", "id": "rail:GE_MARABDA-GE_KARTSAKHI"}],
            }
        ),
        encoding="utf-8",
    )
    changed = apply_scenario(network, load_scenario(path))
    route = find_routes(changed, "Baku", "Kars", modes=["rail", "sea"])[0]
    assert "rail:GE_MARABDA-GE_KARTSAKHI" not in {leg.link for leg in route.legs}
