"""Building response bodies and heads: JSON pages from pre-encoded customers, and the error envelope."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import orjson
from starlette.responses import Response

from mockserver.domain.errors import ApiError

__all__ = [
    "JSON",
    "Answer",
    "Head",
    "error_answer",
    "error_body",
    "error_response",
    "json_headers",
    "json_response",
    "page_body",
]

JSON: Final = "application/json"
_JSON_TYPE: Final = (b"content-type", JSON.encode())

Head = list[tuple[bytes, bytes]]
"""A response's raw headers, as ASGI sends them."""
Answer = tuple[int, Head, bytes]
"""A whole response as the request edge sends it: status, head and body."""


def json_response(body: bytes, status_code: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """A response around an already-encoded JSON body (encoding is done once, elsewhere)."""
    return Response(body, status_code=status_code, headers=headers, media_type=JSON)


def json_headers(body: bytes) -> Head:
    """The raw headers `json_response(body)` sends, without building it: length and type."""
    return [(b"content-length", str(len(body)).encode()), _JSON_TYPE]


def error_body(error: ApiError) -> bytes:
    """The documented envelope for `error`: `{"error": {"code", "message"}}`, encoded."""
    return orjson.dumps({"error": {"code": error.code, "message": error.message}})


def error_response(error: ApiError) -> Response:
    """`error` as a response: its status, its headers and the envelope."""
    return json_response(error_body(error), error.status_code, error.headers)


def error_answer(error: ApiError) -> Answer:
    """`error` answered as `error_response` answers it, as status, head and body."""
    response = error_response(error)
    return response.status_code, response.raw_headers, bytes(response.body)


def page_body(items: Sequence[bytes], limit: int, has_more: bool, next_cursor: str | None) -> bytes:
    """A List Customers body around already-encoded customers."""
    tail = (
        b"]," + orjson.dumps({"count": len(items), "limit": limit, "hasMore": has_more, "nextCursor": next_cursor})[1:]
    )
    if not items:
        return b'{"customers":[' + tail
    # One join, so the page's forty-odd kilobytes are copied once, not once per concatenation.
    parts = list(items)
    parts[0] = b'{"customers":[' + parts[0]
    parts[-1] = parts[-1] + tail
    return b",".join(parts)
