"""Words people read for the register's codes, and number formats, in the request's language.

The tables below hold English words marked with ``N_`` for the catalogue; they are
:class:`Words`, which translate a word when it is read, so a template's ``STAGES[stage]`` is
in the language of the request. Codelist names (countries, sectors, transaction types…) are
translated through the same catalogue (``codelist_words`` marks those the register uses);
country names come from CLDR (Babel).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import NamedTuple

from babel.numbers import format_compact_decimal

from cajad.accounts import Author
from cajad.register import PriorityArea, codelists
from cajad.tracker.counted import ProjectCount, short_amount
from cajad.web import i18n
from cajad.web.i18n import N_, ngettext
from cajad.web.i18n import gettext as _


class Words(Mapping[str, str]):
    """Codes and their words, each word translated when it is read."""

    def __init__(self, words: Mapping[str, str]) -> None:
        self._words = dict(words)

    def __getitem__(self, key: str) -> str:
        return _(self._words[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


STAGES = Words(
    {
        "idea": N_("Idea"),
        "mou": N_("MoU"),
        "feasibility": N_("Feasibility"),
        "financing": N_("Financing"),
        "implementation": N_("Implementation"),
        "operation": N_("Operation"),
        "cancelled": N_("Cancelled"),
    }
)

MEASURES = Words(
    {
        "announced": N_("Announced"),
        "signed": N_("Signed"),
        "disbursed": N_("Disbursed"),
    }
)

MEASURE_NOTES = Words(
    {
        "announced": N_("pledges and commitments: everything agreed or promised"),
        "signed": N_("commitments only: signed loans, grants, orders and contracts"),
        "disbursed": N_("disbursements and equity purchases: money that moved"),
    }
)

#: Why a measure may count nothing yet: the dashboard's empty state.
EMPTY_MEASURES = Words(
    {
        "announced": N_(
            "Nothing announced or committed is recorded in the period yet: the register counts "
            "pledges and commitments dated from the start of the period on."
        ),
        "signed": N_(
            "No signed commitment is recorded in the period yet: a loan, grant, order or contract "
            "counts here once its agreement is signed, which may come long after it is announced."
        ),
        "disbursed": N_(
            "No disbursement is recorded in the period yet: disbursements and equity purchases are "
            "reported by the financiers (JICA, JBIC, the banks and companies) after the money "
            "moves, usually months after a loan or contract is signed; the register holds what "
            "they have published."
        ),
    }
)

DIMENSIONS = Words(
    {
        "pillar": N_("Priority area"),
        "country": N_("Country"),
        "instrument": N_("Instrument"),
        "year": N_("Year"),
        "month": N_("Month"),
        "sector": N_("Sector"),
        "finance": N_("Public or private"),
        "origin": N_("Funder"),
    }
)

SORTS = Words(
    {
        "identifier": N_("Identifier (A–Z)"),
        "-identifier": N_("Identifier (Z–A)"),
        "title": N_("Title (A–Z)"),
        "-title": N_("Title (Z–A)"),
        "agreement_date": N_("Oldest first"),
        "-agreement_date": N_("Newest first"),
        "stage": N_("Stage (idea first)"),
        "-stage": N_("Stage (operation first)"),
        "amount": N_("Amount (smallest first)"),
        "-amount": N_("Amount (largest first)"),
    }
)

BREAKDOWN_TITLES = Words(
    {
        "pillar": N_("By priority area"),
        "country": N_("By country"),
        "instrument": N_("By instrument"),
        "year": N_("By year"),
        "month": N_("By month"),
        "sector": N_("By sector"),
        "finance": N_("Public and private"),
        "origin": N_("By funder"),
    }
)

VERDICTS = Words(
    {
        "on track": N_("On track"),
        "behind": N_("Behind"),
        "goal reached": N_("Goal reached"),
        "goal missed": N_("Goal missed"),
        "period not started": N_("Period not started"),
        "mostly unitemised aggregates": N_("Mostly unitemised aggregates"),
        "too early to project": N_("Too early to project"),
        "uncertain": N_("Uncertain"),
    }
)

FINDING_KINDS = Words(
    {
        "not-counted": N_("Not counted by decision"),
        "amount-unknown": N_("Amount unknown"),
        "package-overlap": N_("Part of a counted package"),
        "parts-exceed": N_("Parts exceed their package"),
        "funding-chain": N_("Funding chain (counted once)"),
        "possible-duplicate": N_("Possibly reported twice"),
        "missing-value-date": N_("No value date"),
        "imprecise-date": N_("Imprecise date"),
        "unknown-code": N_("Unknown code"),
        "outlier": N_("Outlier"),
    }
)

SEVERITIES = Words({"error": N_("error"), "warning": N_("warning"), "info": N_("info")})

#: The corridor's modes of a leg.
MODES = Words(
    {
        "rail": N_("rail"),
        "road": N_("road"),
        "sea": N_("sea"),
        "ferry": N_("ferry"),
        "border": N_("border"),
        "transshipment": N_("transshipment"),
        "port": N_("port"),
        "gauge": N_("gauge change"),
    }
)

#: Account roles (cajad.accounts.policy.Role), as the admin's accounts page names them.
ROLES = Words(
    {
        "admin": N_("admin"),
        "editor": N_("editor"),
        "reviewer": N_("reviewer"),
        "analyst": N_("analyst"),
        "viewer": N_("viewer"),
    }
)

#: The error page's titles and details that the portal itself gives (problem types, HTTP
#: reason phrases), marked here and translated where the page shows them.
ERROR_WORDS = (
    N_("Not found"),
    N_("Invalid parameters"),
    N_("Input refused"),
    N_("Conflict"),
    N_("Internal error"),
    N_("cajad failed to answer; the error is logged."),
    N_("Method Not Allowed"),
    N_("Unauthorized"),
    N_("Forbidden"),
    N_("Precondition Failed"),
    N_("Too Many Requests"),
    N_("there is no page at this address"),
    N_("Precondition failed"),
    N_("Precondition required"),
    N_("Sign-in required"),
    N_("Too many attempts"),
    N_("Busy"),
    N_(
        "Another writer held the register's write lock for longer than a write waits; nothing "
        "changed. Try again after `Retry-After` seconds."
    ),
    N_(
        "The `If-Match` version is no longer the stored one: someone changed it meanwhile; "
        "nothing changed. Read it again (its `ETag`) and reapply the change."
    ),
    N_("A change must say which version it is based on: send the `ETag` you read as `If-Match`."),
    N_("Writing needs an account: sign in, or send `Authorization: Bearer <token>`."),
    N_(
        "The signed-in account's role does not allow this, or the project is another "
        "organisation's."
    ),
    N_(
        "Too many failed sign-ins from this address or for this account; wait `Retry-After` "
        "seconds."
    ),
)

_UNKNOWN = N_("Unknown")

_KEYS = {
    "finance": {"public": N_("Public"), "private": N_("Private")},
    "origin": {"japan": N_("Japanese funders"), "other": N_("Other funders")},
}

_SCALES = (
    (Decimal(10) ** 12, "trillion"),
    (Decimal(10) ** 9, "billion"),
    (Decimal(10) ** 6, "million"),
)
#: Regions the register uses, by IATI Region code (countries are named by CLDR).
_REGIONS = {"619": N_("Central Asia, regional")}


def area(key: str) -> str:
    try:
        return _(PriorityArea(key).label)
    except ValueError:
        return _(_UNKNOWN) if key == "unknown" else key


def country(code: str) -> str:
    if code.isdigit():
        name = _REGIONS.get(code) or codelists.codelist("Region").get(code)
    else:
        name = i18n.territory(code) if i18n.current() != i18n.DEFAULT else None
        name = name or codelists.codelist("Country").get(code)
    return _(name) if name else (_(_UNKNOWN) if code == "unknown" else code)


def _coded(codelist: str, code: str | None, fallback: str) -> str:
    name = codelists.codelist(codelist).get(code or "")
    return _(name) if name else fallback


def sector(code: str) -> str:
    return _coded("Sector", code, _(_UNKNOWN) if code == "unknown" else code)


def transaction_type(code: int) -> str:
    return _coded("TransactionType", str(code), str(code))


def role(code: int) -> str:
    return _coded("OrganisationRole", str(code), str(code))


def organisation_type(code: str | None) -> str:
    return _coded("OrganisationType", code, code or "")


def document_category(code: str | None) -> str:
    return _coded("DocumentCategory", code, code or "")


def instrument(name: str | None) -> str:
    """A project's instrument (free text in the register), in the request's language."""
    return _(name) if name else ""


def breakdown_key(key: str, dimension: str) -> str:
    """The label of a breakdown row's ``key`` in ``dimension``."""
    if dimension == "pillar":
        return area(key)
    if dimension == "country":
        return country(key)
    if dimension == "sector":
        return sector(key)
    if dimension == "instrument":
        return instrument(key)
    if key == "unknown":
        return _(_UNKNOWN)
    return _(_KEYS.get(dimension, {}).get(key, key))


