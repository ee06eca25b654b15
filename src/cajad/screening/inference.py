"""What a project is and how big, read from its title, description, sector text and DAC codes.

A catalogue may carry an ``inference`` table (see ``2026.2/inference.yaml``): reviewed signals,
each a set of words in English, Russian or Japanese, the DAC code it stands for, and whether it
marks a category-A sensitive sector, physical works (new or within an existing footprint), an
intermediary, a trade agreement or work without anything physical. :func:`infer` applies it to
a subject and returns the signals found, the sectors (the register's codes, with a
policy/administration code replaced when physical works are named), the sizes read from the text
(:mod:`cajad.screening.scale`) and the kind of works, each with the words it rests on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field

from cajad.screening.scale import Quantity, quantities
from cajad.screening.subject import Subject

Kind = Literal[
    "sensitive", "physical", "new", "existing", "intermediary", "trade", "soft", "services"
]
Works = Literal["new", "existing", "none", "unsure"]
#: What a reviewer may answer to the works question.
WORKS_ANSWERS: tuple[str, ...] = ("new", "existing", "none")


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Signal(_Strict):
    """Words that mark one kind of project (a sector group, works, an intermediary...)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Kind
    code: str | None = Field(default=None, pattern=r"^\d{5}$")
    words: list[str] = Field(min_length=1)
    source: str | None = None


class InferenceTable(_Strict):
    """The reviewed table: signals in order, and the DAC codes that name no physical works."""

    policy_codes: list[str] = []
    signals: list[Signal] = Field(min_length=1)
    #: The question whose answer (new, existing or none) replaces the works read in the text.
    works_question: str | None = None


@dataclass(frozen=True, slots=True)
class Found:
    """A signal found in the text, with the words that matched."""

    signal: str
    kind: str
    code: str | None
    evidence: str


@dataclass(frozen=True, slots=True)
class Inferred:
    """Inferred facts of one subject, each with its evidence."""

    signals: tuple[Found, ...] = ()
    sectors: tuple[tuple[str, str], ...] = ()  # (DAC code, why)
    scale: tuple[Quantity, ...] = ()
    works: Works = "unsure"
    works_because: str = ""
    ids: frozenset[str] = field(default_factory=frozenset)
    title_ids: frozenset[str] = field(default_factory=frozenset)  # found in the title

    def of(self, ids: frozenset[str]) -> list[Found]:
        return [f for f in self.signals if f.signal in ids]

    def as_dict(self) -> dict[str, Any]:
        return {
            "sectors": [{"code": c, "evidence": why} for c, why in self.sectors],
            "scale": [q.as_dict() for q in self.scale],
            "works": self.works,
            "works_evidence": self.works_because,
            "signals": [
                {"signal": f.signal, "kind": f.kind, "code": f.code, "evidence": f.evidence}
                for f in self.signals
            ],
        }


class CompiledTable:
    """An inference table with its word patterns compiled once."""

    def __init__(self, table: InferenceTable):
        self.table = table
        self.policy = frozenset(table.policy_codes)
        self.patterns = [(s, _pattern(s.words)) for s in table.signals]


def _pattern(words: list[str]) -> re.Pattern[str]:
    # Latin and Cyrillic words match at a word start (so "mine" is not found in "determine");
    # Japanese has no spaces and matches anywhere.
    # A trailing "$" asks for the whole word.
    parts = []
    for word in words:
        whole = word.endswith("$")
        body = re.escape(word.removesuffix("$").lower())
        if word[:1].isascii() or _cyrillic(word):
            body = r"(?<![a-zа-яё0-9])" + body
        parts.append(body + (r"(?![a-zа-яё0-9])" if whole else ""))
    return re.compile("|".join(parts))


def _cyrillic(word: str) -> bool:
    return "а" <= word[:1].lower() <= "я" or word[:1].lower() == "ё"


