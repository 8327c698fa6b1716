"""One access-log line per request: method, path and query, status, duration and tenant.

It replaces uvicorn's own access log, which cannot say which tenant was asked for. No request
header is logged but `Tenant-ID`, so API keys never reach the log. The fields also travel as
`record.http`, for the JSON log format. The same middleware keeps API requests in the request
journal (`storage/journal.py`), timed even when the log is off.
"""

from __future__ import annotations

import logging
import time
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.http.journaling import BodyTap, is_api_path
from mockserver.http.limits import BODYLESS_METHODS
from mockserver.storage.journal import Journal

__all__ = ["AccessLog", "LOGGER", "log_request"]

LOGGER: Final = "flexportal_mock.access"
_SHOWN: Final = 200


class AccessLog:
    """ASGI middleware logging each HTTP request, when it is answered, to the `flexportal_mock.access` logger.

    With a `journal`, it also keeps there each API request it sees, a write with its body.
    """

    def __init__(self, app: ASGIApp, journal: Journal | None = None) -> None:
        self.app = app
        self.logger = logging.getLogger(LOGGER)
        self.journal = journal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        journal = self.journal if self.journal is not None and is_api_path(scope["path"]) else None
        logged = self.logger.isEnabledFor(logging.INFO)
        if not logged and journal is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        tap = None if journal is None or scope["method"] in BODYLESS_METHODS else BodyTap(receive, journal.body_limit)

        async def send_logged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, tap or receive, send_logged)
        finally:
            duration_ms = (time.perf_counter() - started) * 1000
            if logged:
                log_request(self.logger, scope, status, duration_ms)
            if journal is not None:
                if tap is None:
                    journal.record(scope, status, duration_ms)
                else:
                    journal.record(scope, status, duration_ms, bytes(tap.kept), tap.size)


def log_request(logger: logging.Logger, scope: Scope, status: int, duration_ms: float) -> None:
    """The access-log line of the request `scope` describes, answered with `status` in `duration_ms`."""
    tenant = next((value for name, value in scope["headers"] if name == b"tenant-id"), b"")
    fields = {
        "method": scope["method"],
        "path": scope["path"][:_SHOWN],
        "query": scope["query_string"][:_SHOWN].decode("latin-1"),
        "status": status,
        "duration_ms": round(duration_ms, 1),
        "tenant": tenant[:64].decode("latin-1") or None,
    }
    target = fields["path"] + (f"?{fields['query']}" if fields["query"] else "")
    logger.info(
        '"%s %s" %d %.1f ms tenant=%s',
        fields["method"],
        target,
        status,
        duration_ms,
        fields["tenant"] or "-",
        extra={"http": fields},
    )
