"""Fixtures of the IATI tests: the bundled real files, hostile files, a loaded register."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import Engine

from cajad.iati import import_file
from cajad.register import init, make_engine

DATA = Path(__file__).parent / "data"
REAL = DATA / "real"
#: The real 2.0x publisher files bundled for the tests (the 1.01 file is refused).
REAL_FILES = sorted(p for p in REAL.glob("*.xml") if "_v1.0" not in p.name)
OLD_FILE = next(REAL.glob("*_v1.01.xml"))
SCHEMA = Path(__file__).parents[2] / "src/cajad/data/iati/schema/iati-activities-schema.xsd"


def parse(path: Path) -> etree._ElementTree:
    """A whole test file, parsed safely (test side: independent of cajad's reader)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.parse(str(path), parser)


def xsd() -> etree.XMLSchema:
    return etree.XMLSchema(parse(SCHEMA))


def schema_valid_identifiers(path: Path) -> set[str]:
    """Identifiers of the activities that validate against the 2.03 schema (lxml alone)."""
    schema = xsd()
    return {
        (a.findtext("iati-identifier") or "").strip()
        for a in parse(path).getroot().iterfind("iati-activity")
        if schema.validate(a)
    }


def xpath_totals(path: Path) -> dict[str, dict[tuple[int, str], Decimal]]:
    """Per activity: the sum of commitment (2) and disbursement (3) values per currency."""
    totals: dict[str, dict[tuple[int, str], Decimal]] = {}
    for activity in parse(path).getroot().xpath("/iati-activities/iati-activity"):
        identifier = activity.xpath("string(iati-identifier)").strip()
        default = activity.get("default-currency")
        sums: dict[tuple[int, str], Decimal] = {}
        for kind in (2, 3):
            for value in activity.xpath(f"transaction[transaction-type/@code='{kind}']/value"):
                key = (kind, value.get("currency") or default)
                sums[key] = sums.get(key, Decimal(0)) + Decimal(value.text.strip())
        totals[identifier] = sums
    return totals


@pytest.fixture(scope="session")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A SQLite register with every bundled real 2.0x file imported (once per session)."""
    folder = tmp_path_factory.mktemp("iati")
    engine = make_engine(f"sqlite:///{folder / 'cajad.sqlite'}")
    init(engine)
    for path in REAL_FILES:
        import_file(engine, path)
    yield engine
    engine.dispose()


@pytest.fixture
def register(tmp_path: Path) -> Iterator[Engine]:
    """A fresh, initialised SQLite register (the store-independent IATI tests use this one;
    the tests that must hold on both stores take ``empty_engine``)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'cajad.sqlite'}")
    init(engine)
    yield engine
    engine.dispose()
