"""Reference data bundled with cajad; each folder has a SOURCE.md with origin and license."""

import json
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).parent


def data_path(*parts: str) -> Path:
    """Path of a bundled data file, e.g. ``data_path("fx", "SOURCE.md")``."""
    return ROOT.joinpath(*parts)


def country_outlines() -> list[tuple[str, str, list[list[list[tuple[float, float]]]]]]:
    """The bundled Natural Earth countries (``boundaries/countries.geojson``, public domain):
    (ISO code, name, polygons), each polygon its rings of (lon, lat) in degrees WGS 84."""
    return list(_country_outlines())


@lru_cache(maxsize=1)
def _country_outlines() -> tuple[tuple[str, str, list[list[list[tuple[float, float]]]]], ...]:
    features = json.loads(data_path("boundaries", "countries.geojson").read_text("utf-8"))
    return tuple(
        (
            str(f["properties"]["code"]),
            str(f["properties"]["name"]),
            [
                [[(float(p[0]), float(p[1])) for p in ring] for ring in polygon]
                for polygon in f["geometry"]["coordinates"]
            ],
        )
        for f in features["features"]
    )
