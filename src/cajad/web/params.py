"""Parameters of the API and the pages, validated once, declaratively, where they enter.

A refused parameter answers 422 naming the field, in the one error shape (see ``errors``).
Integers and dates are bounded here as the register bounds them (:mod:`cajad.register.bounds`):
an id or offset past 2⁶³ − 1 or a day outside 1900–2199 is refused, never passed to a driver.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator

from cajad.register import RateBook, Stage, agreement_bound, bounds
from cajad.tracker import CountingRule, Measure, RuleError
from cajad.web.errors import ParameterError

MAX_LIMIT = 500


class ProjectSort(StrEnum):
    """Sort keys of the project list; ``-`` sorts descending."""

    IDENTIFIER = "identifier"
    IDENTIFIER_DESC = "-identifier"
    TITLE = "title"
    TITLE_DESC = "-title"
    AGREEMENT_DATE = "agreement_date"
    AGREEMENT_DATE_DESC = "-agreement_date"
    STAGE = "stage"
    STAGE_DESC = "-stage"
    AMOUNT = "amount"
    AMOUNT_DESC = "-amount"


Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, le=bounds.MAX_ID, description="Items to skip.")]
#: A row id in an address (a recorded run): 1 to 2⁶³ − 1.
RowId = Annotated[int, Path(ge=1, le=bounds.MAX_ID)]


def _in_range(day: dt.date) -> dt.date:
    reason = bounds.date_error(day)
    if reason is not None:
        raise ValueError(reason)
    return day


#: A day ``YYYY-MM-DD`` from 1900-01-01 to 2199-12-31, the register's range of dates.
Day = Annotated[dt.date, AfterValidator(_in_range)]
SearchText = Annotated[
    str | None, Query(max_length=200, description="Words of the identifier or title.")
]
CountryCode = Annotated[
    str | None,
    Query(pattern=r"^([A-Za-z]{2}|[0-9]{3})$", description="ISO country code or IATI region."),
]
Severity = Annotated[
    str | None, Query(pattern=r"^(error|warning|info)$", description="Only this severity.")
]
CurrencyCode = Annotated[
    str, Query(pattern=r"^[A-Za-z]{3}$", description="ISO 4217 code, e.g. JPY, USD, EUR, KZT.")
]
_DAY_MONTH_OR_YEAR = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
AgreedFrom = Annotated[
    str | None,
    Query(
        alias="from",
        pattern=_DAY_MONTH_OR_YEAR,
        description="Agreed on or after: a day YYYY-MM-DD, a month YYYY-MM or a year YYYY "
        "(its first day). A date known to the month or year is kept when its period overlaps.",
    ),
]
AgreedTo = Annotated[
    str | None,
    Query(
        alias="to",
        pattern=_DAY_MONTH_OR_YEAR,
        description="Agreed on or before: a day YYYY-MM-DD, a month YYYY-MM or a year YYYY "
        "(its last day).",
    ),
]
SinceSummit = Annotated[
    bool,
    Query(
        description="Only projects new since the summit: their money (value dates) or, "
        "without money, their curated date or agreement period on or after the counting "
        "period's start, 2025-12-20."
    ),
]


def counting_rule(
    measure: Measure,
    date_from: dt.date | None,
    date_to: dt.date | None,
    stages: list[Stage] | None,
    include_guarantees: bool,
) -> CountingRule:
    """The counting rule the parameters ask for (:meth:`CountingRule.from_options`), a refusal
    named by the query parameter it comes from."""
    try:
        return CountingRule.from_options(
            measure=measure,
            start=date_from,
            end=date_to,
            stages=[s.value for s in stages or ()],
            include_guarantees=include_guarantees,
        )
    except RuleError as exc:
        raise ParameterError(_RULE_FIELDS[exc.option], str(exc)) from exc


#: The query parameter behind each option of :meth:`CountingRule.from_options`.
_RULE_FIELDS = {"start": "from", "end": "to", "stages": "stage"}


def checked_currency(book: RateBook, currency: str, field: str = "currency") -> str:
    """``currency`` in upper case, refused unless the rate book can convert into it."""
    code = currency.upper()
    if code not in book.currencies:
        raise ParameterError(
            field, f"must be a currency with exchange rates (see /api/currencies); got {currency!r}"
        )
    return code


def agreement_range(
    date_from: str | None, date_to: str | None
) -> tuple[dt.date | None, dt.date | None]:
    """The days the ``from`` and ``to`` parameters (a day, a month or a year) stand for: the
    first day of ``from``'s period, the last of ``to``'s; refused when not a date or reversed."""
    first = _bound(date_from, "from", last=False)
    last = _bound(date_to, "to", last=True)
    check_order(first, last)
    return first, last


def _bound(text: str | None, field: str, *, last: bool) -> dt.date | None:
    try:
        return agreement_bound(text, last=last)
    except ValueError as exc:
        raise ParameterError(
            field, f"must be a day YYYY-MM-DD, a month YYYY-MM or a year YYYY; got {text!r}"
        ) from exc


def check_order(date_from: dt.date | None, date_to: dt.date | None) -> None:
    if date_from and date_to and date_to < date_from:
        raise ParameterError("to", f"must not be before from; got {date_from}..{date_to}")
