"""The counting rule: which money counts toward the goal, over which period.

Default (documented in the README): the five years from the summit, 2025-12-20 to
2030-12-19 inclusive; the goal is JPY 3,000,000,000,000; measure ``announced`` counts
outgoing pledges and commitments of projects marked to count and not cancelled.

Measures:

* ``announced``: outgoing pledges (IATI 12) and commitments (2): everything agreed or promised;
* ``signed``: outgoing commitments (2) only: signed loans, grants, orders and contracts;
* ``disbursed``: disbursements (3) and purchases of equity (8): money that moved.

Credit guarantees (10) cover loans made by others; they are not money lent and count only when
``include_guarantees`` is set. Incoming types (1, 11, 13) are the far end of funding chains and
never count. Each project's money counts once (see ``cajad/data/initiative/CURATION.md``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cajad.errors import CajadError
from cajad.register import Stage, TransactionType


class Measure(StrEnum):
    ANNOUNCED = "announced"
    SIGNED = "signed"
    DISBURSED = "disbursed"


MEASURE_TYPES: dict[Measure, frozenset[int]] = {
    Measure.ANNOUNCED: frozenset(
        {TransactionType.OUTGOING_PLEDGE, TransactionType.OUTGOING_COMMITMENT}
    ),
    Measure.SIGNED: frozenset({TransactionType.OUTGOING_COMMITMENT}),
    Measure.DISBURSED: frozenset(
        {TransactionType.DISBURSEMENT, TransactionType.PURCHASE_OF_EQUITY}
    ),
}

DEFAULT_STAGES = tuple(s.value for s in Stage if s is not Stage.CANCELLED)


class RuleError(CajadError, ValueError):
    """The options ask for a rule that cannot be; ``option`` names the one to change
    (``start``, ``end`` or ``stages``, as :meth:`CountingRule.from_options` calls them)."""

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        super().__init__(message)


class CountingRule(BaseModel):
    """Which money counts toward the goal; every figure the tracker shows names its rule."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    goal: Decimal = Decimal("3000000000000")
    goal_currency: str = "JPY"
    period_start: dt.date = dt.date(2025, 12, 20)
    period_end: dt.date = dt.date(2030, 12, 19)
    measure: Measure = Measure.ANNOUNCED
    stages: tuple[str, ...] = Field(default=DEFAULT_STAGES)
    include_guarantees: bool = False

    @classmethod
    def from_options(
        cls,
        *,
        measure: Measure = Measure.ANNOUNCED,
        start: dt.date | None = None,
        end: dt.date | None = None,
        stages: Iterable[str] | None = None,
        include_guarantees: bool = False,
    ) -> CountingRule:
        """The rule a person's options ask for (the CLI's and the portal's): an option left
        ``None`` (or no stages) keeps the default; :class:`RuleError` names a bad one."""
        defaults = cls()
        first, last = start or defaults.period_start, end or defaults.period_end
        if last < first:
            raise RuleError(
                "end" if end is not None else "start",
                f"the period must not end before it starts; got {first}..{last}",
            )
        chosen = tuple(str(s) for s in stages or ()) or defaults.stages
        known = [s.value for s in Stage]
        unknown = [s for s in chosen if s not in known]
        if unknown:
            raise RuleError(
                "stages", f"stages must be among {', '.join(known)}; got {', '.join(unknown)}"
            )
        return cls(
            measure=measure,
            period_start=first,
            period_end=last,
            stages=chosen,
            include_guarantees=include_guarantees,
        )

    @model_validator(mode="after")
    def _check(self) -> CountingRule:
        if self.period_end < self.period_start:
            raise ValueError(
                f"period_end must not be before period_start; got {self.period_start} .. "
                f"{self.period_end}"
            )
        unknown = [s for s in self.stages if s not in {x.value for x in Stage}]
        if unknown:
            raise ValueError(f"stages must be pipeline stages; got {unknown}")
        return self

    @property
    def types(self) -> frozenset[int]:
        types = set(MEASURE_TYPES[self.measure])
        if self.include_guarantees:
            types.add(TransactionType.CREDIT_GUARANTEE)
        return frozenset(types)

    def counts(self, tx_type: int, value_date: dt.date | None) -> bool:
        """Whether a transaction of a counted project counts under this rule: its type is one
        the measure takes and it is dated inside the period."""
        dated = value_date is not None and self.period_start <= value_date <= self.period_end
        return dated and tx_type in self.types

    @property
    def uses_rollup(self) -> bool:
        """Whether the rollup table holds exactly the projects this rule admits."""
        return set(self.stages) == set(DEFAULT_STAGES)

    def describe(self) -> str:
        kinds = ", ".join(
            TransactionType(t).name.lower().replace("_", " ") for t in sorted(self.types)
        )
        return (
            f"{self.measure.value}: {kinds} dated {self.period_start} to {self.period_end}, "
            f"of projects counted toward the goal at stages {', '.join(self.stages)}"
        )
