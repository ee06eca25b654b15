"""Progress toward the goal: counting rule, totals, breakdowns, pace, data quality, and
the funding chains that follow the same money across publishers."""

from cajad.tracker.chains import FundingChain, funding_chain
from cajad.tracker.progress import BreakdownRow, Dimension, Pace, Progress, progress
from cajad.tracker.quality import Finding, findings
from cajad.tracker.rule import CountingRule, Measure

__all__ = [
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
