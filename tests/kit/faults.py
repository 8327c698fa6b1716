"""Targets with infrastructure trouble, for proving the kit retries, gives up in time and says so.

Application factories for the kit's `--app` option: the real mock behind a wrapper that
fails some or all requests the way gateways and overloaded servers do.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from typing import Final

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver import Settings, create_app

GATEWAY_PAGE: Final = b"<html><body><h1>502 Bad Gateway</h1></body></html>"


class _Faulty:
    """The mock, except that every `every`-th request gets `status` with `body` (and a `delay` first)."""

    def __init__(
        self, app: ASGIApp, *, every: int, status: int = 200, body: bytes = b"", kind: bytes = b"", delay: float = 0
    ) -> None:
        self.app, self.every, self.status, self.body, self.kind, self.delay = app, every, status, body, kind, delay
        self._count = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or next(self._count) % self.every:
            await self.app(scope, receive, send)
            return
        if self.delay:
            await asyncio.sleep(self.delay)
        headers = [(b"content-length", str(len(self.body)).encode())]
        if self.kind:
            headers.append((b"content-type", self.kind))
        if self.status == 429:
            headers.append((b"retry-after", b"1"))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


def flaky_gateway(settings: Settings) -> ASGIApp:
    """Every seventh request gets a 503 error page from a "gateway"."""
    return _Faulty(create_app(settings), every=7, status=503, body=GATEWAY_PAGE, kind=b"text/html")


def rate_limited(settings: Settings) -> ASGIApp:
    """Every fifth request is told to come back in a second."""
    body = b'{"error":{"code":"RATE_LIMITED","message":"slow down"}}'
    return _Faulty(create_app(settings), every=5, status=429, body=body, kind=b"application/json")


def always_unavailable(settings: Settings) -> ASGIApp:
    """Every request gets a 503."""
    return _Faulty(create_app(settings), every=1, status=503, body=GATEWAY_PAGE, kind=b"text/html")


def html_instead_of_json(settings: Settings) -> ASGIApp:
    """Every request gets a 200 with an HTML page (a captive portal, a misrouted proxy)."""
    return _Faulty(create_app(settings), every=1, status=200, body=GATEWAY_PAGE, kind=b"text/html")


def hanging(settings: Settings) -> ASGIApp:
    """Every request is answered only after a long wait."""
    return _Faulty(create_app(settings), every=1, delay=30, body=b"{}", kind=b"application/json")


class _ChangesOnce:
    """Update Customer changes each customer once; a second PATCH of the same customer is refused with 403."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._changed: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "PATCH":
            path = scope["path"]
            if path in self._changed:
                body = b'{"error":{"code":"FORBIDDEN","message":"this customer is locked"}}'
                headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
                await send({"type": "http.response.start", "status": 403, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            self._changed.add(path)
        await self.app(scope, receive, send)


def changes_each_customer_once(settings: Settings) -> ASGIApp:
    """A deployment without control endpoints whose customers, once updated, cannot be changed back."""
    return _ChangesOnce(create_app(dataclasses.replace(settings, control=False)))
