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

from typing import Any, Final

import schemathesis

from contract_tests.run.cursors import IssuedCursors, bind_cursor

__all__ = ["after_call", "before_call"]

NEXT_CURSOR: Final = "nextCursor"

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
