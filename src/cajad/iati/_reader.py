"""Safe, streaming reading of IATI files: one activity (or organisation) element at a time.

The prolog (everything before the root element) is scanned by cajad itself before libxml2
sees a byte, so a DOCTYPE is refused with cajad's own message whatever the lxml version and
whatever its own entity limits say. The parser then never expands entities, never loads a DTD
or anything over the network and keeps libxml2's limits on node size and depth (no
``huge_tree``). Each record element is handed to the caller and then cleared with everything
before it, so memory holds one record whatever the file size.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from cajad.iati.errors import (
    IatiInputError,
    MalformedXmlError,
    UnsafeXmlError,
    UnsupportedVersionError,
)

#: IATI versions cajad reads. 2.03 is the schema it validates against and writes.
SUPPORTED_VERSIONS = ("2.01", "2.02", "2.03")
ROOTS = {"iati-activities": "iati-activity", "iati-organisations": "iati-organisation"}

_WHERE = re.compile(r",? line \d+, column \d+\s*$")
#: The longest prolog read before the root element; a longer one is refused by policy.
PROLOG_LIMIT = 1024**2
_PROLOG_TOKEN = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_UNSAFE = re.compile(
    r"entity|amplification|huge|excessive depth|too large|maximum|limit", re.IGNORECASE
)


@dataclass
class IatiFile:
    """What the root of a file says: its kind (``activities``/``organisations``) and version."""

    path: Path
    name: str
    kind: str = ""
    version: str = ""
    record_tag: str = ""
    #: Children of the root that are neither records nor in a foreign namespace: (line, tag).
    strays: list[tuple[int, str]] = field(default_factory=list)
    records: int = 0


def read_records(
    path: Path, *, name: str | None = None
) -> Iterator[tuple[IatiFile, etree._Element]]:
    """Yield ``(file, element)`` for every ``iati-activity`` or ``iati-organisation``.

    Raises :class:`UnsafeXmlError`, :class:`MalformedXmlError` or
    :class:`UnsupportedVersionError` (each naming ``file:line``) as soon as the problem is met.
    The element is only valid until the next one is requested.
    """
    info = IatiFile(path=path, name=name or str(path))
    tags = (*ROOTS, *ROOTS.values())
    try:
        with path.open("rb") as handle:
            check_prolog(info.name, handle)
            yield from _records(info, handle, tags)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(info, exc) from exc
    except OSError as exc:
        raise MalformedXmlError(f"{info.name}: cannot read: {exc}") from exc


def _records(
    info: IatiFile, handle: BinaryIO, tags: tuple[str, ...]
) -> Iterator[tuple[IatiFile, etree._Element]]:
    context = etree.iterparse(
        handle,
        events=("start", "end"),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=False,
    )
    root: etree._Element | None = None
    for event, element in context:
        if root is None:
            root = _check_root(info, element.getroottree().getroot())
            if element is root:
                continue
        if event != "end" or element.tag != info.record_tag:
            continue
        if element.getparent() is not root:
            continue  # a record nested in something else: the schema check reports it
        info.records += 1
        yield info, element
        _release(info, root, element)
    if root is None:
        found = getattr(context, "root", None)
        tag = found.tag if found is not None else "nothing"
        raise UnsupportedVersionError(
            f"{info.name}:1: not an IATI file: the root element is {tag}, "
            "not iati-activities or iati-organisations"
        )
    _release(info, root, None)


def check_prolog(name: str, handle: BinaryIO) -> None:
    """Refuse a DOCTYPE (or any other markup declaration) before the root element.

    Reads the prolog in chunks: XML declaration, processing instructions, comments and blank
    space are skipped; ``<!`` that opens anything but a comment is refused, naming its line.
    Whatever else comes first (the root, or text libxml2 will call not well-formed) ends the
    scan. The handle is rewound for the parser.
    """
    head = handle.read(4)
    codec, skip = _prolog_codec(head)
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    text, pos, read = decoder.decode(head[skip:]), 0, len(head)
    while True:
        match = _PROLOG_TOKEN.match(text, pos)
        if match is not None and match.end() < len(text):
            pos = match.end()
            continue
        rest = text[pos:]
        if rest.startswith("<!") and not "<!--".startswith(rest[:4]):
            line = text.count("\n", 0, pos) + 1
            raise UnsafeXmlError(
                f"{name}:{line}: refused: the file has a DOCTYPE (DTDs and entities are not "
                "allowed in IATI files; they are a way to attack XML readers)"
            )
        unfinished = match is not None or rest in ("<", "<!", "<!-") or _opens_token(rest)
        if not unfinished:
            break
        chunk = handle.read(64 * 1024)
        if not chunk:
            break
        read += len(chunk)
        if read > PROLOG_LIMIT:
            raise UnsafeXmlError(
                f"{name}:{text.count(chr(10), 0, pos) + 1}: refused: more than "
                f"{PROLOG_LIMIT // 1024**2} MiB before the root element"
            )
        text += decoder.decode(chunk)
    handle.seek(0)


def _opens_token(rest: str) -> bool:
    """Whether ``rest`` starts a comment or processing instruction not yet closed."""
    return rest.startswith(("<?", "<!--"))


def _prolog_codec(head: bytes) -> tuple[str, int]:
    """The codec to scan the prolog with, and how many bytes of byte-order mark to skip.

    The markup of a prolog is ASCII, so any ASCII-compatible encoding scans as Latin-1.
    """
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "latin-1"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return codec, len(bom)
    if head.startswith(b"<\x00"):
        return "utf-16-le", 0
    if head.startswith(b"\x00<"):
        return "utf-16-be", 0
    return "latin-1", 0


def _check_root(info: IatiFile, root: etree._Element) -> etree._Element:
    line = root.sourceline if isinstance(root.sourceline, int) else 1
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.system_url:
        raise UnsafeXmlError(
            f"{info.name}:{line}: refused: the file has a DOCTYPE (DTDs and entities are not "
            "allowed in IATI files; they are a way to attack XML readers)"
        )
    if root.tag not in ROOTS:
        raise UnsupportedVersionError(
            f"{info.name}:{line}: not an IATI file: the root element is {root.tag}, "
            "not iati-activities or iati-organisations"
        )
    info.kind = str(root.tag).removeprefix("iati-")
    info.record_tag = ROOTS[str(root.tag)]
    version = (root.get("version") or "").strip()
    info.version = version
    if not version:
        raise UnsupportedVersionError(
            f"{info.name}:{line}: {root.tag} has no version attribute; cajad reads IATI "
            f"{', '.join(SUPPORTED_VERSIONS)}"
        )
    if version.startswith("1."):
        raise UnsupportedVersionError(
            f"{info.name}:{line}: IATI version {version} is not supported: cajad reads IATI "
            f"{', '.join(SUPPORTED_VERSIONS)}; upgrade the file to 2.0x first"
        )
    if version not in SUPPORTED_VERSIONS:
        raise UnsupportedVersionError(
            f"{info.name}:{line}: IATI version {version!r} is not supported: cajad reads IATI "
            f"{', '.join(SUPPORTED_VERSIONS)}"
        )
    return root


def _release(info: IatiFile, root: etree._Element, record: etree._Element | None) -> None:
    """Free a processed record and every sibling before it (noting unexpected elements)."""
    if record is not None:
        record.clear()
    while len(root) and (record is None or root[0] is not record):
        _note_stray(info, root[0])
        del root[0]
    if record is not None and len(root) and root[0] is record:
        del root[0]


def _note_stray(info: IatiFile, element: etree._Element) -> None:
    tag = element.tag
    if not isinstance(tag, str) or tag == info.record_tag:
        return  # comments, processing instructions, records already handed out
    if tag.startswith("{"):
        return  # foreign-namespace extensions are allowed by the schema
    line = element.sourceline
    info.strays.append((line if isinstance(line, int) else 0, tag))


def _syntax_error(info: IatiFile, exc: etree.XMLSyntaxError) -> IatiInputError:
    line, message = exc.lineno or 0, str(exc.msg or exc)
    last = exc.error_log.last_error  # type: ignore[attr-defined]
    if last is not None and last.message and (line == 0 or message == "no element found"):
        line, message = last.line, str(last.message)
    message = _WHERE.sub("", message).strip()
    if _UNSAFE.search(message):
        return UnsafeXmlError(f"{info.name}:{line}: refused: {message}")
    if "encoding" in message.lower() or "UTF-8" in message or "Char 0x" in message:
        return MalformedXmlError(
            f"{info.name}:{line}: not readable as declared: {message} (check the file's "
            "encoding and its XML declaration)"
        )
    return MalformedXmlError(f"{info.name}:{line}: not well-formed XML: {message}")


def sniff(path: Path, *, name: str | None = None) -> IatiFile:
    """What the root of a file says, read without going past it (same refusals as reading)."""
    info = IatiFile(path=path, name=name or str(path))
    try:
        with path.open("rb") as handle:
            check_prolog(info.name, handle)
            context = etree.iterparse(
                handle,
                events=("start",),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=False,
            )
            for _event, element in context:
                _check_root(info, element)
                return info
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(info, exc) from exc
    except OSError as exc:
        raise MalformedXmlError(f"{info.name}: cannot read: {exc}") from exc
    raise MalformedXmlError(f"{info.name}:1: not well-formed XML: the file is empty")
