"""Creating a project, and editing its parts, from rows of text (the workspace's forms).

A *part* is one of a project's lists: its participants, sectors, countries and regions,
locations (a name, and WGS 84 latitude and longitude in degrees when known), documents and
transactions. A form sends a part whole, as rows of text; :func:`part_items`
checks every row (each problem named by its row and field, in the register's one message
form) and turns the rows into the spec's items. An existing row carries ``index``, its place in
the stored list, so that what the form does not show (a document's category, a transaction's
provider) is kept. :func:`edit_part` then saves the part through :func:`edit_project`: the same
optimistic lock, the same audit log, the same importer.

:func:`create_project` makes a new project with the fields a person gives first; it refuses an
identifier already in the register (checked in the writing transaction, so two people creating
one identifier cannot both succeed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cajad.register.bounds import amount_error, date_error, link_error, text_error
from cajad.register.codelists import codelist, is_code
from cajad.register.editing import edit_project
from cajad.register.errors import InputError, Problem
from cajad.register.importer import ImportReport, import_batches
from cajad.register.models import Project
from cajad.register.specs import ProjectSpec
from cajad.register.store import Actor, session_scope
from cajad.register.views import project_spec, stored_projects
from cajad.register.vocab import Stage

__all__ = [
    "PARTICIPANT_ROLES",
    "PARTS",
    "create_project",
    "edit_part",
    "known_owners",
    "part_items",
    "part_rows",
]

#: Each part and the fields a row of its form gives.
PARTS: Final[dict[str, tuple[str, ...]]] = {
    "participants": ("organisation", "ref", "role"),
    "sectors": ("code", "percentage"),
    "countries": ("code", "percentage"),
    "locations": ("name", "latitude", "longitude"),
    "documents": ("title", "url"),
    "transactions": ("ref", "type", "date", "amount", "currency"),
}
#: The IATI OrganisationRole codes a participant takes (funding, accountable, extending,
#: implementing).
PARTICIPANT_ROLES: Final = ("1", "2", "3", "4")
#: How far the shares of a project's sectors (or countries) may be from 100 in sum: IATI
#: publishers round each share to two places.
SHARE_TOLERANCE: Final = Decimal("0.05")
MAX_IDENTIFIER: Final = 200
MAX_TEXT: Final = 2000
#: The longest place name kept (the ``location`` table's column).
MAX_PLACE: Final = 300
#: The most decimal places a coordinate keeps (10⁻⁸ degree is about a millimetre).
MAX_COORDINATE_PLACES: Final = 8

Row = Mapping[str, str]


def part_rows(spec: ProjectSpec, part: str) -> list[dict[str, str]]:
    """The stored items of ``part`` as the rows of text its form shows."""
    items = [item.model_dump(mode="json") for item in getattr(spec, part)]
    return [{"index": str(i), **_row_of(part, item)} for i, item in enumerate(items)]


def _row_of(part: str, item: dict[str, Any]) -> dict[str, str]:
    if part == "participants":
        org = item["organisation"]
        return {"organisation": org["name"], "ref": org.get("ref") or "", "role": str(item["role"])}
    if part == "transactions":
        day = item.get("transaction_date") or item.get("value_date") or ""
        return {
            "ref": item["ref"],
            "type": str(item["type"]),
            "date": day,
            "amount": item["value"],
            "currency": item["currency"],
        }
    return {name: "" if item.get(name) is None else str(item[name]) for name in PARTS[part]}


def part_items(
    part: str, rows: Sequence[Row], current: Sequence[Mapping[str, Any]] = ()
) -> list[dict[str, Any]]:
    """The spec items of ``part`` the form's ``rows`` give (blank rows left out), each kept
    row on top of the ``current`` item it names by ``index``; :class:`InputError` listing every
    bad row and field (``file`` is the part, ``line`` the row from 1)."""
    if part not in PARTS:
        raise InputError(f"`part` must be one of {', '.join(PARTS)}; got {part!r}")
    check = _CHECKS[part]
    items: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for number, row in enumerate(rows, start=1):
        values = {name: (row.get(name) or "").strip() for name in PARTS[part]}
        if not any(values.values()):
            continue
        found: list[tuple[str, str]] = []
        item = check(values, found)
        problems += [Problem(part, number, name, reason) for name, reason in found]
        if not found:
            items.append({**_kept(row, current), **item})
    problems += _whole_problems(part, items)
    if problems:
        raise InputError(f"the {part} were refused, nothing saved", problems)
    return items


def _kept(row: Row, current: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    index = (row.get("index") or "").strip()
    if index.isdigit() and int(index) < len(current):
        return dict(current[int(index)])
    return {}


def _text(
    values: Row, name: str, found: list[tuple[str, str]], *, required: bool = True
) -> str | None:
    text = values[name]
    if not text:
        if required:
            found.append((name, "must not be empty"))
        return None
    if len(text) > MAX_TEXT:
        found.append((name, f"must be at most {MAX_TEXT} characters; got {len(text)}"))
        return None
    reason = text_error(text)
    if reason:
        found.append((name, reason))
        return None
    return text


def _decimal(values: Row, name: str, found: list[tuple[str, str]]) -> Decimal | None:
    text = values[name].replace(",", "").replace(" ", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        found.append((name, f"must be a decimal number; got {values[name][:40]!r}"))
        return None
    return number


def _share(values: Row, found: list[tuple[str, str]]) -> Decimal | None:
    share = _decimal(values, "percentage", found)
    if share is not None and not Decimal(0) < share <= Decimal(100):
        found.append(("percentage", f"must be more than 0 and at most 100; got {share}"))
        return None
    return share


def _participant(values: Row, found: list[tuple[str, str]]) -> dict[str, Any]:
    name = _text(values, "organisation", found)
    ref = _text(values, "ref", found, required=False)
    if values["role"] not in PARTICIPANT_ROLES:
        found.append(
            ("role", f"must be one of {', '.join(PARTICIPANT_ROLES)}; got {values['role']!r}")
        )
    organisation = {"name": name, "ref": ref}
    return {"organisation": organisation, "role": int(values["role"] or 0)}


def _sector(values: Row, found: list[tuple[str, str]]) -> dict[str, Any]:
    if not is_code("Sector", values["code"]):
        found.append(("code", f"must be a 5-digit OECD DAC sector code; got {values['code']!r}"))
    return {"code": values["code"], "percentage": _share(values, found), "vocabulary": "1"}


def _country(values: Row, found: list[tuple[str, str]]) -> dict[str, Any]:
    code = values["code"].upper()
    region = code.isdigit()
    if not (is_code("Region", code) if region else is_code("Country", code)):
        found.append(
            ("code", f"must be an ISO 3166 country code or an OECD DAC region code; got {code!r}")
        )
    item = {"code": code, "percentage": _share(values, found), "is_region": region}
    return {**item, "vocabulary": "1" if region else None}


def _location(values: Row, found: list[tuple[str, str]]) -> dict[str, Any]:
    name = _text(values, "name", found)
    if name is not None and len(name) > MAX_PLACE:
        found.append(("name", f"must be at most {MAX_PLACE} characters; got {len(name)}"))
    latitude = _coordinate(values, "latitude", Decimal(90), found)
    longitude = _coordinate(values, "longitude", Decimal(180), found)
    for given, missing in (("latitude", "longitude"), ("longitude", "latitude")):
        if values[given] and not values[missing]:
            found.append((missing, f"must be given with the {given}, or neither; got none"))
    return {"name": name, "latitude": latitude, "longitude": longitude}


def _coordinate(
    values: Row, name: str, limit: Decimal, found: list[tuple[str, str]]
) -> Decimal | None:
    """A WGS 84 coordinate in decimal degrees within ``±limit``; None when blank."""
    if not values[name]:
        return None
    degrees = _decimal(values, name, found)
    if degrees is None:
        return None
    if not -limit <= degrees <= limit:
        found.append((name, f"must be decimal degrees from -{limit} to {limit}; got {degrees}"))
        return None
    exponent = degrees.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) else 0
    if places > MAX_COORDINATE_PLACES:
        reason = f"must have at most {MAX_COORDINATE_PLACES} decimal places; got {places}"
        found.append((name, reason))
        return None
    return degrees


def _document(values: Row, found: list[tuple[str, str]]) -> dict[str, Any]:
    title = _text(values, "title", found)
    reason = link_error(values["url"]) if values["url"] else "must not be empty"
    if reason:
        found.append(("url", reason))
    return {"title": title, "url": values["url"]}


def _transaction(values: Row, found: list[tuple[str, str]]) -> dict[str, Any]:
    if not is_code("TransactionType", values["type"]):
        types = ", ".join(codelist("TransactionType"))
        found.append(
            ("type", f"must be an IATI transaction type ({types}); got {values['type']!r}")
        )
    day: dt.date | None = None
    try:
        day = dt.date.fromisoformat(values["date"])
    except ValueError:
        found.append(("date", f"must be a date as YYYY-MM-DD; got {values['date'][:40]!r}"))
    if day is not None and (reason := date_error(day)):
        found.append(("date", reason))
    amount = _decimal(values, "amount", found)
    if amount is not None and (reason := amount_error(amount)):
        found.append(("amount", reason))
    currency = values["currency"].upper()
    if not is_code("Currency", currency):
        found.append(("currency", f"must be an ISO 4217 currency code; got {currency!r}"))
    ref = _text(values, "ref", found, required=False)
    return {
        "ref": ref or "",
        "type": int(values["type"]) if values["type"].isdigit() else 0,
        "value": amount,
        "currency": currency,
        "value_date": day,
        "transaction_date": day,
    }


_CHECKS: Final[dict[str, Callable[[Row, list[tuple[str, str]]], dict[str, Any]]]] = {
    "participants": _participant,
    "sectors": _sector,
    "countries": _country,
    "locations": _location,
    "documents": _document,
    "transactions": _transaction,
}


def _whole_problems(part: str, items: list[dict[str, Any]]) -> list[Problem]:
    """What is wrong with the part as a whole: shares that do not sum to 100, a code or a
    transaction reference twice. Blank references are numbered here."""
    problems: list[Problem] = []
    if part in ("sectors", "countries") and items:
        total = sum((item["percentage"] for item in items), Decimal(0))
        if abs(total - 100) > SHARE_TOLERANCE:
            reason = f"the shares must sum to 100; got {total}"
            problems.append(Problem(part, 0, "percentage", reason))
    if part in ("sectors", "countries"):
        codes = [item["code"] for item in items]
        for code in sorted({c for c in codes if codes.count(c) > 1}):
            problems.append(Problem(part, 0, "code", f"must be given once; got {code} twice"))
    if part == "transactions":
        taken = {item["ref"] for item in items if item["ref"]}
        numbers = (f"T{n}" for n in range(1, 10**6))
        for item in items:
            if not item["ref"]:
                item["ref"] = next(n for n in numbers if n not in taken)
                taken.add(item["ref"])
        refs = [item["ref"] for item in items]
        for ref in sorted({r for r in refs if refs.count(r) > 1}):
            problems.append(Problem(part, 0, "ref", f"must be given once; got {ref} twice"))
    return problems


def edit_part(
    engine: Engine,
    identifier: str,
    part: str,
    rows: Sequence[Row],
    *,
    based_on: str,
    actor: str | Actor,
) -> tuple[ProjectSpec, str]:
    """Replace the project's ``part`` with what ``rows`` give, if the project is still at
    version ``based_on`` (see :func:`edit_project`); return its new state and version."""
    with session_scope(engine) as session:
        found = stored_projects(session, [identifier]).get(identifier)
        current = [] if found is None else _dumped(project_spec(found), part)
    items = part_items(part, rows, current)
    return edit_project(engine, identifier, {part: items}, based_on=based_on, actor=actor)


def _dumped(spec: ProjectSpec, part: str) -> list[dict[str, Any]]:
    return [item.model_dump() for item in getattr(spec, part)]


def create_project(
    engine: Engine,
    *,
    identifier: str,
    title: str,
    stage: str,
    owner: str | None,
    description: str | None = None,
    actor: str | Actor,
) -> ProjectSpec:
    """Add a new project; :class:`InputError` naming each bad field (``identifier`` already
    taken among them). Audited under ``actor``."""
    identifier, title = identifier.strip(), title.strip()
    problems = _new_problems(identifier, title, stage, description)
    if problems:
        raise InputError("the new project was refused, nothing saved", problems)
    spec = ProjectSpec(
        identifier=identifier,
        title=title,
        stage=stage,
        owner=owner,
        description=description or None,
    )

    def batches(session: Session) -> Iterator[Sequence[ProjectSpec]]:
        taken = session.scalar(select(Project.id).where(Project.identifier == identifier))
        if taken is not None:
            problem = Problem("new project", 0, "identifier", f"is taken; got {identifier!r}")
            raise InputError("the new project was refused, nothing saved", [problem])
        yield [spec]

    report = ImportReport(source="new project")
    import_batches(engine, batches, report=report, actor=actor)
    return spec


def _new_problems(
    identifier: str, title: str, stage: str, description: str | None
) -> list[Problem]:
    found: list[tuple[str, str]] = []
    values = {"identifier": identifier, "title": title}
    if len(identifier) > MAX_IDENTIFIER:
        found.append(("identifier", f"must be at most {MAX_IDENTIFIER} characters"))
    elif _text(values, "identifier", found) and any(c.isspace() for c in identifier):
        found.append(("identifier", f"must not contain spaces; got {identifier!r}"))
    _text(values, "title", found)
    if stage not in {s.value for s in Stage}:
        found.append(
            ("stage", f"must be one of {', '.join(s.value for s in Stage)}; got {stage!r}")
        )
    if description and (reason := text_error(description, multiline=True)):
        found.append(("description", reason))
    return [Problem("new project", 0, name, reason) for name, reason in found]


def known_owners(session: Session) -> list[str]:
    """Every owner a project of the register has, sorted."""
    query = select(Project.owner).where(Project.owner.is_not(None)).distinct()
    return sorted(owner for owner in session.scalars(query) if owner)
