"""Exact decimal column types that behave the same on SQLite and PostgreSQL.

PostgreSQL has exact ``NUMERIC``. SQLite has none: its NUMERIC affinity silently turns
fractions into binary floats. So on SQLite

* :class:`ExactDecimal` (values as reported, exchange rates) is stored as canonical text, and
* :class:`Money` (amounts that SQL must *sum*: converted values and rollups) is stored as an
  integer count of hundredths, which SQLite sums exactly in 64-bit integers; a sum past 2⁶³
  hundredths would overflow, so SQL sums money with :class:`exact_sum`, which cannot.

Python always sees :class:`decimal.Decimal`; floats are refused at bind time.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Dialect, Numeric, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator, TypeEngine

MONEY_SCALE = 2
_CENTS = Decimal(10) ** MONEY_SCALE
_QUANTUM = Decimal(1).scaleb(-MONEY_SCALE)


def _as_decimal(value: Any) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money and rates must be Decimal, not float")
    return value if isinstance(value, Decimal) else Decimal(value)


class ExactDecimal(TypeDecorator[Decimal]):
    """A decimal of any precision: NUMERIC (no declared scale) on PostgreSQL, canonical text
    on SQLite."""

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(64))
        return dialect.type_descriptor(Numeric(asdecimal=True))  # any precision (0012)

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        number = _as_decimal(value)
        return _canonical(number) if dialect.name == "sqlite" else number

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        # the same value from both stores: PostgreSQL's NUMERIC scale would add trailing zeros
        return None if value is None else Decimal(_canonical(Decimal(str(value))))


def _canonical(number: Decimal) -> str:
    """``10000000000.000`` → ``10000000000``, ``1.50`` → ``1.5``: plain, no trailing zeros."""
    return format(number.normalize(), "f")


class Money(TypeDecorator[Decimal]):
    """A summable amount with two decimals: NUMERIC(24, 2), or integer hundredths on SQLite."""

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(24, MONEY_SCALE, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        number = _as_decimal(value).quantize(_QUANTUM)
        return int(number * _CENTS) if dialect.name == "sqlite" else number

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return (Decimal(int(value)) / _CENTS).quantize(_QUANTUM)
        return Decimal(str(value)).quantize(_QUANTUM)


def quantize_money(value: Decimal) -> Decimal:
    """Round an amount to the stored precision (two decimals, half to even)."""
    return value.quantize(_QUANTUM)


#: Where :class:`exact_sum` splits hundredths on SQLite: each half sums ~10⁹ rows safely.
_SPLIT = 10**9


class _MoneySum(Money):
    """The type of :class:`exact_sum`: on SQLite the text ``high:low`` of the split sums."""

    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String())
        return super().load_dialect_impl(dialect)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None or dialect.name != "sqlite":
            return super().process_result_value(value, dialect)
        high, _, low = str(value).partition(":")
        return (Decimal(int(high) * _SPLIT + int(low)) / _CENTS).quantize(_QUANTUM)


class exact_sum(FunctionElement[Decimal]):  # noqa: N801 - an SQL function, named like func.sum
    """``SUM`` of a :class:`Money` expression that cannot overflow, on either store.

    PostgreSQL sums ``NUMERIC`` exactly. SQLite's ``SUM`` of integers fails past 2⁶³, so there
    the hundredths are summed in two parts, ``x / 10⁹`` and ``x % 10⁹`` (each exact for about
    10⁹ rows of the largest amount the register accepts), and added up in Python.
    """

    name = "exact_sum"
    inherit_cache = True
    type = _MoneySum()


@compiles(exact_sum)
def _sum(element: exact_sum, compiler: SQLCompiler, **kw: Any) -> str:
    return f"SUM({compiler.process(element.clauses, **kw)})"


@compiles(exact_sum, "sqlite")
def _split_sum(element: exact_sum, compiler: SQLCompiler, **kw: Any) -> str:
    x = compiler.process(element.clauses, **kw)
    high, low = f"SUM(({x}) / {_SPLIT})", f"SUM(({x}) % {_SPLIT})"
    return f"(CAST({high} AS TEXT) || ':' || CAST({low} AS TEXT))"
