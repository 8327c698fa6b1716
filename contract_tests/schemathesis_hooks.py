"""Schemathesis hooks that teach it what the schema cannot say about `startAfter`.

A cursor is valid only if the server issued it, so a string that merely matches the
parameter's schema is not valid data. In positive cases (data schemathesis believes valid)
an invented `startAfter` is dropped, so "schema-valid request rejected" is never reported
for a cursor the server rightly refuses; negative cases keep theirs, and invented cursors
are still sent there and must be rejected with a 4xx.
"""

from __future__ import annotations

from typing import Any

import schemathesis


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: schemathesis.Case[Any], kwargs: dict[str, Any]) -> None:
    if case.query and "startAfter" in case.query and case.meta is not None and case.meta.generation.mode.is_positive:
        del case.query["startAfter"]
