"""Budgets and expenditure of IATI organisation files: read from XML, kept in the register.

An organisation record may carry ``total-budget``, ``recipient-org-budget``,
``recipient-region-budget``, ``recipient-country-budget`` and ``total-expenditure`` elements,
each a period, a value (currency and value date) and lines (``budget-line`` or
``expense-line``). They are read into :class:`OrgBudget` values in file order; storing them
replaces the organisation's budgets only when they changed, so re-importing a file changes
nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from cajad.iati import _values as v
from cajad.iati.errors import IatiProblem
from cajad.register import (
    IatiOrganisation,
    Organisation,
    OrganisationBudget,
    OrganisationBudgetLine,
    is_code,
)

#: The budget elements in schema order, with the recipient child of each (None: no recipient).
KINDS: dict[str, str | None] = {
    "total-budget": None,
    "recipient-org-budget": "recipient-org",
    "recipient-region-budget": "recipient-region",
    "recipient-country-budget": "recipient-country",
    "total-expenditure": None,
}
EXPENDITURE = "total-expenditure"


@dataclass(frozen=True)
class Amount:
    """A value with its currency and value date."""

    value: Decimal
    currency: str
    value_date: dt.date


@dataclass(frozen=True)
class BudgetLine:
    """A sub-total of a budget or expenditure, described by ``(lang, text)`` narratives."""

    ref: str | None
    amount: Amount
    narratives: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class OrgBudget:
    """One budget or expenditure element of an organisation record."""

    kind: str
    status: str | None
    period_start: dt.date
    period_end: dt.date
    amount: Amount
    lines: tuple[BudgetLine, ...] = ()
    recipient: str | None = None
    recipient_vocabulary: str | None = None
    recipient_vocabulary_uri: str | None = None
    narratives: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class OrgSource:
    """What the organisation record says about itself beyond name and type."""

    version: str
    last_updated: dt.datetime | None
    language: str | None
    default_currency: str | None
    line: int = field(default=0, compare=False)


class _Reader:
    """Reads the budgets of one record, noting problems as ``file:line: path: reason``."""

    def __init__(self, source: str, default_currency: str | None) -> None:
        self.source = source
        self.default_currency = default_currency
        self.problems: list[IatiProblem] = []

    def fail(self, element: etree._Element, path: str, reason: str) -> None:
        self.problems.append(IatiProblem(self.source, v.line_of(element), path, reason))

    def amount(self, element: etree._Element | None, path: str) -> Amount | None:
        if element is None:
            return None
        value = v.decimal(element.text)
        if value is None:
            self.fail(element, path, f"not a decimal number: {element.text!r}")
        currency = (element.get("currency") or self.default_currency or "").strip()
        if not currency:
            self.fail(element, path, "no currency (no @currency and no @default-currency)")
        elif not is_code("Currency", currency):
            self.fail(element, f"{path}/@currency", f"not an ISO 4217 code: {currency!r}")
        value_date = v.date(element.get("value-date"))
        if value_date is None:
            self.fail(element, f"{path}/@value-date", "missing or not a date (YYYY-MM-DD)")
        if value is None or value_date is None or not is_code("Currency", currency):
            return None
        return Amount(value, currency, value_date)

    def budget(self, element: etree._Element, kind: str) -> OrgBudget | None:
        path = f"iati-organisation/{kind}"
        start, end = _iso(element, "period-start"), _iso(element, "period-end")
        if start is None or end is None:
            self.fail(element, f"{path}/period-start", "period-start and period-end need @iso-date")
        amount = self.amount(element.find("value"), f"{path}/value")
        line_tag = "expense-line" if kind == EXPENDITURE else "budget-line"
        lines = [self.line(e, f"{path}/{line_tag}") for e in element.iterfind(line_tag)]
        if start is None or end is None or amount is None or None in lines:
            return None
        tag = KINDS[kind]
        recipient = element.find(tag) if tag else None
        status = element.get("status")
        return OrgBudget(
            kind=kind,
            status=None if kind == EXPENDITURE or status is None else status.strip(),
            period_start=start,
            period_end=end,
            amount=amount,
            lines=tuple(line for line in lines if line is not None),
            recipient=_recipient(recipient),
            recipient_vocabulary=recipient.get("vocabulary") if recipient is not None else None,
            recipient_vocabulary_uri=(
                recipient.get("vocabulary-uri") if recipient is not None else None
            ),
            narratives=tuple(v.narratives(recipient)),
        )

    def line(self, element: etree._Element, path: str) -> BudgetLine | None:
        amount = self.amount(element.find("value"), f"{path}/value")
        if amount is None:
            return None
        return BudgetLine(element.get("ref"), amount, tuple(v.narratives(element)))


def _iso(element: etree._Element, tag: str) -> dt.date | None:
    found = element.find(tag)
    return v.date(found.get("iso-date")) if found is not None else None


def _recipient(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    return (element.get("ref") or element.get("code") or "").strip() or None


def read_budgets(element: etree._Element, source: str) -> tuple[list[OrgBudget], list[IatiProblem]]:
    """The budgets of an ``iati-organisation`` element in file order, and their problems
    (a record with any problem should be left out whole)."""
    reader = _Reader(source, (element.get("default-currency") or "").strip() or None)
    found: list[OrgBudget] = []
    for child in element:
        kind = child.tag if isinstance(child.tag, str) else ""
        if kind in KINDS:
            budget = reader.budget(child, kind)
            if budget is not None:
                found.append(budget)
    return found, reader.problems


def read_source(element: etree._Element, version: str) -> OrgSource:
    """The record's version, last update, language and default currency."""
    return OrgSource(
        version=version,
        last_updated=v.datetime(element.get("last-updated-datetime")),
        language=(element.get(v.XML_LANG) or "").strip() or None,
        default_currency=(element.get("default-currency") or "").strip() or None,
        line=v.line_of(element),
    )


