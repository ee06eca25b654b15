"""Properties of the CSV and IATI readers, over drawn input (issue 16, item 3).

Whatever text a cell or an IATI narrative holds, the readers answer with specs or with
problems (file, line, field), never with an exception of their own; what they accept they
read exactly: the text as written, the amount to the last digit. Text with a control
character never reaches the register: the import refuses it (probe case: a NUL byte broke
every export).
"""

from __future__ import annotations

import csv
import tempfile
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from cajad.data import data_path
from cajad.iati._import import IatiImportReport, read_specs
from cajad.iati.errors import IatiInputError
from cajad.register import bounds
from cajad.register.deals import read_deals

#: Examples per property (assumed: enough for the kinds of text below in about a second).
EXAMPLES = 40
#: Any text a UTF-8 file can carry (no lone surrogates), control characters included.
ANY_TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=60)
#: Amounts the register stores: up to its bound, to the cent.
AMOUNTS = st.decimals(
    min_value=Decimal("0.01"), max_value=bounds.MAX_AMOUNT, places=2, allow_nan=False
)
#: A C0 control character that no text field may hold (tab, line feed, return aside).
CONTROLS = st.sampled_from([chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"])

_folder = Path(tempfile.mkdtemp(prefix="cajad-reader-properties-"))


def _bundled() -> tuple[list[str], dict[str, str]]:
    with data_path("initiative", "deals.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        row = next(reader)
        return list(reader.fieldnames or []), row


COLUMNS, ROW = _bundled()


def _deals_file(changes: dict[str, str]) -> Path:
    """A deals CSV of the first bundled row, with ``changes`` to its cells."""
    path = _folder / "deals.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerow(ROW | changes)
    return path


@settings(max_examples=EXAMPLES)
@given(column=st.sampled_from(COLUMNS), text=ANY_TEXT)
def test_any_cell_is_read_or_refused_with_its_place(column: str, text: str) -> None:
    specs, problems = read_deals(_deals_file({column: text}))
    assert len(specs) + bool(problems) == 1, "a row is read, or refused with a reason"
    for problem in problems:
        assert problem.line == 2 and problem.field and problem.reason


@settings(max_examples=EXAMPLES)
@given(amount=AMOUNTS, currency=st.sampled_from(["JPY", "USD", "EUR", "KZT"]))
def test_a_deal_amount_is_read_exactly(amount: Decimal, currency: str) -> None:
    specs, problems = read_deals(_deals_file({"amount": str(amount), "currency": currency}))
    assert problems == []
    (transaction,) = specs[0].transactions
    assert (transaction.value, transaction.currency) == (amount, currency)


# --- IATI ------------------------------------------------------------------------------------

ACTIVITY = (
    '<iati-activity default-currency="USD"><iati-identifier>XX-1-1</iati-identifier>'
    '<reporting-org ref="XX-1" type="10"><narrative>Org</narrative></reporting-org>'
    "<title><narrative>{title}</narrative></title>"
    "<description><narrative>A description</narrative></description>"
    '<participating-org ref="XX-1" role="1" type="10"><narrative>Org</narrative>'
    "</participating-org>"
    '<activity-status code="2"/><activity-date type="2" iso-date="2026-01-01"/>'
    '<recipient-country code="KZ"/>'
    '<transaction><transaction-type code="2"/><transaction-date iso-date="2026-01-05"/>'
    '<value value-date="2026-01-05">{value}</value></transaction>'
    "</iati-activity>"
)


def _iati_file(title: str, value: str) -> Path:
    path = _folder / "activity.xml"
    body = ACTIVITY.format(title=title, value=value)
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">{body}'
        "</iati-activities>\n",
        encoding="utf-8",
    )
    return path


#: Text XML 1.0 can carry (what an IATI file can hold at all).
XML_TEXT = st.text(
    st.characters(
        blacklist_categories=["Cs"],
        blacklist_characters=[chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
        + ["\ufffe", "\uffff"],
    ),
    min_size=1,
    max_size=60,
).filter(lambda t: t.strip() and "\r" not in t)


@settings(max_examples=EXAMPLES)
@given(title=XML_TEXT, amount=AMOUNTS)
def test_an_iati_title_and_amount_are_read_exactly(title: str, amount: Decimal) -> None:
    report = IatiImportReport(source="activity.xml")
    specs = [
        s for batch in read_specs(_iati_file(escape(title), str(amount)), report) for s in batch
    ]
    assert report.problems == [] or specs == [], report.problems
    if specs:
        (spec,) = specs
        assert spec.title == title.strip() or spec.title == " ".join(title.split())
        (transaction,) = spec.transactions
        assert transaction.value == amount


@settings(max_examples=EXAMPLES)
@given(value=ANY_TEXT)
def test_any_iati_value_is_read_or_refused_with_its_place(value: str) -> None:
    """A file XML cannot parse is refused whole, in one line naming the file and line."""
    report = IatiImportReport(source="activity.xml")
    try:
        specs = [
            s for batch in read_specs(_iati_file("A title", escape(value)), report) for s in batch
        ]
    except IatiInputError as refused:
        assert str(refused).startswith("activity.xml:")
        assert "\n" not in str(refused)
        return
    assert len(specs) + bool(report.problems) >= 1
    for problem in report.problems:
        assert problem.line >= 1 and problem.field and problem.reason


# --- what the import lets through ----------------------------------------------------------


def _has_control(text: str) -> bool:
    """Whether ``text`` holds a C0 control character other than tab and line breaks (judged
    here by code point, not by the register's own pattern)."""
    return any(ord(c) < 0x20 and c not in "\t\n\r" for c in text)


@settings(max_examples=EXAMPLES)
@given(before=ANY_TEXT, control=CONTROLS, after=ANY_TEXT)
def test_a_control_character_in_a_title_never_reaches_the_register(
    before: str, control: str, after: str
) -> None:
    """What the reader reads, the import checks against the bounds (``spec_problems``): a
    title still holding a control character is refused there, at its line and field."""
    specs, _problems = read_deals(_deals_file({"title": f"Title {before}{control}{after}"}))
    for spec in specs:
        refused = bounds.spec_problems(spec, "deals.csv")
        if _has_control(spec.title):
            assert [p.field for p in refused if p.field == "title"] == ["title"]
            assert all(p.line == 2 for p in refused)
