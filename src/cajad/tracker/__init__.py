"""Progress toward the goal: counting rule, totals, breakdowns, pace, data quality, and
the funding chains that follow the same money across publishers."""

from cajad.tracker.chains import FundingChain, funding_chain
from cajad.tracker.counted import (
    ProjectCount,
    ReportedAmount,
    Uncounted,
    count_project,
    counted,
    reported_amount,
)
from cajad.tracker.pace import Pace
from cajad.tracker.progress import BreakdownRow, Dimension, Progress, progress
from cajad.tracker.quality import NOT_COUNTED, QualityFinding, findings, left_out
from cajad.tracker.rule import CountingRule, Measure, RuleError

__all__ = [
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
