"""What a request says, read from the plain values ASGI gives: header values and query-string pairs.

Both read exactly as Starlette's `Request` reads them, so the operations answer the same
whether Starlette or the fast path (`fastpath.py`) hands them the request.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import unquote_plus

__all__ = ["RawHeaders", "header_values", "query_pairs"]

RawHeaders = Sequence[tuple[bytes, bytes]]
"""ASGI's request headers: lower-case names and values, as bytes."""


def header_values(headers: RawHeaders, name: bytes) -> list[str]:
    """Every value of the header `name` (lower case), in order, decoded as latin-1."""
    return [value.decode("latin-1") for key, value in headers if key == name]


def query_pairs(query_string: bytes) -> list[tuple[str, str]]:
    """The query string's `(name, value)` pairs, in order, blank values kept.

    The same pairs as `urllib.parse.parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)`,
    which Starlette uses, without its generality: only a query with `%` or `+` is unquoted.
    """
    text = query_string.decode("latin-1")
    pairs = []
    for part in text.split("&"):  # a plain loop: a third cheaper than a comprehension over a generator
        if part:
            name, _, value = part.partition("=")
            pairs.append((name, value))
    if "%" in text or "+" in text:
        return [(unquote_plus(name), unquote_plus(value)) for name, value in pairs]
    return pairs
