"""Central Asia demo: porphyry-copper prospectivity from the bundled mineral sites.

There are no open geology, geophysics or geochemistry rasters of the region in the product, so
the evidence is honestly limited to what the site data allow: distance to known sites of *other*
mineral systems that mark metallogenic belts (VMS, Sn-W, Au, Zn-Pb, mafic-ultramafic Ni-Cr-PGE)
and the density of all non-porphyry sites. The porphyry Cu sites are the labels and never enter
the evidence; deduplication matters here, since a porphyry deposit repeated by another source
under another type would otherwise leak into its own evidence. The map says where the *known*
belts are, not where undiscovered geology is. A mineral-system template (``--template``) swaps
the training deposit types and stand-in layers for its own, as its demo note below says.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from rasterio import features

from cajad.data import data_path
from cajad.minerals.grid import Grid
from cajad.minerals.rasterize import distance_to, point_density
from cajad.minerals.run import RunConfig, RunResult, StepCallback, run_prospectivity
from cajad.minerals.sites import load_sites
from cajad.minerals.stack import write_geotiff
from cajad.minerals.templates import Template

__all__ = ["CA_CRS", "build_demo_inputs", "run_demo"]

#: Albers equal-area conic for Central Asia (metres).
CA_CRS: Final = "+proj=aea +lat_1=38 +lat_2=52 +lat_0=45 +lon_0=67 +datum=WGS84 +units=m +no_defs"
TARGET: Final = "porphyry Cu"
EVIDENCE_SYSTEMS: Final = {
    "dist_vms": "VMS",
    "dist_sn_w": "Sn-W",
    "dist_au": "Au",
    "dist_zn_pb": "sediment-hosted Zn-Pb",
    "dist_mafic_ultramafic": "mafic-ultramafic Ni-Cr-PGE",
}
#: What a demo run is, in its run file's ``demo`` entry.
DEMO_WHAT: Final = (
    "Central Asia demo: evidence stands in from the bundled mineral sites, not from geology"
)
MAX_DISTANCE: Final = 300_000.0
DENSITY_RADIUS: Final = 50_000.0


def _country_mask(grid: Grid) -> np.ndarray:
    shapes = json.loads(data_path("minerals", "central_asia_5_countries.geojson").read_text())
    to_grid = Transformer.from_crs("EPSG:4326", CA_CRS, always_xy=True)
    geoms = [
        shapely.transform(
            shapely.geometry.shape(f["geometry"]),
            lambda xy: np.column_stack(to_grid.transform(*xy.T)),
        )
        for f in shapes["features"]
    ]
    burnt = features.rasterize(
        [(g, 1) for g in geoms], out_shape=grid.shape, transform=grid.transform, dtype="uint8"
    )
    return np.asarray(burnt, dtype=bool)


def build_demo_inputs(
    folder: str | Path,
    *,
    resolution: float = 5000.0,
    target: Sequence[str] = (TARGET,),
    evidence_systems: Mapping[str, str] = EVIDENCE_SYSTEMS,
    target_commodities: Sequence[str] = (),
) -> tuple[Path, Path]:
    """Write the demo's evidence GeoTIFFs and training deposits (GeoJSON) into ``folder``.

    Returns (evidence folder, deposits file). The grid is :data:`CA_CRS` at ``resolution`` metres,
    NaN outside Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan. The training
    deposits are the sites of the ``target`` deposit types and those listing any of
    ``target_commodities`` (uranium, say, which no bundled site has as its type). Evidence is the
    distance (km) to the sites of each of ``evidence_systems`` (layer name → deposit type) and
    ``density_other_sites``; a training site never enters it.
    """
    out = Path(folder)
    evidence = out / "evidence"
    evidence.mkdir(parents=True, exist_ok=True)
    sites = load_sites()
    to_grid = Transformer.from_crs("EPSG:4326", CA_CRS, always_xy=True)
    x, y = to_grid.transform(sites["lon"].to_numpy(), sites["lat"].to_numpy())
    grid = Grid.from_bounds(
        -1_900_000, -1_300_000, 1_900_000, 1_300_000, resolution=resolution, crs=CA_CRS
    )
    mask = _country_mask(grid)
    system = sites["system"].to_numpy()
    other = ~(np.isin(system, list(target)) | _lists(sites["commodities_all"], target_commodities))
    layers = {
        name: distance_to(
            list(shapely.points(x[other & (system == s)], y[other & (system == s)])),
            grid,
            max_distance=MAX_DISTANCE,
        )
        / 1000.0
        for name, s in evidence_systems.items()
    }
    layers["density_other_sites"] = point_density(x[other], y[other], grid, radius=DENSITY_RADIUS)
    for name, layer in layers.items():
        write_geotiff(
            np.where(mask, np.asarray(layer), np.nan),
            grid,
            evidence / f"{name}.tif",
            tags={"CAJAD_KIND": "measured"},
        )
    targets = sites[~other & sites["in_ca5"].to_numpy(dtype=bool)]
    feats = [
        {
            "type": "Feature",
            "properties": {"name": n, "sources": s},
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        }
        for n, s, lon, lat in zip(
            targets["name"], targets["sources"], targets["lon"], targets["lat"], strict=True
        )
    ]
    names = dict.fromkeys([*target, *target_commodities])
    slug = "_".join(t.lower().replace(" ", "_").replace("-", "_") for t in names)
    deposits = out / f"{slug}_central_asia.geojson"
    deposits.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return evidence, deposits


def _lists(commodities: pd.Series, wanted: Sequence[str]) -> NDArray[np.bool_]:
    """Whether each site's ``;``-separated commodities include any of ``wanted``."""
    if not wanted:
        return np.zeros(len(commodities), dtype=bool)
    found = commodities.fillna("").str.split(";").map(lambda c: bool(set(c) & set(wanted)))
    return np.asarray(found, dtype=bool)


