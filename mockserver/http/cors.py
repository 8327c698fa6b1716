"""Cross-origin access, so that a browser app served from another origin can call every operation of the mock.

A browser asks before a cross-origin request that is not "simple" (a `PATCH`, a `DELETE`, a JSON
`POST`, or any request carrying `Authorization` or `Tenant-ID`): an `OPTIONS` *preflight* naming
the method and headers it means to send. `preflight` decides it (`preflight_answer` answers it),
and `response_headers` gives the headers every other answer carries; the request edge
(`edge.py`) calls both, for every request.

A preflight the mock refuses (an origin `--cors-origin` leaves out, a method it serves nowhere) is
answered `400 BAD_REQUEST` in the error envelope, its message saying what was refused and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from mockserver.domain.defaults import ANY_ORIGIN
from mockserver.domain.errors import BadRequest
from mockserver.http.request import RawHeaders, header_value
from mockserver.http.responses import Answer, Head, error_answer

__all__ = [
    "ALLOWED_METHODS",
    "EXPOSED_HEADERS",
    "MAX_AGE",
    "preflight",
    "preflight_answer",
    "response_headers",
]

ALLOWED_METHODS: Final = ("GET", "HEAD", "PATCH", "POST", "DELETE")
"""Every method the mock serves: the API's reads, Update Customer, and the control endpoints."""

EXPOSED_HEADERS: Final = ("Retry-After", "WWW-Authenticate", "Allow")
"""Response headers a client reads beyond those CORS always lets through (Content-Type and the like)."""

MAX_AGE: Final = 600
"""Seconds a browser may keep a preflight's answer."""

_EXPOSED: Final = ", ".join(EXPOSED_HEADERS).encode()
_METHODS: Final = ", ".join(ALLOWED_METHODS).encode()
_PREFLIGHT_VARY: Final = (
    b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network"
)

_EMPTY: Final = (b"content-length", b"0")


def _allows(origins: Sequence[str], origin: str) -> bool:
    return ANY_ORIGIN in origins or origin in origins


def response_headers(origins: Sequence[str], origin: str | None) -> Head:
    """The raw headers an answer that is not a preflight carries, asked from `origin` (`None`: no `Origin` sent).

    Any origin gets `*`; with `--cors-origin` only a listed origin is named back. Either way the
    answer varies by `Origin`, so a cache never serves one origin's answer to another.
    """
    if origin is None:
        return [(b"vary", b"Origin")]
    headers = []
    if ANY_ORIGIN in origins:
        headers.append((b"access-control-allow-origin", b"*"))
    headers.append((b"access-control-expose-headers", _EXPOSED))
    if ANY_ORIGIN not in origins and origin in origins:
        headers.append((b"access-control-allow-origin", origin.encode("latin-1")))
    headers.append((b"vary", b"Origin"))
    return headers


def preflight(
    origins: Sequence[str], origin: str, method: str, requested_headers: str | None, private_network: bool
) -> tuple[Head, BadRequest | None]:
    """The answer to a preflight: its CORS headers, and the refusal when the request it announces may not be sent.

    Any request header is allowed (the API's `Authorization`, `Tenant-ID`, `Prefer` and
    `Content-Type`, and whatever else an app adds): they are named back as asked. Pages on public
    origins may call a mock on a developer's machine (Private Network Access).
    """
    headers: Head = [(b"vary", _PREFLIGHT_VARY)]
    refusals = []
    if not _allows(origins, origin):
        listed = ", ".join(origins)
        refusals.append(f"origin {origin!r} is not one this mock lets in (--cors-origin: {listed})")
    elif ANY_ORIGIN in origins:
        headers.append((b"access-control-allow-origin", b"*"))
    else:
        headers.append((b"access-control-allow-origin", origin.encode("latin-1")))
    if method not in ALLOWED_METHODS:
        refusals.append(f"method {method!r} is not one this mock serves ({', '.join(ALLOWED_METHODS)})")
    headers += [(b"access-control-allow-methods", _METHODS), (b"access-control-max-age", str(MAX_AGE).encode())]
    if requested_headers is not None:
        headers.append((b"access-control-allow-headers", requested_headers.encode("latin-1")))
    if private_network:
        headers.append((b"access-control-allow-private-network", b"true"))
    if refusals:
        return headers, BadRequest("CORS preflight refused: " + "; ".join(refusals))
    return headers, None


def preflight_answer(origins: Sequence[str], origin: str, headers: RawHeaders) -> Answer | None:
    """The answer to an `OPTIONS` request from `origin` with raw `headers`, if it is a preflight; None if not.

    `200` with the CORS headers and no body, or the refusal's `400` in the envelope with them.
    """
    method = header_value(headers, b"access-control-request-method")
    if method is None:
        return None
    private = header_value(headers, b"access-control-request-private-network") is not None
    allowed, refusal = preflight(
        origins, origin, method, header_value(headers, b"access-control-request-headers"), private
    )
    if refusal is None:
        return 200, [*allowed, _EMPTY], b""
    status, head, body = error_answer(refusal)
    return status, head + allowed, body
