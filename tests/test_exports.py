"""The public surface of the register and the tracker, pinned."""

from __future__ import annotations

import cajad.register
import cajad.tracker


def test_register_exports() -> None:
    assert cajad.register.__all__ == [
        "Conversion",
        "ConversionError",
        "ImportReport",
        "InputError",
        "NotFoundError",
        "Problem",
        "RateBook",
        "RegisterError",
        "StoreError",
        "database_url",
        "import_file",
        "import_specs",
        "init",
        "load_demo",
        "make_engine",
        "migrate",
        "session_scope",
    ]
    assert all(hasattr(cajad.register, name) for name in cajad.register.__all__)


def test_tracker_exports() -> None:
    assert cajad.tracker.__all__ == [
        "BreakdownRow",
        "CountingRule",
        "Dimension",
        "Finding",
        "FundingChain",
        "Measure",
        "Pace",
        "Progress",
        "findings",
        "funding_chain",
        "progress",
    ]
    assert all(hasattr(cajad.tracker, name) for name in cajad.tracker.__all__)
