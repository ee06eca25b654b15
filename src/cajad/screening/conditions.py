"""Conditions of the catalogue: when a category, a standard or a rule applies.

A condition is a mapping with exactly one key, e.g. ``{sector_in: ["322"]}`` or
``{any: [{text_any: [resettle]}, {answer: {question: PS5.LAND, in: [yes]}}]}``. Conditions are
compiled once into predicates; a predicate returns ``None`` when false and, when true, the
facts that made it true (so every finding can say why).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cajad.screening.inference import Inferred
from cajad.screening.scale import largest
from cajad.screening.subject import Subject

Category = Literal["A", "B", "C", "FI"]
CATEGORIES: tuple[str, ...] = ("A", "B", "C", "FI")


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class AnswerCondition(_Strict):
    """The reviewer answered ``question`` with one of ``values``."""

    question: str
    values: list[str] = Field(alias="in", min_length=1)


class PartyCondition(_Strict):
    """A participating organisation with these roles, types, countries or names."""

    roles: list[int] = []
    types: list[str] = []
    countries: list[str] = []
    names_any: list[str] = []

    @model_validator(mode="after")
    def _something(self) -> PartyCondition:
        if not (self.roles or self.types or self.countries or self.names_any):
            raise ValueError("party needs at least one of roles, types, countries, names_any")
        return self


class NearCondition(_Strict):
    """A project location within ``within_km`` of a layer feature of one of ``kinds``."""

    kinds: list[str] = Field(min_length=1)
    within_km: float = Field(gt=0, le=100)


class ScaleCondition(_Strict):
    """A size read from the text, in the canonical unit of ``quantity``, compared with ``value``."""

    quantity: Literal["MW", "kV", "km", "t/yr", "ha", "m3", "beds"]
    value: float = Field(ge=0)


class Condition(_Strict):
    """Exactly one of the fields below."""

    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")
    sector_in: list[str] | None = None
    sectors_only_in: list[str] | None = None
    text_any: list[str] | None = None
    instrument_in: list[str] | None = None
    stage_in: list[str] | None = None
    country_in: list[str] | None = None
    size_usd_at_least: Decimal | None = Field(default=None, ge=0)
    category_in: list[Category] | None = None
    answer: AnswerCondition | None = None
    party: PartyCondition | None = None
    standard: str | None = None
    near_sensitive: NearCondition | None = None
    signal_any: list[str] | None = None
    title_signal_any: list[str] | None = None
    works_in: list[Literal["new", "existing", "none", "unsure"]] | None = None
    scale_at_least: ScaleCondition | None = None
    scale_below: ScaleCondition | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_key(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError(f"a condition must be a mapping with one key; got {data!r}")
        if len(data) != 1:
            keys = ", ".join(map(str, data)) or "none"
            raise ValueError(f"a condition must have exactly one key; got {keys}")
        return data

    @field_validator("sector_in", "sectors_only_in")
    @classmethod
    def _sector_codes(cls, value: list[str] | None) -> list[str] | None:
        for code in value or []:
            if not (code.isdigit() and len(code) in (3, 5)):
                raise ValueError(f"sector codes must be DAC 3- or 5-digit codes; got {code!r}")
        return value

    @field_validator("text_any")
    @classmethod
    def _lower(cls, value: list[str] | None) -> list[str] | None:
        return [v.lower() for v in value] if value is not None else None

    @property
    def key(self) -> str:
        (name,) = self.model_fields_set
        return "not" if name == "not_" else name


class Context(Protocol):
    """What a predicate reads: the subject, its category, the standards decided so far."""

    subject: Subject
    category: str
    standards: dict[str, bool]
    inferred: Inferred | None


Reasons = list[str]
Predicate = Callable[[Context], Reasons | None]


def compile_condition(cond: Condition) -> Predicate:
    """The predicate of ``cond``."""
    return _COMPILERS[cond.key](cond)


def describe(cond: Condition) -> str:
    """``cond`` in words."""
    key = cond.key
    if key in ("all", "any"):
        parts: list[Condition] = getattr(cond, key)
        return "(" + f" {'and' if key == 'all' else 'or'} ".join(map(describe, parts)) + ")"
    if key == "not":
        assert cond.not_ is not None
        return f"not {describe(cond.not_)}"
    if key == "answer":
        assert cond.answer is not None
        return f"answer to {cond.answer.question} in {cond.answer.values}"
    if key == "near_sensitive":
        assert cond.near_sensitive is not None
        near = cond.near_sensitive
        return f"location within {near.within_km:g} km of {', '.join(near.kinds)}"
    if key == "party":
        assert cond.party is not None
        return f"a party with {cond.party.model_dump(exclude_defaults=True)}"
    if key == "text_any":
        return "title or description mentions any of " + ", ".join(map(repr, cond.text_any or []))
    return f"{key} {_value(getattr(cond, key))}"


def _value(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.0f}"
    return str(value)


def walk(cond: Condition) -> Iterator[Condition]:
    """``cond`` and every condition nested in it."""
    yield cond
    for child in (cond.all or []) + (cond.any or []) + ([cond.not_] if cond.not_ else []):
        yield from walk(child)


# --- compilers ----------------------------------------------------------------------------


def _all(cond: Condition) -> Predicate:
    parts = [compile_condition(c) for c in cond.all or []]

    def pred(ctx: Context) -> Reasons | None:
        reasons: Reasons = []
        for part in parts:
            found = part(ctx)
            if found is None:
                return None
            reasons.extend(found)
        return reasons

    return pred


def _any(cond: Condition) -> Predicate:
    parts = [compile_condition(c) for c in cond.any or []]

    def pred(ctx: Context) -> Reasons | None:
        for part in parts:
            found = part(ctx)
            if found is not None:
                return found
        return None

    return pred


def _not(cond: Condition) -> Predicate:
    assert cond.not_ is not None
    inner, text = compile_condition(cond.not_), describe(cond.not_)
    return lambda ctx: None if inner(ctx) is not None else [f"not {text}"]


def _listed(codes: list[str] | None) -> Callable[[str], bool]:
    """Whether a DAC code is listed: as itself (5 digits) or by its category (3 digits)."""
    full = frozenset(c for c in codes or () if len(c) == 5)
    categories = frozenset(c for c in codes or () if len(c) == 3)
    return lambda code: code in full or code[:3] in categories


def _sector_in(cond: Condition) -> Predicate:
    listed = _listed(cond.sector_in)

    def pred(ctx: Context) -> Reasons | None:
        hits = [s for s in ctx.subject.sectors if listed(s)]
        return [f"sector {', '.join(hits)} on the rule's sector list"] if hits else None

    return pred


def _sectors_only_in(cond: Condition) -> Predicate:
    listed = _listed(cond.sectors_only_in)

    def pred(ctx: Context) -> Reasons | None:
        sectors = ctx.subject.sectors
        if sectors and all(listed(s) for s in sectors):
            return [f"every sector ({', '.join(sectors)}) is on the rule's sector list"]
        return None

    return pred


def _text_any(cond: Condition) -> Predicate:
    words = tuple(cond.text_any or ())

    def pred(ctx: Context) -> Reasons | None:
        text = ctx.subject.text
        for word in words:
            if word in text:
                return [f"title or description mentions {word!r}"]
        return None

    return pred


def _member(cond: Condition, field: str, label: str) -> Predicate:
    allowed = frozenset(getattr(cond, field) or ())

    def pred(ctx: Context) -> Reasons | None:
        value = getattr(ctx.subject, label)
        return [f"{label} is {value!r}"] if value in allowed else None

    return pred


# Compilers are plain functions of the condition (no factories run at import), so that each
# can be tested, and mutated, on its own.
def _instrument_in(cond: Condition) -> Predicate:
    return _member(cond, "instrument_in", "instrument")


def _stage_in(cond: Condition) -> Predicate:
    return _member(cond, "stage_in", "stage")


def _country_in(cond: Condition) -> Predicate:
    allowed = frozenset(cond.country_in or ())

    def pred(ctx: Context) -> Reasons | None:
        hits = [c for c in ctx.subject.countries if c in allowed]
        return [f"country {', '.join(hits)}"] if hits else None

    return pred


def _size(cond: Condition) -> Predicate:
    floor = cond.size_usd_at_least or Decimal(0)

    def pred(ctx: Context) -> Reasons | None:
        size = ctx.subject.money.size_usd
        if size is not None and size >= floor:
            return [f"financing USD {size:,.0f} ≥ USD {floor:,.0f}"]
        return None

    return pred


def _category_in(cond: Condition) -> Predicate:
    allowed = frozenset(cond.category_in or ())
    return lambda ctx: [f"category {ctx.category}"] if ctx.category in allowed else None


def _answer(cond: Condition) -> Predicate:
    assert cond.answer is not None
    question, allowed = cond.answer.question, frozenset(cond.answer.values)

    def pred(ctx: Context) -> Reasons | None:
        answer = ctx.subject.answers.get(question)
        if answer is not None and answer.value in allowed:
            return [f"reviewer {answer.reviewer} answered {question} {answer.value!r}"]
        return None

    return pred


def _party(cond: Condition) -> Predicate:
    assert cond.party is not None
    spec = cond.party
    roles, types, countries = set(spec.roles), set(spec.types), set(spec.countries)
    names = tuple(n.lower() for n in spec.names_any)

    def pred(ctx: Context) -> Reasons | None:
        subject = ctx.subject
        for party, lowered in zip(subject.parties, subject.party_names, strict=True):
            if roles and party.role not in roles:
                continue
            if types and party.type not in types:
                continue
            if countries and party.country not in countries:
                continue
            if names and not any(n in lowered for n in names):
                continue
            return [f"party {party.name} (role {party.role}, type {party.type})"]
        return None

    return pred


def _standard(cond: Condition) -> Predicate:
    # Not mutated: this predicate is compiled only for a "standard" condition, never empty.
    wanted = cond.standard or ""  # pragma: no mutate
    return lambda ctx: [f"{wanted} applies"] if ctx.standards.get(wanted) else None


def _near(cond: Condition) -> Predicate:
    assert cond.near_sensitive is not None
    kinds, within = frozenset(cond.near_sensitive.kinds), cond.near_sensitive.within_km

    def pred(ctx: Context) -> Reasons | None:
        hits = [h for h in ctx.subject.sites if h.kind in kinds and h.distance_km <= within]
        if not hits:
            return None
        return [f"{h.place} is {h.distance_km:g} km from {h.kind} {h.feature!r}" for h in hits]

    return pred


def _signal_any(cond: Condition) -> Predicate:
    wanted = frozenset(cond.signal_any or ())

    def pred(ctx: Context) -> Reasons | None:
        inferred = ctx.inferred
        if inferred is None or not (wanted & inferred.ids):
            return None
        return [f"{f.signal}: {f.evidence}" for f in inferred.of(wanted)]

    return pred


def _title_signal_any(cond: Condition) -> Predicate:
    wanted = frozenset(cond.title_signal_any or ())

    def pred(ctx: Context) -> Reasons | None:
        inferred = ctx.inferred
        if inferred is None or not (wanted & inferred.title_ids):
            return None
        return [
            f"title: {f.signal}: {f.evidence}" for f in inferred.of(wanted & inferred.title_ids)
        ]

    return pred


def _works_in(cond: Condition) -> Predicate:
    allowed = frozenset(cond.works_in or ())

    def pred(ctx: Context) -> Reasons | None:
        inferred = ctx.inferred
        if inferred is None or inferred.works not in allowed:
            return None
        return [f"works {inferred.works} ({inferred.works_because})"]

    return pred


def _scale(cond: Condition, *, below: bool) -> Predicate:
    spec = cond.scale_below if below else cond.scale_at_least
    assert spec is not None
    quantity, limit = spec.quantity, spec.value

    def pred(ctx: Context) -> Reasons | None:
        size = largest(list(ctx.inferred.scale), quantity) if ctx.inferred else None
        if size is None or (size.value < limit) != below:
            return None
        sign = "<" if below else "≥"
        return [f"{quantity} {size.value:g} {sign} {limit:g} (read from {size.evidence!r})"]

    return pred


def _scale_at_least(cond: Condition) -> Predicate:
    return _scale(cond, below=False)


def _scale_below(cond: Condition) -> Predicate:
    return _scale(cond, below=True)


_COMPILERS: dict[str, Callable[[Condition], Predicate]] = {
    "all": _all,
    "any": _any,
    "not": _not,
    "sector_in": _sector_in,
    "sectors_only_in": _sectors_only_in,
    "text_any": _text_any,
    "instrument_in": _instrument_in,
    "stage_in": _stage_in,
    "country_in": _country_in,
    "size_usd_at_least": _size,
    "category_in": _category_in,
    "answer": _answer,
    "party": _party,
    "standard": _standard,
    "near_sensitive": _near,
    "signal_any": _signal_any,
    "title_signal_any": _title_signal_any,
    "works_in": _works_in,
    "scale_at_least": _scale_at_least,
    "scale_below": _scale_below,
}
