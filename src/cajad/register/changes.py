"""What changed in the register, read from the audit log: the feed of changes (issue 11).

Each audit entry about a project becomes a :class:`Change`: *added*, *changed* or *removed*,
with who made it and when, a one-line summary, every field that moved (before → after, both
kept) and the source documents behind it. Lists (transactions, participants, countries…) are
compared item by item by a stable key (a transaction by its ref), never by position; amounts
are shown exact, with their currency.

Entries are read newest first and paged by audit id (keyset): the next page starts below the
last id of this one (:attr:`ChangePage.next_before_id`), so a page never repeats or skips an
entry however many are appended meanwhile.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from cajad.register.codelists import codelist
from cajad.register.errors import InputError, NotFoundError
from cajad.register.models import AuditEntry

__all__ = [
    "Change",
    "ChangePage",
    "FieldChange",
    "SourceDocument",
    "entry_summary",
    "list_changes",
]

#: The audit entity whose entries are the register's changes.
ENTITY = "project"
#: How many fields a summary spells out before it only counts the rest.
SUMMARY_FIELDS = 2
#: The longest value a summary quotes (the fields keep the whole value).
SUMMARY_VALUE = 40

Kind = Literal["added", "changed", "removed"]
_KINDS: dict[str, Kind] = {"insert": "added", "update": "changed", "delete": "removed"}
State = Mapping[str, Any]


class FieldChange(BaseModel):
    """One field that moved: its name as people read it, the value before and after (None:
    absent, e.g. a transaction added or removed)."""

    field: str
    before: str | None
    after: str | None


class SourceDocument(BaseModel):
    """A public document behind the project's data, with its publication date when known."""

    url: str
    title: str | None = None
    published: dt.date | None = None


class Change(BaseModel):
    """One change of the register, as an audit entry recorded it (``id`` is the entry's)."""

    id: int
    at: dt.datetime
    actor: str
    kind: Kind
    project: str
    title: str
    summary: str
    fields: list[FieldChange]
    sources: list[SourceDocument]


class ChangePage(BaseModel):
    """Changes newest first; ``next_before_id`` asks for the page after (None: the last)."""

    items: list[Change]
    next_before_id: int | None


def list_changes(
    session: Session,
    *,
    limit: int = 50,
    before_id: int | None = None,
    since: dt.datetime | None = None,
    project: str | None = None,
) -> ChangePage:
    """The register's changes newest first: ``limit`` of them, below audit id ``before_id``,
    made at or after ``since``, about ``project`` (an identifier) only if given.

    Raises :class:`NotFoundError` when ``project`` names no project the log ever recorded.
    """
    if limit < 1:
        raise InputError(f"`limit` must be at least 1; got {limit}")
    query = select(AuditEntry).where(AuditEntry.entity == ENTITY)
    if project is not None:
        query = query.where(AuditEntry.entity_key == project)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    if since is not None:
        query = query.where(AuditEntry.at >= _naive_utc(since))
    rows = list(session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit + 1)))
    if not rows and project is not None and not _recorded(session, project):
        raise NotFoundError(f"no project {project!r}")
    items = [summarise(entry) for entry in rows[:limit]]
    more = len(rows) > limit
    return ChangePage(items=items, next_before_id=items[-1].id if more else None)


def _recorded(session: Session, project: str) -> bool:
    query = select(AuditEntry.id).where(
        AuditEntry.entity == ENTITY, AuditEntry.entity_key == project
    )
    return session.scalar(query.limit(1)) is not None


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    """The log stores UTC without a zone; an aware time is converted, a naive one is UTC."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def summarise(entry: AuditEntry) -> Change:
    """The change an audit entry about a project records."""
    kind = _KINDS.get(entry.action, "changed")
    before, after = entry.before or {}, entry.after or {}
    state = before if kind == "removed" else after
    fields = diff(before, after) if kind == "changed" else []
    return Change(
        id=entry.id,
        at=entry.at.replace(tzinfo=dt.UTC),
        actor=entry.actor,
        kind=kind,
        project=entry.entity_key,
        title=str(state.get("title") or before.get("title") or entry.entity_key),
        summary=_summary(kind, state, fields),
        fields=fields,
        sources=_sources(state),
    )


def _summary(kind: Kind, state: State, fields: list[FieldChange]) -> str:
    if kind == "added":
        return f"added at stage {state.get('stage', '?')}; {_count(state, 'transactions')}"
    if kind == "removed":
        return f"removed (was at stage {state.get('stage', '?')})"
    if not fields:
        return "changed (no field of the project moved)"
    shown = [f"{f.field}: {_short(f.before)} → {_short(f.after)}" for f in fields[:SUMMARY_FIELDS]]
    more = len(fields) - SUMMARY_FIELDS
    return "; ".join(shown) + (f" (+{more} more)" if more > 0 else "")


def _count(state: State, name: str) -> str:
    n = len(state.get(name) or ())
    return f"{n} {name[:-1] if n == 1 else name}"


def _short(value: str | None) -> str:
    if value is None:
        return "—"
    return value if len(value) <= SUMMARY_VALUE else value[: SUMMARY_VALUE - 1] + "…"


def _sources(state: State) -> list[SourceDocument]:
    """The state's documents, newest first (undated last), then by address."""
    documents = [
        SourceDocument(url=d["url"], title=d.get("title"), published=d.get("published"))
        for d in state.get("documents") or ()
        if isinstance(d, dict) and d.get("url")
    ]
    documents.sort(key=lambda d: d.url)
    documents.sort(key=lambda d: d.published or dt.date.min, reverse=True)
    return documents