def run_demo(
    out_dir: str | Path,
    config: RunConfig | None = None,
    *,
    resolution: float = 5000.0,
    progress: StepCallback | None = None,
    template: Template | None = None,
    note: str | None = None,
    about: Mapping[str, Any] | None = None,
) -> RunResult:
    """Build the demo inputs under ``out_dir/inputs`` and run :func:`run_prospectivity` on them.

    With a ``template`` the training deposits and stand-in evidence are the template's demo
    ones (``config`` should come from :func:`~cajad.minerals.templates.template_config`).
    ``note`` replaces the README of the run folder (the caveat the portal shows) and ``about``
    is added to the run file's ``demo`` entry (see :mod:`cajad.minerals.demo_runs`)."""
    out = Path(out_dir)
    spec = template.demo if template is not None else None
    evidence, deposits = build_demo_inputs(
        out / "inputs",
        resolution=resolution,
        target=spec.training_systems if spec else (TARGET,),
        evidence_systems=spec.evidence if spec else EVIDENCE_SYSTEMS,
        target_commodities=spec.training_commodities if spec else (),
    )
    cfg = config or RunConfig(model="gbm", n_background=10_000)
    result = run_prospectivity(evidence, deposits, out, cfg, progress=progress)
    extra = f"\n\nTemplate {template.name}: {spec.note}\n" if template and spec else ""
    readme = note if note is not None else (__doc__ or "").strip() + "\n" + extra
    (out / "README.txt").write_text(readme, encoding="utf-8")
    # Marked in the run file, so that a recorded demo says it is one wherever it is shown.
    run_file = out / "run.json"
    recorded = json.loads(run_file.read_text(encoding="utf-8"))
    recorded["demo"] = {
        "what": DEMO_WHAT,
        "template": template.name if template else None,
        **(about or {}),
    }
    run_file.write_text(json.dumps(recorded, indent=2, default=str), encoding="utf-8")
    return result
