"""Progress toward the goal: counting rule, totals, breakdowns, pace, data quality."""

from cajad.tracker.progress import BreakdownRow, Dimension, Pace, Progress, progress
from cajad.tracker.quality import Finding, findings
from cajad.tracker.rule import CountingRule, Measure

__all__ = [
    "BreakdownRow",
    "CountingRule",
    "Dimension",
    "Finding",
    "Measure",
    "Pace",
    "Progress",
    "findings",
    "progress",
]
