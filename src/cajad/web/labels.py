"""Words people read for the register's codes, and number formats; all marked for translation.

``_`` is a passthrough today: it marks interface strings so that a later catalogue (English,
Japanese, Russian) can translate them without touching the call sites.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from cajad.register import PriorityArea, codelists


def _(text: str) -> str:
    """Mark ``text`` for translation (identity until catalogues exist)."""
    return text


STAGES = {
    "idea": _("Idea"),
    "mou": _("MoU"),
    "feasibility": _("Feasibility"),
    "financing": _("Financing"),
    "implementation": _("Implementation"),
    "operation": _("Operation"),
    "cancelled": _("Cancelled"),
}

MEASURES = {
    "announced": _("Announced"),
    "signed": _("Signed"),
    "disbursed": _("Disbursed"),
}

MEASURE_NOTES = {
    "announced": _("pledges and commitments: everything agreed or promised"),
    "signed": _("commitments only: signed loans, grants, orders and contracts"),
    "disbursed": _("disbursements and equity purchases: money that moved"),
}

#: Why a measure may count nothing yet: the dashboard's empty state.
EMPTY_MEASURES = {
    "announced": _(
        "Nothing announced or committed is recorded in the period yet: the register counts "
        "pledges and commitments dated from the start of the period on."
    ),
    "signed": _(
        "No signed commitment is recorded in the period yet: a loan, grant, order or contract "
        "counts here once its agreement is signed, which may come long after it is announced."
    ),
    "disbursed": _(
        "No disbursement is recorded in the period yet: disbursements and equity purchases are "
        "reported by the financiers (JICA, JBIC, the banks and companies) after the money "
        "moves, usually months after a loan or contract is signed; the register holds what "
        "they have published."
    ),
}

DIMENSIONS = {
    "pillar": _("Priority area"),
    "country": _("Country"),
    "instrument": _("Instrument"),
    "year": _("Year"),
    "month": _("Month"),
    "sector": _("Sector"),
    "finance": _("Public or private"),
    "origin": _("Funder"),
}

SORTS = {
    "identifier": _("Identifier (A–Z)"),
    "-identifier": _("Identifier (Z–A)"),
    "title": _("Title (A–Z)"),
    "-title": _("Title (Z–A)"),
    "agreement_date": _("Oldest first"),
    "-agreement_date": _("Newest first"),
    "stage": _("Stage (idea first)"),
    "-stage": _("Stage (operation first)"),
    "amount": _("Amount (smallest first)"),
    "-amount": _("Amount (largest first)"),
}

BREAKDOWN_TITLES = {
    "pillar": _("By priority area"),
    "country": _("By country"),
    "instrument": _("By instrument"),
    "year": _("By year"),
    "month": _("By month"),
    "sector": _("By sector"),
    "finance": _("Public and private"),
    "origin": _("By funder"),
}

VERDICTS = {
    "on track": _("On track"),
    "behind": _("Behind"),
    "goal reached": _("Goal reached"),
    "goal missed": _("Goal missed"),
    "period not started": _("Period not started"),
    "mostly unitemised aggregates": _("Mostly unitemised aggregates"),
    "too early to project": _("Too early to project"),
    "uncertain": _("Uncertain"),
}

FINDING_KINDS = {
    "not-counted": _("Not counted by decision"),
    "amount-unknown": _("Amount unknown"),
    "package-overlap": _("Part of a counted package"),
    "parts-exceed": _("Parts exceed their package"),
    "funding-chain": _("Funding chain (counted once)"),
    "possible-duplicate": _("Possibly reported twice"),
    "missing-value-date": _("No value date"),
    "imprecise-date": _("Imprecise date"),
    "unknown-code": _("Unknown code"),
    "outlier": _("Outlier"),
}

_UNKNOWN = _("Unknown")

_KEYS = {
    "finance": {"public": _("Public"), "private": _("Private")},
    "origin": {"japan": _("Japanese funders"), "other": _("Other funders")},
}

_SCALES = (
    (Decimal(10) ** 12, _("trillion")),
    (Decimal(10) ** 9, _("billion")),
    (Decimal(10) ** 6, _("million")),
)


def area(key: str) -> str:
    try:
        return _(PriorityArea(key).label)
    except ValueError:
        return _UNKNOWN if key == "unknown" else key


def country(code: str) -> str:
    names = codelists.codelist("Region" if code.isdigit() else "Country")
    return names.get(code) or (_UNKNOWN if code == "unknown" else code)


def sector(code: str) -> str:
    return codelists.codelist("Sector").get(code) or (_UNKNOWN if code == "unknown" else code)


def transaction_type(code: int) -> str:
    return codelists.codelist("TransactionType").get(str(code), str(code))


def role(code: int) -> str:
    return codelists.codelist("OrganisationRole").get(str(code), str(code))


def organisation_type(code: str | None) -> str:
    if not code:
        return ""
    return codelists.codelist("OrganisationType").get(code, code)


def document_category(code: str | None) -> str:
    if not code:
        return ""
    return codelists.codelist("DocumentCategory").get(code, code)


def breakdown_key(key: str, dimension: str) -> str:
    """The label of a breakdown row's ``key`` in ``dimension``."""
    if dimension == "pillar":
        return area(key)
    if dimension == "country":
        return country(key)
    if dimension == "sector":
        return sector(key)
    if key == "unknown":
        return _UNKNOWN
    return _KEYS.get(dimension, {}).get(key, key)


def amount(value: Decimal | None, places: int = 0) -> str:
    """``1234567.891`` → ``1,234,568`` (or with ``places`` decimals); blank when unknown."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    return f"{value.quantize(quantum, rounding=ROUND_HALF_EVEN):,}"


def compact(value: Decimal) -> str:
    """``2475403050900.41`` → ``2.48 trillion``: the figure a person reads at a glance."""
    for scale, word in _SCALES:
        if abs(value) >= scale:
            return f"{(value / scale).quantize(Decimal('0.01'), rounding=ROUND_HALF_EVEN)} {word}"
    return amount(value)
