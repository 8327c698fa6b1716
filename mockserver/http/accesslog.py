"""One access-log line per request: method, path and query, status, duration and tenant.

It replaces uvicorn's own access log, which cannot say which tenant was asked for. No request
header is logged but `Tenant-ID`, so API keys never reach the log. The fields also travel as
`record.http`, for the JSON log format. The request edge (`edge.py`) calls `log_request` once
per request, beside its entry in the request journal.
"""

from __future__ import annotations

import logging
import time

from starlette.types import Scope

from mockserver.http.accessbuffer import LOGGER, access_fields, access_message, direct_handler

__all__ = ["LOGGER", "flush_access_log", "log_request"]


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
