"""The documented limits on a request's size, checked before anything else reads it.

A request line and headers over `MAX_HEAD_BYTES` (in all), a query string over
`MAX_QUERY_BYTES`, or a body on a GET get `400 BAD_REQUEST` in the envelope, answered by the
request edge (`edge.py`) before anything else, so hostile input costs the server a length
check and nothing more. uvicorn's parser refuses a head it is still
waiting for beyond the same size (see `protocol.py`); this catches one that arrived whole.
"""

from __future__ import annotations

from typing import Final

from starlette.types import Scope

from mockserver.domain.errors import ApiError, BadRequest

__all__ = ["BODYLESS_METHODS", "MAX_HEAD_BYTES", "MAX_QUERY_BYTES", "size_error"]

MAX_HEAD_BYTES: Final = 16 * 1024
MAX_QUERY_BYTES: Final = 12 * 1024
BODYLESS_METHODS: Final = frozenset({"GET", "HEAD"})


def size_error(scope: Scope) -> ApiError | None:
    """What is too large about the request `scope` describes, if anything."""
    query = scope["query_string"]
    if len(query) > MAX_QUERY_BYTES:
        return BadRequest(f"The query string has {len(query)} bytes; at most {MAX_QUERY_BYTES} are accepted")
    head = len(scope.get("raw_path", b"")) + len(query)
    has_body = False
    for name, value in scope["headers"]:  # one pass: this runs on every request
        head += len(name) + len(value)
        if (name == b"content-length" and value.strip() not in (b"", b"0")) or name == b"transfer-encoding":
            has_body = True
    if head > MAX_HEAD_BYTES:
        return BadRequest(f"The request line and headers have {head} bytes; at most {MAX_HEAD_BYTES} are accepted")
    if has_body and scope["method"] in BODYLESS_METHODS:
        return BadRequest(f"{scope['method']} takes no request body; send the parameters in the query string")
    return None
