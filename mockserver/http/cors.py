"""Cross-origin access, so that a browser app served from another origin can call the mock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from mockserver.domain.defaults import ANY_ORIGIN

__all__ = ["EXPOSED_HEADERS", "cors_middleware", "simple_response_headers"]

EXPOSED_HEADERS: Final = ("Retry-After", "WWW-Authenticate", "Allow")
"""Response headers a client reads beyond those CORS always lets through (Content-Type and the like)."""
_EXPOSED: Final = ", ".join(EXPOSED_HEADERS).encode()


def cors_middleware(origins: Sequence[str]) -> Middleware:
    """Starlette's CORS middleware for `origins` (`*`: any), for the API's GET operations.

    Any request header may be sent (`Authorization`, `Tenant-ID`, `Prefer` and whatever else an
    app adds), preflights are cached for ten minutes, and pages on public origins may call a mock
    on a developer's machine (Private Network Access).
    """
    return Middleware(
        CORSMiddleware,
        allow_origins=list(origins),
        allow_methods=["GET", "HEAD"],
        allow_headers=["*"],
        expose_headers=list(EXPOSED_HEADERS),
        allow_private_network=True,
        max_age=600,
    )


def simple_response_headers(origins: Sequence[str], origin: str | None) -> list[tuple[bytes, bytes]]:
    """The raw headers `cors_middleware(origins)` adds to an answer that is not a preflight, asked from `origin`.

    For the fast path, which answers before the middleware would see the answer; the tests hold
    both to the same bytes.
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
