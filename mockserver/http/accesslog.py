"""One access-log line per request: method, path and query, status, duration and tenant.

It replaces uvicorn's own access log, which cannot say which tenant was asked for. No request
header is logged but `Tenant-ID`, so API keys never reach the log. The fields also travel as
`record.http`, for the JSON log format. The same middleware keeps API requests in the request
journal (`storage/journal.py`), timed even when the log is off.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.http.accessbuffer import LOGGER, access_fields, access_message, direct_handler
from mockserver.http.journaling import BodyTap, is_api_path
from mockserver.http.limits import BODYLESS_METHODS
from mockserver.storage.journal import Journal

__all__ = ["AccessLog", "LOGGER", "flush_access_log", "log_request"]


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
    """The access-log line of the request `scope` describes, answered with `status` in `duration_ms`.

    To a `BufferedAccessHandler` it is one tuple queued; to any other configuration, a record now.
    """
    entry = (time.time(), scope["method"], scope["path"], scope["query_string"], scope["headers"], status, duration_ms)
    handler = direct_handler(logger)
    if handler is not None:
        handler.enqueue(entry)
        return
    logger.info("%s", access_message(entry), extra={"http": access_fields(entry)})


def flush_access_log() -> None:
    """Write the access lines still queued, as the server stops.

    A clean exit would write them anyway (`logging.shutdown`), but on SIGTERM uvicorn raises the
    signal again once it has shut down, which ends the process before any exit handler runs.
    """
    for handler in logging.getLogger(LOGGER).handlers:
        handler.flush()