def amount(value: Decimal | None, places: int = 0) -> str:
    """``1234567.891`` → ``1,234,568`` (or with ``places`` decimals) as the request's
    language writes it (``1 234 568`` in Russian); blank when unknown."""
    if value is None:
        return ""
    return i18n.decimal(value, places)


def compact(value: Decimal) -> str:
    """``2475403050900.41`` → ``2.48 trillion`` (``2.48兆``, ``2,48 триллиона``): the figure a
    person reads at a glance; under a million, the whole amount."""
    if abs(value) < _SCALES[-1][0]:
        return amount(value)
    locale = i18n.current()
    if locale == "en":
        for scale, word in _SCALES:
            if abs(value) >= scale:
                shown = (value / scale).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
                return f"{shown} {word}"
    # Japanese counts in 万 (10^4), 億 (10^8) and 兆 (10^12); CLDR knows each language's words.
    digits = 0 if locale == "ja" and abs(value) < Decimal(10) ** 8 else 2
    if locale == "ja":
        return format_compact_decimal(
            value, format_type="short", locale="ja", fraction_digits=digits
        )
    return format_compact_decimal(value, format_type="long", locale=locale, fraction_digits=digits)


def short(value: Decimal) -> str:
    """``12345678901`` → ``12.3 bn`` (``123億``, ``12,3 млрд``): an amount read at a glance, the
    exact one beside it."""
    locale = i18n.current()
    if locale == "en" or abs(value) < _SCALES[-1][0]:
        return short_amount(value) if locale == "en" else amount(value)
    digits = 0 if locale == "ja" and abs(value) < Decimal(10) ** 8 else 1
    return format_compact_decimal(value, format_type="short", locale=locale, fraction_digits=digits)


