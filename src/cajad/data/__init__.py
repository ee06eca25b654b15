"""Reference data bundled with cajad; each folder has a SOURCE.md with origin and license."""

from pathlib import Path

ROOT = Path(__file__).parent


def data_path(*parts: str) -> Path:
    """Path of a bundled data file, e.g. ``data_path("fx", "SOURCE.md")``."""
    return ROOT.joinpath(*parts)