# --- field differences ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Items:
    """How the items of one list of a project state are told apart and shown."""

    key: tuple[str, ...]  # the fields that name an item, stable across changes
    label: Callable[[State], str]  # the item's name: ``transaction 2``
    show: Callable[[State], str]  # the item in a few words
    money: bool = False  # ``value`` and ``currency`` read together as one amount


def money(value: Any, currency: Any) -> str:
    """An exact amount with its currency: ``JPY 21,368,000,000``, ``USD 1,234.5``."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return f"{currency} {value}"
    return f"{currency} {amount:,f}"


def _code(name: str, code: Any) -> str:
    return codelist(name).get(str(code), f"code {code}").lower()


def _transaction(item: State) -> str:
    dated = f" on {item['value_date']}" if item.get("value_date") else ""
    kind = _code("TransactionType", item.get("type"))
    return f"{money(item.get('value'), item.get('currency'))} ({kind}{dated})"


def _participant(item: State) -> str:
    role = _code("OrganisationRole", item.get("role"))
    return f"participant {_text(item.get('organisation'))} ({role})"


def _document(item: State) -> str:
    title = item.get("title") or item.get("url")
    return f"{title} ({item['published']})" if item.get("published") else str(title)


def _budget(item: State) -> str:
    kind = "" if str(item.get("type")) == "1" else f" ({_code('BudgetType', item.get('type'))})"
    return f"budget {item.get('period_start')}..{item.get('period_end')}{kind}"


def _sector(item: State) -> str:
    vocabulary = item.get("vocabulary")
    return f"sector {item.get('code')}" + ("" if vocabulary == "1" else f" ({vocabulary})")


def _location(item: State) -> str:
    if item.get("latitude") is None or item.get("longitude") is None:
        return str(item.get("name"))
    return f"{item.get('name')} ({item['latitude']}, {item['longitude']})"


def _text_label(item: State) -> str:
    lang = f" ({item['lang']})" if item.get("lang") else ""
    seq = f" #{item['seq'] + 1}" if item.get("seq") else ""
    return f"{item.get('kind')}{seq}{lang}"


def _named(noun: str, field: str) -> Callable[[State], str]:
    return lambda item: f"{noun} {_text(item.get(field))}"


def _amount(item: State) -> str:
    return money(item.get("value"), item.get("currency"))


def _percentage(item: State) -> str:
    return f"{item.get('percentage')}%"


#: The lists of a project state and the key each item keeps across changes.
LISTS: dict[str, _Items] = {
    "transactions": _Items(("ref",), _named("transaction", "ref"), _transaction, money=True),
    "budgets": _Items(("period_start", "period_end", "type"), _budget, _amount, money=True),
    "countries": _Items(("code",), _named("country", "code"), _percentage),
    "sectors": _Items(("vocabulary", "code"), _sector, _percentage),
    "participants": _Items(("organisation", "role"), _participant, lambda item: "taking part"),
    "documents": _Items(("url",), _named("document", "url"), _document),
    "locations": _Items(("name",), _named("location", "name"), _location),
    "texts": _Items(("kind", "seq", "lang"), _text_label, lambda item: _text(item.get("text"))),
}


def diff(before: State, after: State) -> list[FieldChange]:
    """Every field that differs between two project states: scalars first, in the order of
    the state, then each list's items by their key."""
    changes: list[FieldChange] = []
    names = list(dict.fromkeys([*before, *after]))
    for name in names:
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if isinstance(old or new, list):
            rule = LISTS.get(name) or _Items((), _constant(_words(name)), _text)
            changes += _list_diff(rule, old or [], new or [])
        elif name == "iati":
            changes += _iati_diff(old, new)
        else:
            changes.append(FieldChange(field=_words(name), before=_value(old), after=_value(new)))
    return changes