#: Why a project counts nothing (:class:`cajad.tracker.Uncounted`): the badge, and the reason.
_UNCOUNTED = {
    "cancelled": (
        N_("not counted: cancelled"),
        N_("Cancelled: the rule leaves cancelled projects out."),
    ),
    "stage": (
        N_("not counted: stage left out"),
        N_("At a stage the counting rule leaves out."),
    ),
    "in-package": (
        N_("not counted: inside its package"),
        N_("Counted inside the total of its package, which counts with an amount."),
    ),
    "decision": (N_("not counted: decided not to count"), N_("Marked not to count by curation.")),
    "no-amount": (N_("not counted: no amount reported"), N_("No amount reported; nothing counts.")),
    "undated": (
        N_("not counted: no value date"),
        N_("Its money has no value date to count it at."),
    ),
    "outside-period": (
        N_("not counted: dated outside the period"),
        N_("Its money is dated outside the counting period."),
    ),
    "type": (
        N_("not counted: kind of money not counted"),
        N_(
            "Its money in the period is of kinds the rule does not count "
            "(such as a credit guarantee)."
        ),
    ),
    "no-rate": (
        N_("not counted: no exchange rate"),
        N_("Its money in the period has no exchange rate into the currency at its value date."),
    ),
}


class CountWords(NamedTuple):
    label: str
    detail: str


def count_words(count: ProjectCount) -> CountWords:
    """What the badge of a project's count says, and its tooltip, in the request's language;
    in English, the tracker's own words (which name the dates and types)."""
    if i18n.current() == i18n.DEFAULT:
        return CountWords(count.label, count.detail)
    if count.counted:
        shown = f"{count.currency} {short(count.amount)}"
        label = _("counted: %(amount)s in the period") % {"amount": shown}
        detail = ngettext(
            "%(amount)s of %(num)s transaction dated in the period counts.",
            "%(amount)s of %(num)s transactions dated in the period count.",
            count.transactions,
        ) % {"amount": i18n.money(count.amount, count.currency), "num": count.transactions}
        return CountWords(label, detail)
    badge, reason = _UNCOUNTED.get(count.reason or "", (count.label, count.detail))
    return CountWords(_(badge), _(reason))


#: What the public reads for an author who is no account (see :mod:`cajad.accounts.public`).
_AUTHORS = Words({"server shell": N_("server shell"), "a former account": N_("a former account")})


def author(found: Author) -> str:
    """A change's author as the public reads it, in the request's language: the account's role
    (and an editor's organisations), or a program's name."""
    if found.role is None:
        return _AUTHORS.get(found.text, found.text)
    role = ROLES.get(found.role, found.role)
    return f"{role} ({', '.join(found.organisations)})" if found.organisations else role
