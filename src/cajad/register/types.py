"""Exact decimal column types that behave the same on SQLite and PostgreSQL.

PostgreSQL has exact ``NUMERIC``. SQLite has none: its NUMERIC affinity silently turns
fractions into binary floats. So on SQLite

* :class:`ExactDecimal` (values as reported, exchange rates) is stored as canonical text, and
* :class:`Money` (amounts that SQL must *sum*: converted values and rollups) is stored as an
  integer count of hundredths, which SQLite sums exactly in 64-bit integers.

Python always sees :class:`decimal.Decimal`; floats are refused at bind time.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Dialect, Numeric, String
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