def infer(subject: Subject, table: CompiledTable) -> Inferred:
    """The facts ``table`` reads in ``subject``."""
    # The title says what is financed, the sector text in which sector, the description more
    # loosely ("...and the energy sector"): the first of them that names works decides them.
    title = subject.title.lower()
    head = f"{title}\n{(subject.sector_text or '').lower()}"
    text = f"{head}\n{(subject.description or '').lower()}"
    found: list[Found] = []
    in_title: list[Found] = []
    in_head: list[Found] = []
    for signal, pattern in table.patterns:
        match = pattern.search(text)
        if match is not None:
            item = Found(signal.id, signal.kind, signal.code, _around(text, match))
            found.append(item)
            if match.start() < len(title):
                in_title.append(item)
            if match.start() < len(head):
                in_head.append(item)
    scope = next((s for s in (in_title, in_head) if _says_works(s)), found)
    works, because = _answered_works(subject, table) or _works(scope, named=scope is in_title)
    return Inferred(
        signals=tuple(found),
        sectors=_sectors(subject, found, works, table.policy),
        scale=tuple(quantities(f"{subject.title}\n{subject.description or ''}")),
        works=works,
        works_because=because,
        ids=frozenset(f.signal for f in found),
        title_ids=frozenset(f.signal for f in in_title),
    )


def _answered_works(subject: Subject, table: CompiledTable) -> tuple[Works, str] | None:
    """The works a reviewer gave in answer to the table's works question, if any."""
    question = table.table.works_question
    answer = subject.answers.get(question) if question else None
    if answer is None or answer.value not in WORKS_ANSWERS:
        return None
    value = cast(Works, answer.value)
    return value, (
        f"reviewer {answer.reviewer} answered {question} '{value}' on "
        f"{answer.answered_on.isoformat()}: the text is no longer read for works"
    )


def _around(text: str, match: re.Match[str]) -> str:
    start, end = max(0, match.start() - 25), min(len(text), match.end() + 25)
    return f"{match.group(0)!r} in '…{text[start:end].strip()}…'".replace("\n", " ")


def _says_works(found: list[Found]) -> bool:
    return any(
        f.kind in ("sensitive", "physical", "new", "existing", "soft", "services") for f in found
    )


def _works(found: list[Found], *, named: bool) -> tuple[Works, str]:
    # ``named``: the words come from the title, so a sensitive asset there is the project
    # itself; a sector list or a description naming the sector does not say what is built.
    kinds: dict[str, Found] = {}
    for f in found:
        kinds.setdefault(f.kind, f)
    asset = kinds.get("sensitive") or kinds.get("physical")
    if "new" in kinds:
        return "new", f"new works: {kinds['new'].evidence}"
    if "existing" in kinds and asset is not None:
        return "existing", f"works on an existing asset: {kinds['existing'].evidence}"
    if "sensitive" in kinds and named:
        return (
            "new",
            f"the asset itself is named, no existing footprint: {kinds['sensitive'].evidence}",
        )
    if asset is not None:
        return "unsure", f"physical works named, new or existing not said: {asset.evidence}"
    if "existing" in kinds and "soft" not in kinds:  # "modernization" of a policy is no works
        return "existing", f"works on an existing asset: {kinds['existing'].evidence}"
    if "services" in kinds:
        return (
            "unsure",
            f"services, with or without works on facilities: {kinds['services'].evidence}",
        )
    if "soft" in kinds or "intermediary" in kinds or "trade" in kinds:
        spec = kinds.get("soft") or kinds.get("intermediary") or kinds["trade"]
        return "none", f"nothing physical named; {spec.evidence}"
    return "unsure", "no words that say what is financed"


def _sectors(
    subject: Subject, found: list[Found], works: Works, policy: frozenset[str]
) -> tuple[tuple[str, str], ...]:
    inferred = [
        (f.code, f"{f.signal}: {f.evidence}")
        for f in found
        if f.code is not None and f.kind in ("sensitive", "physical", "intermediary")
    ]
    sectors: list[tuple[str, str]] = []
    for code in subject.sectors:
        if code in policy and works in ("new", "existing") and inferred:
            continue  # a policy/administration code never stands for a project with works
        sectors.append((code, "register"))
    seen = {c for c, _ in sectors}
    for code, why in inferred:
        if code not in seen:
            sectors.append((code, why))
            seen.add(code)
    return tuple(sectors)
