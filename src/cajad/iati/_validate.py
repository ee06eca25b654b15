"""Validation of IATI records against the 2.03 XML Schema and the IATI codelists.

Schema violations are errors: the record is not imported (``--strict``: the file is refused).
Codes missing from an *embedded* codelist (the ones versioned with the standard, such as
TransactionType or ActivityStatus) are errors too, because cajad could not tell what the
record means; codes missing from a non-embedded list (OECD, ISO lists updated on their own)
and withdrawn codes are warnings.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from lxml import etree

from cajad.data import data_path
from cajad.iati._values import line_of
from cajad.iati.errors import IatiProblem

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_TEXT = "text()"
_SCHEMAS = {
    "activities": "iati-activities-schema.xsd",
    "organisations": "iati-organisations-schema.xsd",
}


@cache
def schema(kind: str) -> etree.XMLSchema:
    """The bundled 2.03 schema for ``activities`` or ``organisations`` (loaded once)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.parse(str(data_path("iati", "schema", _SCHEMAS[kind])), parser)
    return etree.XMLSchema(tree)


def schema_problems(kind: str, element: etree._Element, file: str) -> list[IatiProblem]:
    """Every schema violation of one record, with the line and element path of each."""
    validator = schema(kind)
    if validator.validate(element):
        return []
    return [
        IatiProblem(file, entry.line, (entry.path or "").lstrip("/"), _message(entry.message))
        for entry in validator.error_log  # type: ignore[attr-defined]
    ]


def _message(text: str) -> str:
    return text.replace("Element '", "element '", 1)


@dataclass(frozen=True)
class _Rule:
    codelist: str
    condition: etree.XPath | None


@dataclass(frozen=True)
class _Codelist:
    active: frozenset[str]
    withdrawn: frozenset[str]
    embedded: bool


class Codelists:
    """The codelist rules of ``mapping.xml`` keyed by element path and attribute."""

    def __init__(self) -> None:
        self.rules: dict[tuple[str, str], list[_Rule]] = defaultdict(list)
        self.lists: dict[str, _Codelist] = {}
        index = _index()
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        mapping = etree.parse(str(data_path("iati", "mapping.xml")), parser)
        for node in mapping.iterfind("mapping"):
            path = (node.findtext("path") or "").strip()
            ref = node.find("codelist")
            name = ref.get("ref", "") if ref is not None else ""
            if name not in index:
                continue  # a list cajad does not bundle: nothing to check against
            key = _rule_key(path)
            if key is None:
                continue
            condition = (node.findtext("condition") or "").strip()
            self.rules[key].append(_Rule(name, etree.XPath(condition) if condition else None))
            if name not in self.lists:
                # Only a complete embedded list makes an unknown code an error.
                self.lists[name] = _load(name, embedded=index[name][0] and index[name][1])
        # The same rules by element path, then attribute: one lookup per element in the walk.
        self.by_path: dict[str, dict[str, list[_Rule]]] = defaultdict(dict)
        for (path, attribute), rules in self.rules.items():
            self.by_path[path][attribute] = rules
        self.any_lang = self.rules.get(("*", "xml:lang"))

    def problems(self, record: etree._Element, file: str) -> list[IatiProblem]:
        """Codes of a record not in their codelist, or withdrawn; one problem per place."""
        found: dict[tuple[str, str], IatiProblem] = {}
        self._walk(record, str(record.tag), file, found)
        return list(found.values())

    def _walk(
        self,
        element: etree._Element,
        path: str,
        file: str,
        found: dict[tuple[str, str], IatiProblem],
    ) -> None:
        here = self.by_path.get(path, _NONE)
        for name, value in element.items():
            if name == XML_LANG:
                attribute = "xml:lang"
                rules = here.get(attribute) or self.any_lang
            else:
                attribute = str(name)
                rules = here.get(attribute)
            if rules:
                self._check(element, f"{path}/@{attribute}", str(value), rules, file, found)
        text_rules = here.get(_TEXT)
        if text_rules and element.text:
            self._check(element, path, element.text, text_rules, file, found)
        for child in element:
            if isinstance(child.tag, str) and not child.tag.startswith("{"):
                self._walk(child, f"{path}/{child.tag}", file, found)

    def _check(
        self,
        element: etree._Element,
        place: str,
        value: str,
        rules: list[_Rule],
        file: str,
        found: dict[tuple[str, str], IatiProblem],
    ) -> None:
        code = value.strip()
        for rule in rules:
            if rule.condition is not None and not rule.condition(element):
                continue
            codes = self.lists[rule.codelist]
            probe = code.lower() if rule.codelist == "Language" else code
            if probe in codes.active:
                return
            if probe in codes.withdrawn:
                reason, level = f"code {code!r} of codelist {rule.codelist} is withdrawn", "warning"
            else:
                reason = f"code {code!r} is not in codelist {rule.codelist}"
                level = "error" if codes.embedded else "warning"
            key = (place, reason)
            if key not in found:
                line = line_of(element)
                found[key] = IatiProblem(file, line, place, reason, level)
            return


_NONE: dict[str, list[_Rule]] = {}


def _rule_key(path: str) -> tuple[str, str] | None:
    """``//iati-activity/sector/@code`` → (``iati-activity/sector``, ``code``)."""
    if not path.startswith("//"):
        return None
    body = path[2:]
    if body.startswith("@"):
        return ("*", body[1:])
    element, _, last = body.rpartition("/")
    if last == _TEXT:
        return (element, _TEXT)
    if not last.startswith("@") or element.startswith(("iati-activities", "iati-organisations")):
        return None
    return (element, last[1:])


@cache
def _index() -> dict[str, tuple[bool, bool]]:
    """``{codelist: (embedded, complete)}`` from the bundled index."""
    path = data_path("iati", "codelists-index.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["codelist"]: (row["embedded"] == "1", row["complete"] == "1")
            for row in csv.DictReader(handle)
        }


def _load(name: str, *, embedded: bool) -> _Codelist:
    path = data_path("iati", "codelists", f"{name}.csv")
    active: set[str] = set()
    withdrawn: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["code"].lower() if name == "Language" else row["code"]
            (withdrawn if row["status"] == "withdrawn" else active).add(code)
    return _Codelist(frozenset(active), frozenset(withdrawn), embedded)


@cache
def codelists() -> Codelists:
    """The codelist rules, loaded once per process."""
    return Codelists()


def record_problems(kind: str, record: etree._Element, file: str) -> list[IatiProblem]:
    """Schema and codelist problems of one record, schema first, by line."""
    problems = schema_problems(kind, record, file)
    problems += codelists().problems(record, file)
    return sorted(problems, key=lambda p: p.line)
