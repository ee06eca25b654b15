"""Sizes read from free text: capacities and lengths that the category thresholds compare with.

:func:`quantities` finds numbers followed by a unit, in English, Russian and the simple Japanese
spellings, and returns each in one canonical unit with the words it was read from::

    >>> [(q.quantity, q.value) for q in quantities("a 1,200 MW plant and a 500 kV line")]
    [('MW', 1200.0), ('kV', 500.0)]
    >>> [(q.quantity, q.value) for q in quantities("ЛЭП 220 кВ протяжённостью 35 км")]
    [('kV', 220.0), ('km', 35.0)]

Canonical units: ``MW`` (GW converted), ``kV``, ``km``, ``t/yr`` (tonnes a year; million
tonnes converted), ``ha``, ``m3`` (million and billion cubic metres converted) and ``beds``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUANTITIES = ("MW", "kV", "km", "t/yr", "ha", "m3", "beds")

# (pattern of the unit, canonical quantity, factor to the canonical unit); longest first.
_UNITS: tuple[tuple[str, str, float], ...] = (
    (r"gw|гвт|ギガワット", "MW", 1000.0),
    (r"mw|мвт|メガワット", "MW", 1.0),
    (r"kv|кв(?!т)|キロボルト", "kV", 1.0),
    (r"mtpa|million\s+(?:tonnes|tons|t)\s+(?:per\s+(?:year|annum)|a\s+year|/\s*y(?:ea)?r)"
     r"|млн\.?\s*т(?:онн)?\s*(?:в\s+год|/\s*год)", "t/yr", 1e6),
    (r"tpa|t\s*/\s*y(?:ea)?r|(?:tonnes|tons)\s+(?:per\s+(?:year|annum)|a\s+year)"
     r"|т(?:онн)?\s*(?:в\s+год|/\s*год)|トン\s*/\s*年", "t/yr", 1.0),
    (r"billion\s+(?:m3|m³|cubic\s+met(?:re|er)s)|млрд\.?\s*(?:м3|м³|куб)", "m3", 1e9),
    (r"million\s+(?:m3|m³|cubic\s+met(?:re|er)s)|млн\.?\s*(?:м3|м³|куб)|mcm", "m3", 1e6),
    (r"m3|m³|cubic\s+met(?:re|er)s|м3|м³|куб\.?\s*м|立方メートル", "m3", 1.0),
    (r"km|kilomet(?:re|er)s?|км|キロメートル|キロ", "km", 1.0),
    (r"hectares?|ha|га|ヘクタール", "ha", 1.0),
    (r"(?:hospital\s+)?beds?|коек|койк[аи]|床", "beds", 1.0),
)  # fmt: skip
_NUMBER = r"(\d{1,3}(?:[ ,\u00a0\u202f]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)"
_MULTIPLIER = r"(?:\s*(thousand|million|тыс\.?|万))?"
_PATTERN = re.compile(
    _NUMBER
    + _MULTIPLIER
    + r"\s*(?:-\s*)?("
    + "|".join(f"(?:{u})" for u, _, _ in _UNITS)
    + r")(?![a-zа-я])",
    re.IGNORECASE,
)
_COMPILED = tuple((re.compile(f"(?:{u})$", re.IGNORECASE), q, f) for u, q, f in _UNITS)
_MULTIPLY = {"thousand": 1e3, "million": 1e6, "тыс": 1e3, "тыс.": 1e3, "万": 1e4}


@dataclass(frozen=True, slots=True)
class Quantity:
    """A size read from text: ``value`` in the canonical unit of ``quantity``."""

    quantity: str
    value: float
    evidence: str  # the words it was read from

    def as_dict(self) -> dict[str, object]:
        return {"quantity": self.quantity, "value": self.value, "evidence": self.evidence}


def quantities(text: str) -> list[Quantity]:
    """Every number-and-unit in ``text``, in order of appearance."""
    found = []
    for match in _PATTERN.finditer(text):
        number, multiplier, unit = match.groups()
        # Not mutated: any text not a multiplier gives the factor 1.0 ("" and "XXXX" alike).
        factor_of = _MULTIPLY.get((multiplier or "").lower(), 1.0)  # pragma: no mutate
        value = _number(number) * factor_of
        quantity, factor = _unit(unit)
        found.append(Quantity(quantity, value * factor, match.group(0).strip()))
    return found


def largest(found: list[Quantity], quantity: str) -> Quantity | None:
    """The largest of ``found`` in ``quantity`` (``None`` when there is none)."""
    same = [q for q in found if q.quantity == quantity]
    return max(same, key=lambda q: q.value) if same else None


def _number(text: str) -> float:
    # "1,200" and "1 200" group thousands; a lone comma with one or two digits is a decimal.
    # The two regular expressions are not mutated: mutmut upper-cases their hex escapes
    # (\u00a0 → \u00A0), the same character to the regex engine.
    if re.fullmatch(r"\d{1,3}(?:[ ,\u00a0\u202f]\d{3})+(?:\.\d+)?", text):  # pragma: no mutate
        return float(re.sub(r"[ ,\u00a0\u202f]", "", text))  # pragma: no mutate
    return float(text.replace(",", "."))


def _unit(text: str) -> tuple[str, float]:
    for pattern, quantity, factor in _COMPILED:
        if pattern.match(text):
            return quantity, factor
    # Unreachable (the search pattern is built from these units): not covered, not mutated.
    raise AssertionError(f"unit {text!r} matched no unit pattern")  # pragma: no cover, no mutate
