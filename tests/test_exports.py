"""The public surface of the tracker, pinned (the register's is pinned in
tests/register/test_public_surface.py)."""

from __future__ import annotations

import cajad.tracker


def test_tracker_exports() -> None:
    assert cajad.tracker.__all__ == [
        "NOT_COUNTED",
        "BreakdownRow",
        "CountingRule",
        "Dimension",
        "FundingChain",
        "Measure",
        "Pace",
        "Progress",
        "ProjectCount",
        "QualityFinding",
        "ReportedAmount",
        "RuleError",
        "Uncounted",
        "count_project",
        "counted",
        "findings",
        "funding_chain",
        "left_out",
        "progress",
        "reported_amount",
    ]
    assert all(hasattr(cajad.tracker, name) for name in cajad.tracker.__all__)
