"""Full-text search of projects: titles in every language, descriptions, participants, sectors.

Each project has one row in ``project_search``: the *words* it is found by, normalised by
:func:`normalise` (case folded, accents dropped, hyphens and other punctuation made spaces,
compatibility forms unified), so that "rare earth" finds "Rare-Earth" and "Kazgéology" finds
"Kazgeology". :func:`reindex` rewrites the rows of the projects an import wrote, in the
import's transaction; a deleted project takes its row with it (``ON DELETE CASCADE``).

A query is normalised the same way and split into terms; a project matches when every term
does (AND). A term written in a script without spaces between words (Japanese, Chinese, Thai…)
matches anywhere in the words, since the register cannot tell where such a word begins; any
other term matches the beginning of a word, so a Russian stem ("редкоземельн") finds its
inflected forms. How a term is matched is the store's business, behind :class:`SearchBackend`:

- SQLite: a word-prefix ``LIKE`` on the normalised words (an FTS5 table's shadow tables would
  sit in the migrated schema beside the declared tables, which the migration tests forbid);
- PostgreSQL: a ``tsvector`` of exactly those words matched by a prefix ``tsquery`` (the
  text-search parser is bypassed so that both stores split words the same way), with
  substring ``LIKE`` for unspaced scripts.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    and_,
    cast,
    delete,
    false,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import Boolean

from cajad.register.codelists import codelist
from cajad.register.models import (
    Base,
    Organisation,
    Participation,
    Project,
    ProjectSearch,
    ProjectSector,
    ProjectText,
)

__all__ = [
    "SearchBackend",
    "document",
    "matches",
    "normalise",
    "reindex",
    "terms",
    "unspaced",
]

#: Longest word kept, in characters: PostgreSQL refuses a lexeme over 2,047 bytes. Documents
#: and queries are cut alike, so a cut term still finds the word it starts.
MAX_WORD = 500

#: Code points of scripts written without spaces between words (ranges, both ends included).
_UNSPACED = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3000, 0x31FF),  # CJK symbols, Hiragana, Katakana, Bopomofo, Kanbun, Katakana extension
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width Katakana
    (0x20000, 0x3FFFF),  # CJK extensions B and after
)

#: Sector vocabularies whose codes are named by a bundled codelist.
_SECTOR_NAMES = {"1": "Sector", "2": "SectorCategory"}


def unspaced(text: str) -> bool:
    """Whether ``text`` has a character of a script written without spaces between words."""
    return any(lo <= ord(ch) <= hi for ch in text for lo, hi in _UNSPACED)


def normalise(text: str) -> str:
    """``text`` as the index holds it: case folded, accents dropped, punctuation made spaces.

    Accents are dropped only from letters of spaced scripts: a Japanese voicing mark changes
    the word (カ/ガ), a French accent does not. Idempotent.
    """
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    kept: list[str] = []
    base = ""
    for ch in decomposed:
        category = unicodedata.category(ch)
        if category == "Mn":
            if base and not unspaced(base):
                continue  # an accent on a letter of a spaced script
        else:
            base = ch
        kept.append(ch if category[0] in "LNM" else " ")
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


def terms(query: str) -> list[str]:
    """The distinct terms of a query, in order, each cut to :data:`MAX_WORD` characters."""
    return list(dict.fromkeys(word[:MAX_WORD] for word in normalise(query).split()))


def document(texts: Iterable[str | None]) -> str:
    """The words of ``texts`` as one index row: normalised, each word once, in order."""
    words = (word[:MAX_WORD] for text in texts if text for word in normalise(text).split())
    return " ".join(dict.fromkeys(words))


class SearchBackend(Protocol):
    """How a store matches the terms of a query against the normalised words of a project."""

    def condition(self, words: ColumnElement[str], terms: Sequence[str]) -> ColumnElement[bool]:
        """True where ``words`` (a document of :func:`document`) holds every term."""
        ...


class LikeSearch:
    """Word-prefix (and, for unspaced scripts, substring) ``LIKE`` on the words: SQLite."""

    def condition(self, words: ColumnElement[str], terms: Sequence[str]) -> ColumnElement[bool]:
        spaced = literal(" ") + words
        return and_(
            *(
                spaced.contains(term if unspaced(term) else " " + term, autoescape=True)
                for term in terms
            )
        )


class TsvectorSearch:
    """A prefix ``tsquery`` against a ``tsvector`` of the words; substring for unspaced
    scripts, which the vector cannot split into words: PostgreSQL."""

    def condition(self, words: ColumnElement[str], terms: Sequence[str]) -> ColumnElement[bool]:
        spaced = [term for term in terms if not unspaced(term)]
        conditions = [words.contains(term, autoescape=True) for term in terms if unspaced(term)]
        if spaced:
            query = " & ".join(f"{_quoted(term)}:*" for term in spaced)
            vector = func.array_to_tsvector(func.string_to_array(words, " "))
            # A cast, not to_tsquery(): the terms are already the index's words, unparsed.
            conditions.append(vector.bool_op("@@")(cast(query, TSQUERY)))
        return and_(*conditions)


def _quoted(term: str) -> str:
    """``term`` as a quoted ``tsquery`` lexeme."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


