"""Which query each server-issued cursor came from, so that a next page repeats it.

A cursor is valid only with the filters and sort of the request whose response carried it (the
page size may change); one no response carried was invented, and is not valid data.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Final

__all__ = ["IssuedCursors", "bind_cursor"]

CURSOR: Final = "startAfter"
# The one parameter a cursor may be sent with at another value than the request it came from.
PAGE_SIZE: Final = "limit"


class IssuedCursors:
    """The cursors responses carried, each with the query that a next page must repeat (bounded, oldest dropped)."""

    def __init__(self, capacity: int = 4096) -> None:
        self._capacity = capacity
        self._queries: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, cursor: str, query: dict[str, Any]) -> None:
        bound = {name: value for name, value in query.items() if name not in (CURSOR, PAGE_SIZE)}
        with self._lock:
            self._queries[cursor] = bound
            self._queries.move_to_end(cursor)
            while len(self._queries) > self._capacity:
                self._queries.popitem(last=False)

    def query_for(self, cursor: object) -> dict[str, Any] | None:
        """The query `cursor` was issued for, or `None` for a cursor no response carried."""
        if not isinstance(cursor, str):
            return None
        with self._lock:
            query = self._queries.get(cursor)
        return None if query is None else dict(query)


def bind_cursor(query: dict[str, Any], issued: IssuedCursors) -> None:
    """Make a positive case's `query` one the server must accept: its cursor's own filters and sort, or no cursor."""
    if CURSOR not in query:
        return
    bound = issued.query_for(query[CURSOR])
    if bound is None:
        del query[CURSOR]
        return
    for name in [name for name in query if name not in (CURSOR, PAGE_SIZE) and name not in bound]:
        del query[name]
    query.update(bound)
