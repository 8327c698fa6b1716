"""What a request says, read from the plain values ASGI gives: its header values.

They read exactly as Starlette's `Request` reads them, so an operation answers the same whether
Starlette or the request edge's dispatch (`edge.py`) hands it the request. The query string's
pairs come from the domain's one parser (`mockserver/domain/querystring.py`).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["RawHeaders", "header_value", "header_values"]

RawHeaders = Sequence[tuple[bytes, bytes]]
"""ASGI's request headers: lower-case names and values, as bytes."""


def header_values(headers: RawHeaders, name: bytes) -> list[str]:
    """Every value of the header `name` (lower case), in order, decoded as latin-1."""
    return [value.decode("latin-1") for key, value in headers if key == name]


def header_value(headers: RawHeaders, name: bytes) -> str | None:
    """The first value of the header `name` (lower case), decoded as latin-1; None when it was not sent."""
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None
