"""Hostile and broken XML files, written on demand (nothing of this is bundled)."""

from __future__ import annotations

from pathlib import Path

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
ACTIVITY = (
    "<iati-activity><iati-identifier>XX-1-{n}</iati-identifier>"
    "<title><narrative>{text}</narrative></title></iati-activity>"
)


def billion_laughs(path: Path) -> Path:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    body = ACTIVITY.format(n=1, text="&lol9;")
    path.write_text(
        HEAD + f"<!DOCTYPE iati-activities [{''.join(entities)}]>\n"
        f'<iati-activities version="2.03">{body}</iati-activities>\n',
        encoding="utf-8",
    )
    return path


def quadratic_blowup(path: Path) -> Path:
    big = "x" * 50_000
    body = ACTIVITY.format(n=1, text="&a;" * 50_000)
    path.write_text(
        HEAD + f'<!DOCTYPE iati-activities [<!ENTITY a "{big}">]>\n'
        f'<iati-activities version="2.03">{body}</iati-activities>\n',
        encoding="utf-8",
    )
    return path


def external_entity(path: Path) -> Path:
    body = ACTIVITY.format(n=1, text="&xxe;")
    path.write_text(
        HEAD + '<!DOCTYPE iati-activities [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        f'<iati-activities version="2.03">{body}</iati-activities>\n',
        encoding="utf-8",
    )
    return path


def external_dtd(path: Path) -> Path:
    path.write_text(
        HEAD + '<!DOCTYPE iati-activities SYSTEM "http://203.0.113.1/iati.dtd">\n'
        f'<iati-activities version="2.03">{ACTIVITY.format(n=1, text="t")}</iati-activities>\n',
        encoding="utf-8",
    )
    return path


def undeclared_entity(path: Path) -> Path:
    body = ACTIVITY.format(n=1, text="&undefined;")
    path.write_text(HEAD + f'<iati-activities version="2.03">{body}</iati-activities>\n')
    return path


def declared_2gb(path: Path) -> Path:
    """A file whose size is 2 GiB: a valid start, then a hole (sparse: no disk used)."""
    start = HEAD + '<iati-activities version="2.03">' + ACTIVITY.format(n=1, text="t")
    path.write_text(start, encoding="utf-8")
    with path.open("r+b") as handle:
        handle.truncate(2 * 1024**3)
    return path


def huge_text_node(path: Path) -> Path:
    """One narrative of 12 MB: over libxml2's limit for a text node without ``huge_tree``."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEAD + '<iati-activities version="2.03"><iati-activity><title><narrative>')
        chunk = "a" * 1_000_000
        for _ in range(12):
            handle.write(chunk)
        handle.write("</narrative></title></iati-activity></iati-activities>\n")
    return path


def truncated(path: Path, source: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def wrong_encoding(path: Path) -> Path:
    text = ACTIVITY.format(n=1, text="Coopération régionale")
    path.write_bytes(
        (HEAD + f'<iati-activities version="2.03">{text}</iati-activities>\n').encode("latin-1")
    )
    return path


HOSTILE = {
    "billion laughs": billion_laughs,
    "quadratic blow-up": quadratic_blowup,
    "external entity": external_entity,
    "external DTD": external_dtd,
    "undeclared entity": undeclared_entity,
    "2 GB declared size": declared_2gb,
    "huge text node": huge_text_node,
    "wrong encoding": wrong_encoding,
}
