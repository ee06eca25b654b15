"""Uploaded files kept on the server between a dry run and its commit, under a random token.

A file is kept in a private folder of the app (mode 0700) as ``TOKEN.csv`` or ``TOKEN.xml``,
beside ``TOKEN.json`` naming the account that uploaded it and its original name. Only that
account may commit it; it is removed when committed or discarded, and any file older than
:data:`MAX_AGE_S` is removed the next time the store is used. Files are bounded to
:data:`MAX_BYTES`: larger ones are refused before anything is kept.
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cajad.register import InputError, NotFoundError

__all__ = ["KINDS", "MAX_AGE_S", "MAX_BYTES", "Upload", "UploadStore"]

#: The largest upload kept (bytes): ten times the bundled deals and far above a publisher's
#: usual IATI activity file, yet small enough for a dry run inside one request.
MAX_BYTES: Final = 20 * 1024 * 1024
#: How long an upload waits for its commit (seconds).
MAX_AGE_S: Final = 3600
#: The file kinds accepted, by suffix.
KINDS: Final = (".csv", ".xml")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class Upload:
    """A kept file: its token, path on the server, original name and uploader's account."""

    token: str
    path: Path
    name: str
    account: int


class UploadStore:
    """The kept uploads of one app (see the module docstring)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or Path(tempfile.mkdtemp(prefix="cajad-uploads-"))
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def keep(self, data: bytes, name: str, account: int) -> Upload:
        """Keep ``data`` (uploaded as ``name`` by ``account``); refused if too large or not a
        CSV or XML file by its name."""
        suffix = Path(name).suffix.lower()
        if suffix not in KINDS:
            raise InputError(f"`file` must be a .csv or .xml file; got {name[:100]!r}")
        if len(data) > MAX_BYTES:
            raise InputError(f"`file` must be at most {MAX_BYTES // 2**20} MiB; got a larger one")
        self.purge()
        token = secrets.token_urlsafe(24)
        path = self.folder / f"{token}{suffix}"
        path.write_bytes(data)
        shown = Path(name).name[:200]
        meta = {"name": shown, "account": account, "suffix": suffix}
        (self.folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
        return Upload(token, path, shown, account)

    def find(self, token: str, account: int) -> Upload:
        """The upload ``token`` of ``account`` (anyone else's, or an expired one, is not found)."""
        self.purge()
        meta_path = self.folder / f"{token}.json"
        if not _TOKEN.match(token) or not meta_path.is_file():
            raise NotFoundError("no such upload: it was committed, discarded or has expired")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta["account"] != account:
            raise NotFoundError("no such upload: it was committed, discarded or has expired")
        return Upload(token, self.folder / f"{token}{meta['suffix']}", meta["name"], account)

    def remove(self, token: str) -> None:
        """Forget the upload ``token`` (no error if it is gone)."""
        if _TOKEN.match(token):
            for path in self.folder.glob(f"{token}.*"):
                path.unlink(missing_ok=True)

    def purge(self, now: float | None = None) -> None:
        """Remove uploads older than :data:`MAX_AGE_S`."""
        limit = (now or time.time()) - MAX_AGE_S
        with self._lock:
            for path in self.folder.iterdir():
                try:
                    if path.stat().st_mtime < limit:
                        path.unlink(missing_ok=True)
                except FileNotFoundError:
                    continue
