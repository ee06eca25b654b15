"""Solvers behind one small interface: a :class:`Model` in, a 0/1 selection out.

:class:`HighsSolver` (HiGHS through ``highspy``) is the planner's. :func:`arrays` gives the
model in the floating-point, row-wise form any MIP solver takes (money rows scaled so the
largest coefficient is about 1,000, benefit so the largest is 1), which is also how the
benchmark hands the very same model to another solver.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Protocol

import highspy
import numpy as np
import numpy.typing as npt

from cajad.portfolio.errors import SolverError
from cajad.portfolio.model import Model

__all__ = ["Arrays", "HighsSolver", "Solution", "Solver", "arrays"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Solution:
    """``status``: optimal, infeasible or stopped (a limit hit; ``chosen`` may be a plan)."""

    status: str
    chosen: frozenset[int]
    gap: float
    seconds: float


class Solver(Protocol):
    """Solves a model's 0/1 program to within ``mip_gap`` (relative) of proven optimality."""

    name: str

    def solve(
        self, model: Model, *, mip_gap: float = 0.0, time_limit: float | None = None
    ) -> Solution: ...


@dataclass(frozen=True)
class Arrays:
    """The model as floats: objective, column bounds, row bounds, rows in CSR form."""

    objective: Floats
    col_lower: Floats
    col_upper: Floats
    row_lower: Floats  # -inf: none
    row_upper: Floats  # +inf: none
    starts: Ints
    indices: Ints
    values: Floats


def _scales(model: Model) -> dict[str, Decimal]:
    largest = {"count": Decimal(1), "money": Decimal(0), "benefit": Decimal(0)}
    for constraint in model.constraints:
        for row in constraint.rows:
            if row.unit == "count":
                continue
            found = max((abs(c) for _, c in row.terms), default=Decimal(0))
            largest[row.unit] = max(largest[row.unit], found)
    largest["benefit"] = max([largest["benefit"], *(abs(w) for w in model.objective)])
    money = largest["money"] / 1000 if largest["money"] else Decimal(1)
    benefit = largest["benefit"] or Decimal(1)
    return {"count": Decimal(1), "money": money, "benefit": benefit}


def arrays(model: Model) -> Arrays:
    """The model in floats, scaled (see the module's docstring)."""
    scale = _scales(model)
    objective = np.array([float(w / scale["benefit"]) for w in model.objective], dtype=np.float64)
    col_lower = np.zeros(model.n)
    col_upper = np.ones(model.n)
    col_upper[list(model.fixed_out)] = 0.0
    col_lower[list(model.fixed_in)] = 1.0
    lower: list[float] = []
    upper: list[float] = []
    starts: list[int] = []
    indices: list[int] = []
    values: list[float] = []
    for constraint in model.constraints:
        for row in constraint.rows:
            s = scale[row.unit]
            starts.append(len(indices))
            indices.extend(i for i, _ in row.terms)
            values.extend(float(c / s) for _, c in row.terms)
            lower.append(-np.inf if row.lower is None else float(row.lower / s))
            upper.append(np.inf if row.upper is None else float(row.upper / s))
    return Arrays(
        objective,
        col_lower,
        col_upper,
        np.array(lower, dtype=np.float64),
        np.array(upper, dtype=np.float64),
        np.array(starts, dtype=np.int32),
        np.array(indices, dtype=np.int32),
        np.array(values, dtype=np.float64),
    )


_banner = threading.Lock()
_bannered = False


def _highs() -> highspy.Highs:
    """A new HiGHS instance. The first one in a process prints HiGHS's banner on the C
    stdout, which would spoil ``--json``: it goes to /dev/null instead."""
    global _bannered
    with _banner:
        if _bannered:
            return highspy.Highs()  # type: ignore[no-untyped-call]
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with Path(os.devnull).open("wb") as null:
                os.dup2(null.fileno(), 1)
                h = highspy.Highs()  # type: ignore[no-untyped-call]
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _bannered = True
        return h


class HighsSolver:
    """HiGHS's branch and cut; ``threads`` None: HiGHS's default."""

    name = "HiGHS"

    def __init__(self, *, threads: int | None = None) -> None:
        self.threads = threads

    def solve(
        self, model: Model, *, mip_gap: float = 0.0, time_limit: float | None = None
    ) -> Solution:
        """Maximise the model's objective; the selection and how it ended."""
        start = time.perf_counter()
        a = arrays(model)
        h = _highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", mip_gap)
        h.setOptionValue("mip_abs_gap", 1e-9)
        if self.threads is not None:
            h.setOptionValue("threads", self.threads)
        if time_limit is not None:
            h.setOptionValue("time_limit", float(time_limit))
        inf = highspy.kHighsInf
        n = model.n
        h.addCols(n, a.objective, a.col_lower, a.col_upper, 0, [], [], [])
        if n:
            h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.ones(n, dtype=np.uint8))
        if len(a.starts):
            h.addRows(
                len(a.starts),
                np.where(np.isinf(a.row_lower), -inf, a.row_lower),
                np.where(np.isinf(a.row_upper), inf, a.row_upper),
                len(a.indices),
                a.starts,
                a.indices,
                a.values,
            )
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        h.run()
        return self._result(h, n, time.perf_counter() - start)

    def _result(self, h: highspy.Highs, n: int, seconds: float) -> Solution:
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return Solution("infeasible", frozenset(), 0.0, seconds)
        solved = status == highspy.HighsModelStatus.kOptimal
        has_plan = h.getInfo().primal_solution_status == 2  # feasible
        if not solved and not has_plan:
            raise SolverError(f"HiGHS stopped without a plan: {h.modelStatusToString(status)}")
        x = np.asarray(h.getSolution().col_value[:n]) if n else np.zeros(0)
        chosen = frozenset(int(i) for i in np.flatnonzero(x > 0.5))
        gap = float(h.getInfo().mip_gap) if n else 0.0
        return Solution("optimal" if solved else "stopped", chosen, gap, seconds)
