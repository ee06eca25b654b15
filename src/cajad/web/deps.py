"""Request dependencies: a database session per request, and the exchange-rate book."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cajad.register import RateBook, rates_version, session_scope


def get_session(request: Request) -> Iterator[Session]:
    """A session in one transaction for the request (read-only use: nothing to commit)."""
    engine: Engine = request.app.state.engine
    with session_scope(engine, actor="cajad web") as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


class BookCache:
    """The rate book, rebuilt only when the rate table changes (its row count or last id)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._book: RateBook | None = None

    def get(self, session: Session) -> RateBook:
        """The book of the rates ``session`` sees, rebuilt only if the table changed."""
        key = rates_version(session)
        with self._lock:
            if self._book is None or key != self._key:
                self._book = RateBook.from_session(session)
                self._key = key
            return self._book


def get_book(request: Request, session: SessionDep) -> RateBook:
    """The app's rate book (one per app, shared by its requests)."""
    cache: BookCache = request.app.state.books
    return cache.get(session)


BookDep = Annotated[RateBook, Depends(get_book)]
