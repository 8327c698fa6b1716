"""The API's two read operations answered straight from ASGI, in front of the whole Starlette app.

`GET` and `HEAD` of `/v1/customers` and `/v1/customers/{customerId}` are nearly every request a
mock serves, and Starlette's routing, `Request`, `Response` and middleware around them cost more
than the operations themselves (benchmarks/RESULTS.md). `FastPath` answers them through the same
handlers as the routes (`endpoints.py`) and gives them what the app's middleware gives every
request, from the same functions, in the same order:

1. the access log line (`accesslog.py`) and the request journal's entry, whatever the answer;
2. the size limits (`limits.py`), refused before anything else, without CORS headers;
3. the operation's body, or its `ApiError` in the envelope of `error_response`;
4. the CORS headers (`cors.py`) on that answer;
5. any other exception as the envelope's `500`, without CORS headers, then raised for the server
   to log, as Starlette's server-error handling does.

Everything else goes on to the app: other methods (`405` and its `Allow`, preflights, routes
added for them), other paths, requests under a root path. The tests hold the two ways to the
same bytes. A middleware added to the app does not see the requests answered here: give its
effect to `FastPath` too, as a function both call, and extend the tests.

Why in front of the middleware rather than inside it, where the stack would apply the log,
limits, CORS and the 500 once: measured with `python -m benchmarks.paired` (10,000 customers,
the five sample queries, 3 rounds of 3 s), the fast path as the innermost middleware served
0.50-0.71 of the baseline's req/s where in front it served 0.55-0.85: in front was faster for 9
of the 10 queries, and on average 13 % and 15 % faster in two runs, one in either order (load
average 5.9-7.4 on two cores). Starlette's middleware wrappers and its CORS `send` wrapper cost more per request
than calling the same functions here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Final

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.domain.errors import ApiError, internal_failure
from mockserver.http.accesslog import LOGGER, log_request
from mockserver.http.cors import response_headers
from mockserver.http.endpoints import CustomerEndpoints
from mockserver.http.limits import size_error
from mockserver.http.request import RawHeaders, header_values
from mockserver.http.responses import error_response, json_headers
from mockserver.storage.journal import Journal

__all__ = ["FastPath", "Head", "ITEM_PREFIX", "LIST_PATH", "READ_METHODS", "customer_id_in", "is_api_read"]

LIST_PATH: Final = "/v1/customers"
ITEM_PREFIX: Final = LIST_PATH + "/"
READ_METHODS: Final = frozenset({"GET", "HEAD"})

Head = list[tuple[bytes, bytes]]


def customer_id_in(path: str) -> str | None:
    """The `{customerId}` of a Get Customer path, as Starlette's route matches it; None for other paths."""
    if not path.startswith(ITEM_PREFIX):
        return None
    customer_id = path[len(ITEM_PREFIX) :]
    return customer_id if customer_id and "/" not in customer_id else None


def is_api_read(scope: Scope) -> bool:
    """Whether `scope` is a `GET` or `HEAD` of List Customers or Get Customer, outside any root path."""
    return (
        scope["type"] == "http"
        and scope["method"] in READ_METHODS
        and not scope.get("root_path")
        and (scope["path"] == LIST_PATH or customer_id_in(scope["path"]) is not None)
    )


class FastPath:
    """An ASGI app answering the API's reads itself and passing every other request to `app`."""

    def __init__(
        self,
        app: ASGIApp,
        endpoints: CustomerEndpoints,
        cors_origins: Sequence[str] = (),
        journal: Journal | None = None,
    ) -> None:
        self.app = app
        self._endpoints = endpoints
        self._cors_origins = tuple(cors_origins)
        self._access_log = logging.getLogger(LOGGER)
        self._journal = journal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_api_read(scope):
            await self.app(scope, receive, send)
        elif self._journal is None and not self._access_log.isEnabledFor(logging.INFO):
            await self._answer(scope, send)
        else:
            started = time.perf_counter()
            status = 500
            try:
                status = await self._answer(scope, send)
            finally:
                duration_ms = (time.perf_counter() - started) * 1000
                if self._access_log.isEnabledFor(logging.INFO):
                    log_request(self._access_log, scope, status, duration_ms)
                if self._journal is not None:
                    self._journal.record(scope, status, duration_ms)

    async def _answer(self, scope: Scope, send: Send) -> int:
        """Answer the request as the app would; the status sent."""
        refusal = size_error(scope)
        if refusal is not None:
            return await _send(send, *_error_parts(refusal))
        try:
            body = await self._operate(scope)
            status, headers = 200, json_headers(body)
        except ApiError as error:
            status, headers, body = _error_parts(error)
        except Exception:
            await _send(send, *_error_parts(internal_failure()))
            raise
        if self._cors_origins:
            headers += response_headers(self._cors_origins, _origin(scope["headers"]))
        return await _send(send, status, headers, body)

    async def _operate(self, scope: Scope) -> bytes:
        """The body of the operation `scope` asks for (an API read), or the `ApiError` it raises."""
        headers, query_string, path = scope["headers"], scope["query_string"], scope["path"]
        if path == LIST_PATH:
            return await self._endpoints.list_customers(headers, query_string)
        return await self._endpoints.get_customer(headers, query_string, path[len(ITEM_PREFIX) :])


def _error_parts(error: ApiError) -> tuple[int, Head, bytes]:
    """`error` answered as `error_response` answers it: status, head and body."""
    response = error_response(error)
    return response.status_code, response.raw_headers, bytes(response.body)


async def _send(send: Send, status: int, headers: Head, body: bytes) -> int:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
    return status


def _origin(headers: RawHeaders) -> str | None:
    origins = header_values(headers, b"origin")
    return origins[0] if origins else None
