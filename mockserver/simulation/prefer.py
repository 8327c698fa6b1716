"""Reading the `Prefer` request header (RFC 7240), through which a request asks for a simulated answer.

    Prefer: code=503, latency=200-800
    Prefer: empty

Preferences are comma-separated `name[=value]` tokens, in one header or several; names are
case-insensitive, a value may be quoted, and `;`-parameters are dropped. As RFC 7240 asks, a
preference this server does not know is ignored; the first of a repeated one wins.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["parse_prefer"]


def parse_prefer(headers: Sequence[str]) -> dict[str, str | None]:
    """The preferences the `Prefer` headers state, by lower-case name; a bare token's value is None."""
    preferences: dict[str, str | None] = {}
    for header in headers:
        for token in header.split(","):
            preference = token.split(";", 1)[0].strip()
            if not preference:
                continue
            name, equals, value = preference.partition("=")
            name = name.strip().lower()
            if name and name not in preferences:
                preferences[name] = _unquote(value.strip()) if equals else None
    return preferences


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value
