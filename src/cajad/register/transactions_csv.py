"""Reader of the transactions CSV: money of projects already in the register.

Columns (header row required; order free):

========================  ========  ==========================================================
column                    required  meaning
========================  ========  ==========================================================
project                   yes       identifier of a project in the register
ref                       yes       the transaction's reference, unique within its project
type                      yes       IATI TransactionType code (2 commitment, 3 disbursement, …)
value                     yes       plain decimal number, no separators (``1250000.50``)
currency                  yes       ISO 4217 code
value_date                yes       YYYY-MM-DD: the date the value is converted at
transaction_date          no        YYYY-MM-DD
qualifier                 no        ``up to``, ``about`` or ``more than``
instrument                no        a cajad instrument (``ODA loan``, ``grant aid`` …)
description               no        free text
provider, receiver        no        organisation names
provider_activity         no        IATI identifier of the activity the money comes from
receiver_activity         no        IATI identifier of the activity the money goes to
========================  ========  ==========================================================

A row with the ``project`` and ``ref`` of a stored transaction replaces it; others are added.
"""

from __future__ import annotations

from pathlib import Path

from cajad.register.csvio import RowChecker, read_rows
from cajad.register.errors import Problem
from cajad.register.specs import OrganisationSpec, TransactionSpec
from cajad.register.vocab import Instrument

REQUIRED = ("project", "ref", "type", "value", "currency", "value_date")
OPTIONAL = (
    "transaction_date",
    "qualifier",
    "instrument",
    "description",
    "provider",
    "receiver",
    "provider_activity",
    "receiver_activity",
)
QUALIFIERS = ("up to", "about", "more than")


def read_transactions(path: Path) -> tuple[dict[str, list[TransactionSpec]], list[Problem]]:
    """Transactions by project identifier, and the problems of the rows refused."""
    found: dict[str, list[TransactionSpec]] = {}
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for line, row in read_rows(path, REQUIRED, OPTIONAL):
        spec, errors = checked_row(str(path), line, row, seen)
        if spec is None:
            problems += errors
            continue
        found.setdefault(row["project"], []).append(spec)
    return found, problems


def checked_row(
    source: str, line: int, row: dict[str, str], seen: set[tuple[str, str]]
) -> tuple[TransactionSpec | None, list[Problem]]:
    """The transaction of one row (``None`` where it has a problem) and its problems; a
    (project, ref) already in ``seen`` is a duplicate, and the row's key is added to it."""
    errors: list[Problem] = []
    check = RowChecker(source, line, errors)
    for column in REQUIRED:
        if not row[column]:
            check.fail(column, "must not be empty")
    key = (row["project"], row["ref"])
    if key in seen:
        check.fail("ref", f"duplicate ref {row['ref']!r} for project {row['project']!r}")
    seen.add(key)
    spec = transaction_spec(check, row)
    return (None if errors else spec), errors


def transaction_spec(check: RowChecker, row: dict[str, str]) -> TransactionSpec | None:
    """The transaction a row gives, or None with its problems reported through ``check``."""
    value = check.decimal("value", row["value"]) if row["value"] else None
    value_date = check.date("value_date", row["value_date"])
    transaction_date = check.date("transaction_date", row.get("transaction_date", ""))
    if row["type"]:
        check.code("type", "TransactionType", row["type"], "an IATI TransactionType code (1-13)")
    if row["currency"]:
        check.code("currency", "Currency", row["currency"], "an ISO 4217 code")
    if row.get("qualifier") and row["qualifier"] not in QUALIFIERS:
        check.fail("qualifier", f"must be one of {', '.join(QUALIFIERS)}; got {row['qualifier']!r}")
    instrument = row.get("instrument") or None
    if instrument and instrument not in {i.value for i in Instrument}:
        check.fail("instrument", f"must be one of {', '.join(i.value for i in Instrument)}")
    if check.problems or value is None:
        return None
    return TransactionSpec(
        line=check.line,
        ref=row["ref"],
        type=int(row["type"]),
        value=value,
        currency=row["currency"],
        value_date=value_date,
        transaction_date=transaction_date,
        qualifier=row.get("qualifier") or None,
        instrument=instrument,
        description=row.get("description") or None,
        provider=OrganisationSpec(name=row["provider"]) if row.get("provider") else None,
        provider_activity=row.get("provider_activity") or None,
        receiver=OrganisationSpec(name=row["receiver"]) if row.get("receiver") else None,
        receiver_activity=row.get("receiver_activity") or None,
    )