#: The backend of each store, by SQLAlchemy dialect name; any other store uses ``LIKE``.
BACKENDS: dict[str, SearchBackend] = {"postgresql": TsvectorSearch(), "sqlite": LikeSearch()}


class _Matches(ColumnElement[bool]):
    """``words`` holds every one of ``terms``, as the store it is compiled for matches them."""

    type = Boolean()
    inherit_cache = False  # the terms are compiled into the statement's structure

    def __init__(self, words: ColumnElement[str], terms: Sequence[str]) -> None:
        self.words = words
        self.terms = tuple(terms)


@compiles(_Matches)
def _compile_matches(element: _Matches, compiler: SQLCompiler, **kw: Any) -> str:
    backend = BACKENDS.get(compiler.dialect.name, BACKENDS["sqlite"])
    return compiler.process(backend.condition(element.words, element.terms), **kw)


def matches(query: str) -> ColumnElement[bool]:
    """The condition on :class:`Project` that it is found by ``query`` (nothing without terms)."""
    found = terms(query)
    if not found:
        return false()
    return Project.id.in_(
        select(ProjectSearch.project_id).where(_Matches(ProjectSearch.words.expression, found))
    )


def _table(model: type[Base]) -> Table:
    return model.metadata.tables[model.__tablename__]


def reindex(conn: Connection, project_ids: Iterable[int] | None = None) -> int:
    """Rewrite the index rows of ``project_ids`` (all projects when None) from what the
    register holds now, on ``conn`` (in its transaction); return how many were written."""
    if project_ids is None:
        ids = list(conn.scalars(select(Project.id).order_by(Project.id)))
        conn.execute(delete(_table(ProjectSearch)))
    else:
        ids = sorted(set(project_ids))
    written = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = [{"project_id": pid, "words": words} for pid, words in _documents(conn, chunk)]
        table = _table(ProjectSearch)
        conn.execute(delete(table).where(table.c.project_id.in_(chunk)))
        if rows:
            conn.execute(insert(table), rows)
        written += len(rows)
    return written


def _documents(conn: Connection, ids: list[int]) -> list[tuple[int, str]]:
    """(id, words) of each of the projects ``ids`` that the register holds."""
    texts: dict[int, list[str | None]] = defaultdict(list)
    project = _table(Project)
    for pid, title, description in conn.execute(
        select(project.c.id, project.c.title, project.c.description).where(project.c.id.in_(ids))
    ):
        texts[pid] += [title, description]
    text_table = _table(ProjectText)
    for pid, text in conn.execute(
        select(text_table.c.project_id, text_table.c.text)
        .where(text_table.c.project_id.in_(ids))
        .order_by(text_table.c.id)
    ):
        texts[pid].append(text)
    participation, organisation = _table(Participation), _table(Organisation)
    for pid, name in conn.execute(
        select(participation.c.project_id, organisation.c.name)
        .join(organisation, participation.c.organisation_id == organisation.c.id)
        .where(participation.c.project_id.in_(ids))
        .order_by(participation.c.role, organisation.c.name)
    ):
        texts[pid].append(name)
    sector = _table(ProjectSector)
    for pid, vocabulary, code in conn.execute(
        select(sector.c.project_id, sector.c.vocabulary, sector.c.code)
        .where(sector.c.project_id.in_(ids))
        .order_by(sector.c.code)
    ):
        names = _SECTOR_NAMES.get(vocabulary)
        texts[pid].append(codelist(names).get(code) if names else None)
    return [(pid, document(texts[pid])) for pid in ids if pid in texts]
