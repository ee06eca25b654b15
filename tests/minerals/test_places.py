"""Targets placed for a geologist (lon/lat, country, nearest site), the extent of a run's grid
in lon/lat, and the prediction-rate curve whose area is the headline ROC AUC."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from cajad.minerals.demo import CA_CRS
from cajad.minerals.places import grid_extent, place_targets, targets_csv
from cajad.minerals.run import _oof_curve
from cajad.minerals.validation import CVResult


def _square(lon: float, lat: float, rank: int) -> dict[str, object]:
    ring = [[lon, lat], [lon + 0.1, lat], [lon + 0.1, lat + 0.1], [lon, lat + 0.1], [lon, lat]]
    props = {"rank": rank, "area_km2": 90.0, "mean_score": 0.5, "known_deposits": 0}
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_targets_are_placed_in_their_country_near_a_known_site() -> None:
    geojson = json.dumps(
        {"type": "FeatureCollection", "features": [_square(71.4, 51.1, 2), _square(69.2, 41.3, 1)]}
    )
    first, second = place_targets(geojson)
    assert (first.rank, first.country_code, first.country) == (1, "UZ", "Uzbekistan")
    assert (second.country_code, second.country) == ("KZ", "Kazakhstan")
    assert 69.2 < first.lon < 69.3 and 41.3 < first.lat < 41.4
    assert first.nearest_site and first.nearest_site_km is not None and first.nearest_site_km < 300
    rows = targets_csv([first, second]).splitlines()
    assert rows[0].startswith("rank,lon,lat,country_code,country,nearest_site")
    assert rows[1].startswith(f"1,{first.lon},{first.lat},UZ,Uzbekistan,")


def test_a_target_at_sea_has_no_country() -> None:
    geojson = json.dumps({"type": "FeatureCollection", "features": [_square(-30.0, 0.0, 1)]})
    [placed] = place_targets(geojson)
    assert placed.country is None and placed.country_code is None


def test_grid_extent_covers_the_conic_grid_in_degrees() -> None:
    grid = {
        "crs": CA_CRS,
        "transform": [40_000, 0, -1_900_000, 0, -40_000, 1_300_000],
        "width": 95,
        "height": 65,
    }
    lon_min, lat_min, lon_max, lat_max = grid_extent(grid)
    # The five countries (about 46-88 °E, 35-55.5 °N) lie inside; not a hemisphere.
    assert lon_min < 46 and lon_max > 88 and lat_min < 35 and lat_max > 55.5
    assert lon_max - lon_min < 70 and lat_max - lat_min < 35


@pytest.mark.parametrize("ties", [False, True])
def test_the_prediction_rate_curve_area_is_the_mean_fold_roc_auc(ties: bool) -> None:
    rng = np.random.default_rng(1)
    y = (rng.random(600) < 0.15).astype(np.int64)
    oof = rng.random(600) + 0.4 * y
    if ties:
        oof = np.round(oof, 1)
    fold = rng.integers(0, 5, size=600)
    fold[:20] = -1
    oof[:20] = np.nan
    aucs = [float(roc_auc_score(y[fold == k], oof[fold == k])) for k in range(5)]
    curve = _oof_curve(CVResult("spatial", roc_auc=aucs, oof=oof, fold=fold), y)
    assert curve.auc == pytest.approx(np.mean(aucs), abs=1e-12)
    assert curve.area[0] == 0 and curve.area[-1] == 1 and curve.captured[-1] == pytest.approx(1)
    assert np.all(np.diff(curve.area) >= 0) and np.all(np.diff(curve.captured) >= -1e-12)