def _list_diff(rule: _Items, old: list[Any], new: list[Any]) -> list[FieldChange]:
    keyed_old = _keyed(rule, old)
    keyed_new = _keyed(rule, new)
    changes: list[FieldChange] = []
    for key in dict.fromkeys([*keyed_new, *keyed_old]):  # as the new state has them, then gone
        a, b = keyed_old.get(key), keyed_new.get(key)
        if a is not None and b is not None:
            changes += _item_diff(rule, a, b) if a != b else []
            continue
        item = a if a is not None else b
        assert item is not None
        shown = rule.show(item)
        changes.append(
            FieldChange(
                field=rule.label(item),
                before=shown if a is not None else None,
                after=shown if b is not None else None,
            )
        )
    return changes


def _keyed(rule: _Items, items: list[Any]) -> dict[str, State]:
    """Items by their key; an item without one (or a key given twice) by its whole content."""
    out: dict[str, State] = {}
    for item in items:
        if not isinstance(item, dict):
            item = {"value": item}
        # An organisation is named by its name: its ref or country corrected is the same party.
        key = json.dumps([_text(item.get(k)) for k in rule.key]) if rule.key else ""
        if not rule.key or key in out:
            key = json.dumps(item, sort_keys=True)
        out[key] = item
    return out


def _item_diff(rule: _Items, a: State, b: State) -> list[FieldChange]:
    """The fields of one item (same key on both sides) that moved."""
    label = rule.label(b)
    changes: list[FieldChange] = []
    if rule.money and (a.get("value"), a.get("currency")) != (b.get("value"), b.get("currency")):
        changes.append(
            FieldChange(
                field=label,
                before=money(a.get("value"), a.get("currency")),
                after=money(b.get("value"), b.get("currency")),
            )
        )
    skip = ("value", "currency") if rule.money else ()
    for name in dict.fromkeys([*a, *b]):
        if name in skip or a.get(name) == b.get(name):
            continue
        old, new = _value(a.get(name)), _value(b.get(name))
        if old == new:  # an organisation with the same name and other details: show them all
            old, new = _json(a.get(name)), _json(b.get(name))
        changes.append(FieldChange(field=f"{label} {_words(name)}", before=old, after=new))
    return changes


def _iati_diff(old: Any, new: Any) -> list[FieldChange]:
    def shown(source: Any) -> str | None:
        if not isinstance(source, dict):
            return None
        updated = source.get("last_updated") or "unknown"
        return f"IATI {source.get('version')} activity, last updated {updated}"

    before, after = shown(old), shown(new)
    if before == after:  # the same version and date, other XML: say so rather than nothing
        before, after = "earlier XML", "revised XML"
    return [FieldChange(field="IATI source", before=before, after=after)]


def _constant(label: str) -> Callable[[State], str]:
    return lambda _: label


def _words(name: str) -> str:
    return name.replace("_", " ")


def _value(value: Any) -> str | None:
    """A state's value as text: None stays None (absent), yes/no for booleans."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _text(value)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


def _text(value: Any) -> str:
    if isinstance(value, dict):  # an organisation: its name says it
        return str(value.get("name") or json.dumps(value, sort_keys=True))
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return "" if value is None else str(value)


def entry_summary(entry: AuditEntry) -> str:
    """One line saying what an audit entry of any entity records (the history of a project
    and the admin's view of the whole log)."""
    after, before = entry.after or {}, entry.before or {}
    if entry.entity == ENTITY:
        return summarise(entry).summary
    if entry.entity == "screening":
        return f"screened: grade {after.get('grade')}, category {after.get('category')}"
    if entry.entity == "screening_answer":
        question = entry.entity_key.rsplit("/", 1)[-1]
        was = f" (was {before.get('value')})" if before else ""
        return f"{entry.action} {question}: {after.get('value')}{was}"
    if entry.entity == "screening_evidence":
        return f"evidence: {after.get('url')}"
    changed = [f.field for f in diff(before, after)] if before and after else []
    return f"{entry.action} {entry.entity}" + (f": {', '.join(changed)}" if changed else "")