# --- the register --------------------------------------------------------------------------


def state(budgets: list[OrgBudget]) -> list[dict[str, Any]]:
    """Budgets as JSON-ready data, in order: what the audit log keeps and what is compared."""
    return [_budget_state(b) for b in budgets]


def _budget_state(b: OrgBudget) -> dict[str, Any]:
    return {
        "kind": b.kind,
        "status": b.status,
        "period_start": b.period_start.isoformat(),
        "period_end": b.period_end.isoformat(),
        **_amount_state(b.amount),
        "recipient": b.recipient,
        "recipient_vocabulary": b.recipient_vocabulary,
        "recipient_vocabulary_uri": b.recipient_vocabulary_uri,
        "narratives": [list(n) for n in b.narratives],
        "lines": [
            {
                "ref": line.ref,
                **_amount_state(line.amount),
                "narratives": [list(n) for n in line.narratives],
            }
            for line in b.lines
        ],
    }


def _amount_state(amount: Amount) -> dict[str, str]:
    return {
        "value": format(amount.value.normalize(), "f"),
        "currency": amount.currency,
        "value_date": amount.value_date.isoformat(),
    }


def stored_budgets(session: Session, organisation_id: int) -> list[OrgBudget]:
    """An organisation's budgets as stored, in file order."""
    rows = session.scalars(
        select(OrganisationBudget)
        .where(OrganisationBudget.organisation_id == organisation_id)
        .order_by(OrganisationBudget.seq)
        .options(selectinload(OrganisationBudget.lines))
    )
    return [_from_row(row) for row in rows]


def _from_row(row: OrganisationBudget) -> OrgBudget:
    return OrgBudget(
        kind=row.kind,
        status=row.status,
        period_start=row.period_start,
        period_end=row.period_end,
        amount=Amount(row.value, row.currency, row.value_date),
        lines=tuple(
            BudgetLine(
                line.ref,
                Amount(line.value, line.currency, line.value_date),
                tuple((str(lang), str(text)) for lang, text in line.narratives),
            )
            for line in row.lines
        ),
        recipient=row.recipient,
        recipient_vocabulary=row.recipient_vocabulary,
        recipient_vocabulary_uri=row.recipient_vocabulary_uri,
        narratives=tuple((str(lang), str(text)) for lang, text in row.narratives or []),
    )


def replace_budgets(session: Session, org: Organisation, budgets: list[OrgBudget]) -> None:
    """Replace the organisation's stored budgets by ``budgets``."""
    for row in session.scalars(
        select(OrganisationBudget).where(OrganisationBudget.organisation_id == org.id)
    ):
        session.delete(row)
    session.flush()
    for seq, b in enumerate(budgets):
        session.add(
            OrganisationBudget(
                organisation_id=org.id,
                seq=seq,
                kind=b.kind,
                status=b.status,
                period_start=b.period_start,
                period_end=b.period_end,
                value=b.amount.value,
                currency=b.amount.currency,
                value_date=b.amount.value_date,
                recipient=b.recipient,
                recipient_vocabulary=b.recipient_vocabulary,
                recipient_vocabulary_uri=b.recipient_vocabulary_uri,
                narratives=[list(n) for n in b.narratives] or None,
                lines=[
                    OrganisationBudgetLine(
                        seq=i,
                        ref=line.ref,
                        value=line.amount.value,
                        currency=line.amount.currency,
                        value_date=line.amount.value_date,
                        narratives=[list(n) for n in line.narratives],
                    )
                    for i, line in enumerate(b.lines)
                ],
            )
        )


def stored_source(session: Session, organisation_id: int) -> OrgSource | None:
    row = session.get(IatiOrganisation, organisation_id)
    if row is None:
        return None
    return OrgSource(row.version, row.last_updated, row.language, row.default_currency)


def keep_source(session: Session, org: Organisation, source: OrgSource) -> None:
    """Store (or update) what the record said about itself."""
    row = session.get(IatiOrganisation, org.id) or IatiOrganisation(organisation_id=org.id)
    row.version, row.last_updated = source.version, source.last_updated
    row.language, row.default_currency = source.language, source.default_currency
    session.add(row)
