"""Schemathesis hooks that teach it what the schema cannot say about `startAfter`.

A cursor is valid only if the server issued it, and only with the query it came from. So in
positive cases (data Schemathesis believes valid):

- a cursor the server issued, which the stateful phase carries along the `NextPage` link, is
  sent with the filters and sort of the request that received it (the page size may differ).
  Schemathesis applies each link parameter only now and then, to explore; without this, a page
  whose filters it left out would be rightly refused and reported as valid data rejected;
- an invented `startAfter` is dropped, so "schema-valid request rejected" is never reported for
  a cursor the server rightly refuses.

Negative cases keep theirs: invented cursors are still sent there and must be refused with a 4xx.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Final

import schemathesis

__all__ = ["IssuedCursors", "after_call", "before_call"]

CURSOR: Final = "startAfter"
NEXT_CURSOR: Final = "nextCursor"
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


ISSUED: Final = IssuedCursors()


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case[Any], kwargs: dict[str, Any]) -> None:
    if case.query and case.meta is not None and case.meta.generation.mode.is_positive:
        bind_cursor(case.query, ISSUED)


@schemathesis.hook
def after_call(
    context: schemathesis.HookContext, case: schemathesis.Case[Any], response: schemathesis.Response
) -> None:
    if response.status_code != 200 or NEXT_CURSOR not in response.text:
        return
    try:
        body = response.json()
    except ValueError:
        return
    cursor = body.get(NEXT_CURSOR) if isinstance(body, dict) else None
    if isinstance(cursor, str):
        ISSUED.remember(cursor, dict(case.query or {}))
